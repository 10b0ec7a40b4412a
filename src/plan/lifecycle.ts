/**
 * What comes before the first phase and after the last one. A plan is only as safe as what
 * surrounds it: an Argo CD Application with self-heal, a CI job running `helm upgrade`, or the
 * user's own manifests still holding the old flavor would roll the gateways back days later
 * while the controller keeps sending the new route shape (the seed deadlock). So every plan
 * says what to pause and check before, and what to write back, re-enable and clean up after.
 * Pure: data for plan.json, the RUNBOOK and `plan`.
 */
import { objectName } from '../constructs/names';
import { shellQuote as q } from '../constructs/shell';
import { DEFAULTS } from '../spec/defaults';
import { ResolvedSpec } from '../spec/types';
import { PREFLIGHT_SECONDS } from './phase';
import { InstallationState, Plan } from './types';

/** One step of the before or after part: what to do, why, and the commands. */
export interface LifecycleStep {
  readonly title: string;
  readonly text: string;
  /** Shell commands in order; lines starting with `#` say what to look for. */
  readonly commands: readonly string[];
}

export interface Lifecycle {
  readonly before: readonly LifecycleStep[];
  readonly after: readonly LifecycleStep[];
}

const selector = (labels: Readonly<Record<string, string>>) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

/** The name of the Argo CD Application the plan's own output defines (waves or app-per-phase). */
export const migrationAppName = (spec: ResolvedSpec): string => objectName('kong-flavor', spec.name);

/**
 * The check, before each phase, that the Application owning the Kong objects still has no
 * automated sync: an ApplicationSet or a parent Application with self-heal puts it back.
 */
export const OWNER_PAUSED_CHECK = "kubectl -n argocd get application <owning-app> -o jsonpath='{.spec.syncPolicy.automated}'";

/**
 * The warning for Argo CD Applications that point at the placeholder repository (no
 * `spec.output.argocd.repoURL`): Argo CD cannot fetch it, so the Application shows a
 * ComparisonError and every sync fails. Safe, but found only at 3 a.m.; say it now.
 */
export function argoCdRepoWarning(spec: ResolvedSpec): string | undefined {
  if (spec.output.argocd.repoURL !== DEFAULTS.output.argocd.repoURL) return undefined;
  return `spec.output.argocd.repoURL is not set: the Argo CD Applications in argocd/ point at the placeholder ${DEFAULTS.output.argocd.repoURL} and cannot sync; set it to the repository that holds this output (argocd repo get <url> must know it), or ignore argocd/ if you deliver with kubectl, Kustomize or Helm`;
}

/**
 * Reads `GET /` of one running gateway pod's admin API through the API server's pod proxy: the
 * preflight of the RUNBOOK and of gate 01. Without a reachable admin API (sidecar, bound to
 * localhost), reads the flavor from the pods instead.
 */
export function adminReadCommands(spec: ResolvedSpec, path: string): string[] {
  const ns = q(spec.namespace);
  const gw = spec.gateway;
  const pod = `POD=$(kubectl -n ${ns} get pods -l ${q(selector(gw.selector))} --field-selector=status.phase=Running -o jsonpath='{.items[0].metadata.name}')`;
  return [pod, `kubectl get --raw "/api/v1/namespaces/${spec.namespace}/pods/${gw.adminScheme}:$POD:${gw.adminPort}/proxy${path}"`];
}

function namesOf(state: InstallationState, kind: 'Deployment' | 'Service'): string[] {
  return kind === 'Service' ? state.services.map((s) => s.name) : [...state.gateways, ...state.controllers].map((d) => d.name);
}

function beforeSteps(spec: ResolvedSpec, plan: Plan): LifecycleStep[] {
  const ns = q(spec.namespace);
  const deployments = namesOf(plan.initial, 'Deployment');
  const services = namesOf(plan.initial, 'Service');
  const owners: LifecycleStep = {
    title: 'Pause whatever else deploys these objects',
    text:
      'An Argo CD Application that owns these Deployments would undo each phase (self-heal) or put the old flavor back at its next sync, and a CI pipeline that runs `helm upgrade` or `kubectl apply` on them would do the same, days later if not now: new gateways on the old flavor reject what the controller sends and never become Ready. Find the owners, turn their automated sync off for the whole migration (self-heal goes with it), note how they were set, and hold the pipelines until "After the last phase". `argocd app set --sync-policy none` alone does not hold when an ApplicationSet generated the Application or a parent Application (app-of-apps) applies it: they put its automated sync back within minutes. So check who owns the Application first, and check that its automated sync stays off.',
    commands: [
      `kubectl -n ${ns} get deployment ${deployments.map(q).join(' ')} -o custom-columns='NAME:.metadata.name,ARGO-CD:.metadata.annotations.argocd\\.argoproj\\.io/tracking-id,INSTANCE:.metadata.labels.app\\.kubernetes\\.io/instance,HELM:.metadata.annotations.meta\\.helm\\.sh/release-name'`,
      '# ARGO-CD (Argo CD 3.x, <app>:<group>/<kind>:<namespace>/<name>) or INSTANCE (earlier versions) names the owning Application; HELM the release',
      'argocd app get <owning-app> | grep -i "sync policy"   # note it: Automated, Prune, Self Heal',
      // An ApplicationSet owns what it generates (controller reference, applicationset/controllers/applicationset_controller.go)
      // and rewrites its spec; Controlling-Resource-Modification.md "Allow temporarily toggling auto-sync" (argo-cd v3.5.1).
      `kubectl -n argocd get application <owning-app> -o jsonpath='{range .metadata.ownerReferences[*]}{.kind}/{.name}{"\\n"}{end}{.metadata.annotations.argocd\\.argoproj\\.io/tracking-id}{.metadata.labels.app\\.kubernetes\\.io/instance}{"\\n"}'`,
      '# ApplicationSet/<appset>: it rewrites the Application (sync policy included) to its template; first add to the ApplicationSet, where it is defined, then apply it:',
      '#   spec.ignoreApplicationDifferences: [{jsonPointers: [/spec/syncPolicy]}]',
      '# a tracking id or instance (app-of-apps): that parent Application re-applies this one; pause the parent first:',
      'argocd app set <parent-app> --sync-policy none   # only with a parent Application; note its policy too',
      'argocd app set <owning-app> --sync-policy none',
      `${OWNER_PAUSED_CHECK}   # must print nothing, now, again after 5 minutes, and before each phase`,
      ...(spec.helm ? [`# hold every CI job that runs helm upgrade on ${spec.helm.release} (namespace ${spec.helm.namespace}) until the migration is done`] : ['# hold every CI job that applies these manifests until the migration is done']),
    ],
  };
  const preflight: LifecycleStep = {
    title: 'Preflight',
    text: spec.gateway.adminReachable
      ? `The gates read each gateway's admin API through the API server's pod proxy. Check that it works now: the read must print \`"router_flavor":"${plan.from}"\`. A 400 ("No required SSL certificate was sent") means the admin API wants a client certificate or an RBAC token the gates cannot send; a timeout means the API server cannot reach port ${spec.gateway.adminPort} on the pods (a private cluster's firewall rule, a NetworkPolicy): fix that first, or every gate fails at its deadline. Gate 01 makes the same read first and stops within ${Math.round(PREFLIGHT_SECONDS / 60)} minutes if it fails, but only once phase 01 is applied (then roll phase 01 back): this read is the one that stops the migration before anything changes. The plan's Jobs need to create Roles, RoleBindings and Jobs in the namespace, and an HPA on these Deployments would fight the planned replicas.`
      : `The gates read the flavor from the pods (the admin API listens on localhost): the read must print \`${plan.from}\` for every pod. The plan's Jobs need to create Roles, RoleBindings and Jobs in the namespace, and an HPA on these Deployments would fight the planned replicas.`,
    commands: [
      'kong-flavor verify <spec.yaml>',
      ...(spec.gateway.adminReachable
        ? [...adminReadCommands(spec, '/').slice(0, 1), `${adminReadCommands(spec, '/')[1]} | grep -o '"router_flavor": *"[a-z_]*"'`]
        : [
            `kubectl -n ${ns} get pods -l ${q(selector(spec.gateway.selector))} -o custom-columns='NAME:.metadata.name,PHASE:.status.phase,FLAVOR:.spec.containers[?(@.name=="${spec.gateway.container}")].env[?(@.name=="KONG_ROUTER_FLAVOR")].value'`,
          ]),
      `kubectl auth can-i create roles -n ${ns} && kubectl auth can-i create rolebindings -n ${ns} && kubectl auth can-i create jobs -n ${ns}`,
      `argocd repo get ${q(spec.output.argocd.repoURL)}   # with Argo CD only: the repository of argocd/*.yaml must be known to Argo CD${argoCdRepoWarning(spec) ? ' (this is the placeholder: set spec.output.argocd.repoURL)' : ''}`,
      spec.helm
        ? `kubectl -n ${ns} get hpa   # one the chart renders (autoscaling.enabled) is turned off by the phases that scale; pause any other that targets ${deployments.join(' or ')}`
        : `kubectl -n ${ns} get hpa   # none may target ${deployments.join(' or ')}: pause it for the migration`,
    ],
  };
  const save: LifecycleStep = {
    title: 'Save what runs now',
    text: 'A copy of the objects as they are, for the record and for a manual recovery.',
    // kind/name pairs: `get deployment,service a b` asks for every kind of every name and fails on the NotFound ones.
    commands: [`kubectl -n ${ns} get ${[...deployments.map((d) => `deployment/${d}`), ...services.map((s) => `service/${s}`)].map(q).join(' ')} -o yaml > ${q(`${plan.name}-before.yaml`)}`],
  };
  return [owners, preflight, save];
}

/**
 * After the merge, what each release runs must be the merged values. The last phase's values
 * also hold the plan's gate hooks in `extraObjects` (values-final.yaml rightly leaves them out;
 * hooks are not release objects, so the next upgrade deletes nothing), and with a Recreate
 * strategy the phases' RollingUpdate: the comparison drops the hooks and names the rest.
 */
function helmFinalComparison(spec: ResolvedSpec, plan: Plan): string[] {
  const h = spec.helm!;
  const releases = [h, ...(h.controllerRelease ? [h.controllerRelease] : [])];
  const strategyKey = h.chart === 'ingress' ? 'gateway.updateStrategy' : 'updateStrategy';
  return [
    `# after the merge, each release must run exactly your merged values, apart from the plan's gate hooks (dropped below)${h.gatewaySettings?.recreate ? ` and ${strategyKey}, RollingUpdate until your next upgrade brings Recreate back` : ''}:`,
    ...releases.map((r) => {
      const list = r.chart === 'ingress' ? '.controller.extraObjects' : '.extraObjects';
      const drop = `del(${list}[]? | select(.metadata.labels["kong-flavor-migrator/plan"] == "${plan.name}")) | if ${list} == [] then del(${list}) else . end`;
      return `helm get values ${q(r.release)} -n ${q(r.namespace)} -o json | jq ${q(drop)}   # compare with your merged values file`;
    }),
  ];
}

function afterSteps(spec: ResolvedSpec, plan: Plan): LifecycleStep[] {
  const ns = q(spec.namespace);
  const last = plan.phases[plan.phases.length - 1].state;
  const deleted = (['Deployment', 'Service'] as const).flatMap((kind) => namesOf(plan.initial, kind).filter((n) => !namesOf(last, kind).includes(n)).map((n) => `${kind} ${n}`));
  const deletedText = deleted.length ? ` Remove from it what the plan deleted: ${deleted.join(', ')}.` : '';
  const app = migrationAppName(spec);
  let write: LifecycleStep;
  if (spec.base.origin === 'helm') {
    write = {
      title: 'Write the final state into your values',
      text: `Merge \`helm/values-final.yaml\` (per release with two releases: \`helm/<release>/values-final.yaml\`) into the values you deploy the release with (Git, CI): it holds only what the target needs (the flavor${plan.phases.some((p) => p.restartsController) ? ', the controller settings it restarted with, and the restart annotation, so that the next upgrade does not restart the controller' : ''}), and your own rollout strategy is back. The next \`helm upgrade\` with your values then changes nothing; without the merge it would roll the gateways back to ${plan.from} while the controller keeps sending the new route shape.${deletedText}`,
      commands: helmFinalComparison(spec, plan),
    };
  } else if (spec.base.origin === 'manifests') {
    write = {
      title: 'Write the final state into your manifests',
      text: `\`final/\` holds every object of your manifests at its final state (one file each: the target flavor, your own rollout strategy back, the plan's restart annotation kept so that applying them changes nothing; Secrets are not copied, keep yours). Replace your copies with them in Git.${deletedText} Then \`kubectl diff\` must show no difference.`,
      commands: ['kubectl diff -f final/   # no output: Git now says what runs'],
    };
  } else {
    write = {
      title: 'Write the final state into your manifests',
      text: `The plan had no \`spec.source\`, so it changed only the planned fields of your objects (\`final/patches/\` holds them, from the state before the migration to the final one). Make the same change wherever your manifests live: ${plan.to !== plan.from ? `\`KONG_ROUTER_FLAVOR=${plan.to}\` on the gateway container` : 'the flavor'}${plan.phases.some((p) => p.restartsController) ? ', the controller settings and restart annotation in the patches' : ''}, your own rollout strategy.${deletedText}`,
      commands: [`kubectl -n ${ns} get deployment ${namesOf(last, 'Deployment').map(q).join(' ')} -o yaml   # what runs now, to compare with your manifests`],
    };
  }
  const reenable: LifecycleStep = {
    title: 'Re-enable what you paused',
    text: 'Only once Git holds the final state: the owning Application must show no difference in these objects, or turning its sync back on rolls them back. Restore its policy as you noted it, and release the pipelines.',
    commands: [
      'argocd app diff <owning-app>   # no difference in the Kong objects',
      'argocd app set <owning-app> --sync-policy automated --self-heal   # as it was: add --auto-prune if it pruned',
      '# then the parent Application as it was, and remove the ignoreApplicationDifferences rule you added to an ApplicationSet',
    ],
  };
  const cleanup: LifecycleStep = {
    title: "Remove the plan's Jobs and RBAC",
    text: `Every Job, ServiceAccount, Role and RoleBinding the plan created carries the label \`kong-flavor-migrator/plan=${plan.name}\`. If you used its Argo CD Application (${app}), delete it without cascading: \`argocd app delete\` cascades by default and would delete every object the Application tracks (the Kong Deployments and Services of the plan). \`kubectl delete application\` does not cascade unless the Application has the \`resources-finalizer.argocd.argoproj.io\` finalizer (ours has none; check).`,
    commands: [
      `kubectl -n ${ns} delete job,serviceaccount,role,rolebinding -l kong-flavor-migrator/plan=${q(plan.name)}`,
      `kubectl -n argocd get application ${app} -o jsonpath='{.metadata.finalizers}'   # must print nothing`,
      `kubectl -n argocd delete application ${app} --ignore-not-found   # or: argocd app delete ${app} --cascade=false`,
    ],
  };
  return [write, reenable, cleanup];
}

/** The before and after parts of a plan (empty for a plan with nothing to do). */
export function lifecycleOf(spec: ResolvedSpec, plan: Plan): Lifecycle {
  if (plan.phases.length === 0) return { before: [], after: [] };
  return { before: beforeSteps(spec, plan), after: afterSteps(spec, plan) };
}
