/**
 * RUNBOOK.md: why this strategy, what to do before you start, a diagram of the phases and
 * gates, per phase the exact commands for each way of delivering (kubectl, Kustomize, Helm,
 * Argo CD), what to watch, how long it takes, whether rolling back is still safe and how, and
 * what to do after the last phase.
 */
import { controllerFilterTag, describeCheck, gateChecks } from '../plan/phase';
import { OWNER_PAUSED_CHECK, migrationAppName } from '../plan/lifecycle';
import { InstallationState, Phase, Plan } from '../plan/types';
import { EXPRESSION_ROUTES_GATE } from '../model/featureGates';
import { RouteShape } from '../model/flavor';
import { controllerRouteShape } from '../model/rules';
import { shellQuote } from '../constructs/shell';
import { ResolvedSpec } from '../spec/types';
import { routeRunbookSection } from '../routes';
import { objectName } from '../constructs/names';
import { phaseWave, stepPatches } from '../constructs/PhaseChart';
import { patchesOnly } from '../constructs/objectStates';
import { patchCommands } from './patches';
import { helmPhaseCommands } from './helm';

const minutes = (s: number) => (s < 90 ? `${s} s` : `${Math.round(s / 60)} min`);

/** A mermaid node id and label (quotes escaped). */
const label = (text: string) => text.replace(/"/g, "'");

function diagram(plan: Plan): string[] {
  const lines = ['```mermaid', 'flowchart TD', `  start(["${label(`${plan.from}: running`)}"])`];
  let prev = 'start';
  plan.phases.forEach((p, i) => {
    const n = i + 1;
    lines.push(`  p${n}["${label(`${p.id}<br/>${p.title}`)}"]`);
    lines.push(`  g${n}{"gate ${p.id.slice(0, 2)}"}`);
    lines.push(`  ${prev} --> p${n} --> g${n}`);
    lines.push(`  g${n} -. "fails: apply rollback/" .-> r${n}["${label(`rollback ${p.id.slice(0, 2)}`)}"]`);
    prev = `g${n}`;
  });
  lines.push(`  done(["${label(`${plan.to}: running, controller detected it`)}"])`);
  lines.push(`  ${prev} -- passes --> done`);
  lines.push('```');
  return lines;
}

/** Whether a phase of a Helm source is delivered by Helm alone (the modelled phases/ files are then a reference, not a delivery path). */
function helmOnly(spec: ResolvedSpec, plan: Plan, index: number): boolean {
  if (!spec.helm) return false;
  const c = helmPhaseCommands(spec, plan, index);
  return c.releases.length > 0 && c.outside.length === 0;
}

/** Helm sources, before phase 01: keep each release's values as installed, and check the keys the phases replace whole. */
function helmBeforeSection(spec: ResolvedSpec, plan: Plan): string[] {
  if (!spec.helm) return [];
  const c = helmPhaseCommands(spec, plan, 0);
  return [
    '**Helm: the values each release runs with.** Every phase upgrades from them (`--set` included). Save them once, here, and never again: after a failed phase the release runs that phase\'s values, and saving them then would make them your own. The file is kept when it exists; delete it only to start a new migration. Where a phase file replaces a list or a string whole (`extraObjects`, `feature_gates`), the release must run what the spec\'s values files hold, or the phases would drop what only the release has (needs `jq`; stop on STOP):',
    '',
    '```sh',
    ...c.before,
    '```',
    '',
  ];
}

function helmCommands(spec: ResolvedSpec, plan: Plan, index: number): string[] {
  if (!spec.helm) return [];
  const phase = plan.phases[index];
  const c = helmPhaseCommands(spec, plan, index);
  if (c.releases.length === 0) {
    return ['', `**Helm**: this phase changes nothing the charts' values express; apply \`phases/${phase.id}/\` with kubectl as below.`];
  }
  const ns = spec.namespace;
  const gateJob = objectName(plan.name, 'gate', phase.id.slice(0, 2));
  return [
    '',
    `**Helm** (each phase's file holds the whole change so far, on top of the release's values as installed, saved in Before you start; the chart version is pinned${c.outside.length ? `; values cannot express ${c.outside.join(', ')}: apply \`phases/${phase.id}/\` for those as below` : ''}):`,
    '',
    '```sh',
    ...(c.kubectlGate ? [`kubectl -n ${ns} delete job ${gateJob} --ignore-not-found`] : []),
    ...c.apply,
    ...(c.kubectlGate ? [`kubectl apply -f ${c.kubectlGate}`, `gate_wait ${ns} ${gateJob} ${phaseSeconds(phase)}`] : []),
    '```',
    '',
    c.kubectlGate
      ? `The chart version renders no \`extraObjects\`, so the gate is applied with kubectl after the upgrade (\`${c.kubectlGate}\`): go on only when \`gate_wait\` says it completed. If the upgrade or the gate fails, roll back first, and do not save the values again. To roll back with Helm (to the revision noted above; Helm runs no gate on rollback, so watch the rollout):`
      : 'The gate runs as a `post-upgrade` hook (`extraObjects`): the upgrade fails if the gate fails. Then roll back before anything else (do not save the values again): re-running the block notes the same revision, the last one deployed. To roll back with Helm (to the revision noted above; Helm runs no gate on rollback, so watch the rollout):',
    ...(c.rollback.some((l) => l.startsWith('helm upgrade'))
      ? ['', 'The gateways use `updateStrategy.type: Recreate`: `helm rollback` to the revision before the migration would render it again and stop every gateway at once, so that rollback is an upgrade to your own values with the RollingUpdate the phases use.']
      : []),
    '',
    '```sh',
    ...c.rollback,
    ...[...new Set(phase.changes.filter((x) => x.kind === 'Deployment').map((x) => x.name))].map(
      (name) => `kubectl -n ${spec.namespace} rollout status deployment/${name} --timeout=${phase.gate.timeoutSeconds}s`,
    ),
    '```',
  ];
}

/** A shell function, defined once, that waits for a hook Job to finish either way. */
const GATE_WAIT = [
  '# Waits for a Job to finish either way: 0 when it completed, 1 when it failed or the time ran out',
  '# (kubectl wait --for=condition=complete would sit until its timeout on a failed gate).',
  'gate_wait() { # namespace job seconds',
  '  end=$(( $(date +%s) + $3 ))',
  '  while [ "$(date +%s)" -lt "$end" ]; do',
  `    s=$(kubectl -n "$1" get job "$2" -o jsonpath='{.status.conditions[?(@.status=="True")].type}' 2>/dev/null)`,
  '    case " $s " in',
  '      *" Complete "*) kubectl -n "$1" logs "job/$2" --tail=20; echo "job $2 completed"; return 0;;',
  '      *" Failed "*) kubectl -n "$1" logs "job/$2" --tail=50; echo "job $2 FAILED: roll back (RUNBOOK.md)"; return 1;;',
  '    esac',
  '    sleep 10',
  '  done',
  '  echo "job $2 did not finish in $3 s: roll back (RUNBOOK.md)"; return 1',
  '}',
];

/** Seconds to give a phase from apply to gate: its rollout, then the gate's own deadline. */
const phaseSeconds = (phase: Phase) => phase.estimatedSeconds + phase.gate.timeoutSeconds + 60;

/**
 * Seconds to give one phase in an Argo CD sync. Argo CD starts the gate's wave only once the
 * Deployments of the earlier waves are Healthy (gitops-engine `pkg/sync/sync_context.go`,
 * argo-cd v3.5.1: a multi-wave sync waits for every running non-hook task), so the rollout comes
 * first, then the gate Job up to its `activeDeadlineSeconds` (its timeout plus a minute), then a
 * minute for Argo CD to see it end.
 */
const argoSeconds = (phase: Phase) => phaseSeconds(phase) + 60;

/**
 * Stops the Application's sync operation. `argocd app sync --timeout` stops only the command's
 * wait ("The command timed out waiting for the conditions to be met", cmd/argocd/commands/app.go
 * `waitOnApplicationStatus`); the operation goes on, and any new sync is refused with "another
 * operation is already in progress" (util/argo/argo.go `SetAppOperation`, argo-cd v3.5.1) until
 * it ends. `terminate-op` ends it and deletes its running hooks.
 */
function argoStop(app: string): string[] {
  return [
    `argocd app terminate-op ${app}   # "No operation is in progress": nothing to stop`,
    `kubectl -n argocd get application ${app} -o jsonpath='{.status.operationState.phase}{"\\n"}'   # must print Failed, Error or Succeeded; Running or Terminating: wait and repeat`,
  ];
}

/** Commands that promote one Argo CD Application to an overlay and fail unless that exact sync (gate included) succeeded. */
function argoPromotion(spec: ResolvedSpec, file: string, seconds: number): string[] {
  const app = migrationAppName(spec);
  return [
    `kubectl -n argocd apply -f argocd/app-per-phase/${file}.yaml   # or merge it into the repository your app-of-apps syncs`,
    'REV=$(git rev-parse HEAD)   # the pushed commit that holds the overlay',
    `argocd app sync ${app} --revision "$REV" --timeout ${seconds}`,
    `kubectl -n argocd get application ${app} -o jsonpath='{.status.operationState.phase} {.status.operationState.syncResult.revision}{"\\n"}'   # must print: Succeeded $REV`,
  ];
}

/** The pods of a selector with the fields a sidecar gate reads (flavor of the Kong container, Ready). */
function podFlavorCommand(spec: ResolvedSpec, sel: string): string {
  return `kubectl -n ${spec.namespace} get pods -l ${shellQuote(sel)} -o custom-columns='NAME:.metadata.name,PHASE:.status.phase,FLAVOR:.spec.containers[?(@.name=="${spec.gateway.container}")].env[?(@.name=="KONG_ROUTER_FLAVOR")].value,READY:.status.conditions[?(@.type=="Ready")].status'`;
}

/**
 * Whether rolling back phase `index` depends on what the controller detected: an in-place plan
 * whose controller will send another route shape at the end, before the phase that restarts it.
 * Returns the shape a (re)started controller would send, when that is the case.
 */
function rollbackDependsOnController(spec: ResolvedSpec, plan: Plan, index: number): RouteShape | undefined {
  if (plan.strategy !== 'rolling' || !spec.controller) return undefined;
  const restart = plan.phases.findIndex((p) => p.restartsController);
  if (restart < 0 || index >= restart) return undefined;
  const kic = spec.controller.version;
  const shape = (s: InstallationState) => {
    const c = s.controllers.find((x) => x.name === spec.controller!.deployment);
    const g = s.gateways.find((x) => x.name === spec.gateway.deployment);
    return c && g ? controllerRouteShape(kic, g.flavor, c.featureGates[EXPRESSION_ROUTES_GATE] === true) : undefined;
  };
  const final = plan.phases[plan.phases.length - 1].state;
  const before = shape(plan.initial);
  const after = shape(final);
  return after && before && after !== before ? after : undefined;
}

/** "Is rolling back still safe?": the routes the gateways hold tell what the controller detected. */
function rollbackSafety(spec: ResolvedSpec, plan: Plan, index: number): string[] {
  const shape = rollbackDependsOnController(spec, plan, index);
  if (!shape || !spec.gateway.adminReachable) return [];
  const ns = spec.namespace;
  const gw = spec.gateway;
  const sel = Object.keys(gw.selector).sort().map((k) => `${k}=${gw.selector[k]}`).join(',');
  const c = spec.controller!;
  const ctrl = plan.initial.controllers.find((x) => x.name === c.deployment)!;
  const ctrlSel = Object.keys(ctrl.selector).sort().map((k) => `${k}=${ctrl.selector[k]}`).join(',');
  const tags = spec.database === 'postgres' ? `&tags=${encodeURIComponent(controllerFilterTag(spec))}` : '';
  const pattern = shape === 'expressions' ? '"expression" *: *"' : '"(paths|hosts|methods|headers|snis|sources|destinations)" *: *[[{]';
  return [
    '',
    `**Is rolling back still safe?** Only while the controller has not detected ${plan.to}: once it has, it sends ${shape} routes, which gateways rolled back to ${plan.from} reject. The routes the gateways hold tell (the first 1000 are read); a controller pod started after you applied this phase may have detected it:`,
    '',
    '```sh',
    `for pod in $(kubectl -n ${ns} get pods -l ${shellQuote(sel)} --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}'); do`,
    `  if kubectl get --raw "/api/v1/namespaces/${ns}/pods/${gw.adminScheme}:$pod:${gw.adminPort}/proxy/routes?size=1000${tags}" | grep -Eq '${pattern}'; then echo "$pod holds ${shape} routes: NOT safe to roll back this phase alone; plan the reverse migration"; else echo "$pod: no ${shape} routes yet"; fi`,
    'done',
    `kubectl -n ${ns} get pods -l ${shellQuote(ctrlSel)} -o custom-columns='NAME:.metadata.name,STARTED:.status.startTime,RESTARTS:.status.containerStatuses[*].restartCount'`,
    '```',
  ];
}

function phaseSection(spec: ResolvedSpec, plan: Plan, phase: Phase, index: number): string[] {
  const ns = spec.namespace;
  const nn = phase.id.slice(0, 2);
  const gate = objectName(plan.name, 'gate', nn);
  const rollbackGate = objectName(plan.name, 'gate', nn, 'rollback');
  const deleteJobs = `kubectl -n ${ns} delete job -l kong-flavor-migrator/plan=${plan.name} --ignore-not-found`;
  const rollbackVerdict =
    phase.rollbackZeroDowntime === undefined
      ? ''
      : phase.rollbackZeroDowntime
        ? ' The verifier checked this rollback: it keeps serving.'
        : ' **The verifier found that this rollback is not zero-downtime in every interleaving** (see `plan.json`, `phases[].rollbackVerdict`).';
  const hasGate = phase.gate.checks.length > 0;
  const wait = (job: string) => (hasGate ? [`gate_wait ${ns} ${job} ${phaseSeconds(phase)}`] : []);
  // A Helm source: Helm first; phases/, kustomize/ and argocd/ model the chart's Deployments (not
  // every field it renders), so they are a delivery path only for what values cannot express.
  const byHelm = helmOnly(spec, plan, index);
  const out = [
    `### ${phase.id}: ${phase.title}`,
    '',
    phase.description,
    '',
    ...(phase.zeroDowntime ? [] : ['> **Downtime**: traffic is not served during this phase.', '']),
    '| object | change |',
    '|---|---|',
    ...phase.changes.map((c) => `| ${c.kind} ${c.name} | ${c.change.replace(/\|/g, '\\|')} |`),
    '',
    `Takes about ${minutes(phase.estimatedSeconds)}; the gate gives up after ${minutes(phase.gate.timeoutSeconds)}.`,
    '',
    `Before you apply it, when an Argo CD Application owns these objects: \`${OWNER_PAUSED_CHECK}\` must print nothing (an ApplicationSet or a parent Application may have turned its automated sync back on; see Before you start).`,
    ...(spec.helm ? helmCommands(spec, plan, index) : []),
    ...(byHelm
      ? []
      : [
          '',
          '**kubectl** or **Kustomize** (the overlay is cumulative: the whole state after the phase, and its hooks):',
          '',
          '```sh',
          // A Job keeps its name: a finished one would pass (or fail) again at once, and its template cannot change.
          deleteJobs,
          ...patchCommands(ns, `phases/${phase.id}`, patchesOnly(spec) ? stepPatches(spec, phase.rollbackTo, phase.state).patches : []),
          `kubectl apply -f phases/${phase.id}/`,
          `# or, with Kustomize: kubectl apply -k kustomize/overlays/${phase.id}`,
          ...wait(gate),
          '```',
        ]),
    ...(spec.helm
      ? []
      : [
          '',
          `**Argo CD, app-per-phase** (the sync fails, and so does the command, when the rollout or the gate fails; the timeout is the rollout, which Argo CD waits for before it starts the gate, then the gate):`,
          '',
          '```sh',
          ...argoPromotion(spec, phase.id, argoSeconds(phase)),
          '```',
        ]),
    '',
    '**Watch** (the gate checks the same):',
    '',
    ...phase.gate.checks.map((c) => `- ${describeCheck(c, spec)}`),
  ];
  const flavorCheck = phase.gate.checks.find((c) => c.check === 'flavor');
  if (flavorCheck && flavorCheck.check === 'flavor') {
    const sel = Object.entries(flavorCheck.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out.push(
      '',
      '```sh',
      ...(spec.gateway.adminReachable
        ? [
            `for pod in $(kubectl -n ${ns} get pods -l ${shellQuote(sel)} --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}'); do`,
            `  echo "$pod $(kubectl get --raw "/api/v1/namespaces/${ns}/pods/${spec.gateway.adminScheme}:$pod:${spec.gateway.adminPort}/proxy/" | grep -o '"router_flavor": *"[a-z_]*"')"`,
            'done',
          ]
        : [podFlavorCommand(spec, sel)]),
      '```',
    );
  }
  out.push(...rollbackSafety(spec, plan, index));
  out.push(
    '',
    `**Roll back**: ${phase.rollback}${rollbackVerdict}${byHelm ? ' With Helm: the `helm rollback` above.' : ''}`,
    ...(byHelm
      ? []
      : [
          '',
          '```sh',
          deleteJobs,
          ...patchCommands(ns, `phases/${phase.id}/rollback`, patchesOnly(spec) ? stepPatches(spec, phase.state, phase.rollbackTo).patches : []),
          `kubectl apply -f phases/${phase.id}/rollback/`,
          `# or, with Kustomize: kubectl apply -k kustomize/overlays/${phase.id}-rollback`,
          ...(gateChecks(spec, phase.state, phase.rollbackTo).length > 0 ? [`gate_wait ${ns} ${rollbackGate} ${phaseSeconds(phase)}`] : []),
          '```',
        ]),
    ...(spec.helm
      ? []
      : [
          '',
          `Argo CD, app-per-phase: first stop the phase's sync if it failed or timed out (a timeout stops only the command; the operation goes on, and Argo CD refuses a new sync while it runs), then the same with \`${phase.id}-rollback\`:`,
          '',
          '```sh',
          ...argoStop(migrationAppName(spec)),
          ...argoPromotion(spec, `${phase.id}-rollback`, argoSeconds(phase)),
          '```',
        ]),
    ...(index === 0
      ? []
      : [
          '',
          `This returns the objects to their state after ${plan.phases[index - 1].id}, not what the controller has since detected or written; chaining the earlier phases' rollbacks after it is not verified. To go further back, plan the reverse migration (\`to: ${plan.from}\`) from where you are.`,
        ]),
    '',
  );
  return out;
}

function lifecycleSection(title: string, steps: Plan['before']): string[] {
  const out = [`## ${title}`, ''];
  steps.forEach((s, i) => {
    out.push(`${i + 1}. **${s.title}.** ${s.text}`, '', '   ```sh', ...s.commands.map((c) => `   ${c}`), '   ```', '');
  });
  return out;
}

/** The runbook of a plan. */
export function runbook(spec: ResolvedSpec, plan: Plan): string {
  const v = plan.verification;
  const lines: string[] = [
    `# Runbook: ${plan.name}, router flavor ${plan.from} -> ${plan.to}`,
    '',
    `Namespace \`${spec.namespace}\`, ${spec.topology} topology, database \`${spec.database}\`, Kong ${spec.gateway.version.raw}, ${spec.controller ? `KIC ${spec.controller.version.raw}` : `KIC ${spec.gateway.sidecar!.version.raw} (sidecar)`}.`,
    '',
    `**Strategy: ${plan.strategy}**, ${plan.zeroDowntime ? 'zero downtime' : '**with downtime**'}${
      v ? `, ${v.safe ? `verified safe over ${v.statesExplored} states` : '**not verified safe**'}` : ''
    }.`,
    '',
    '## Why this strategy',
    '',
    ...plan.reasons.map((r) => `- ${r}`),
    ...(plan.ruledOut.length ? ['', 'Ruled out:', '', ...plan.ruledOut.map((r) => `- ${r.strategy}: ${r.reason}`)] : []),
    '',
  ];
  if (plan.phases.length === 0) {
    lines.push('Nothing to do.', '');
    return lines.join('\n');
  }
  if (plan.extraCapacity) {
    lines.push(
      `Extra capacity: ${plan.extraCapacity.pods} more pods from phase ${plan.extraCapacity.fromPhase} until phase ${plan.extraCapacity.untilPhase} completes.`,
      '',
    );
  }
  if (plan.downtimeWindowSeconds !== undefined) {
    lines.push(`Downtime window: at most ${minutes(plan.downtimeWindowSeconds)} (the sum of the gate timeouts of the downtime phases).`, '');
  }
  if (plan.rollbackNotZeroDowntimeFrom) {
    lines.push(`Rolling back is not guaranteed zero-downtime from phase ${plan.rollbackNotZeroDowntimeFrom} on.`, '');
  }
  if (plan.routes) lines.push(...routeRunbookSection(plan.routes, spec.routes.failOn));
  const app = migrationAppName(spec);
  lines.push(
    `Run the commands of this runbook from the folder that holds this file (\`cd dist/${plan.name}\` with synth's default \`--out dist\`): their paths (\`phases/\`, \`kustomize/\`, \`argocd/\`${spec.base.origin === 'helm' ? ', `helm/`' : ''}) are relative to it.`,
    '',
    ...lifecycleSection('Before you start', plan.before),
    ...helmBeforeSection(spec, plan),
    'In the shell you run the phases from (in that folder), define `gate_wait` (each phase below uses it):',
    '',
    '```sh',
    ...GATE_WAIT,
    '```',
    '',
    '## Phases and gates',
    '',
    ...diagram(plan),
    '',
    spec.helm
      ? `Upgrade one phase at a time with the values in \`helm/\` and go on only when the upgrade (and so its gate) has succeeded. The releases are the source of truth: \`phases/\`, \`kustomize/\` and \`argocd/\` model the chart's Deployments (names, selector labels, ServiceAccount and the planned fields, as the chart computes them) but not every field the chart renders, so they are a reference for review, applied only where a phase says values cannot express a change. kubectl, Kustomize or Argo CD on these objects would leave the releases behind what runs.`
      : patchesOnly(spec)
      ? 'Apply one phase at a time and go on only when its gate Job has completed. The spec has no `source`, so the tool knows your objects only as modelled on KIC\'s all-in-one manifests and never sends them whole: each phase folder holds strategic-merge patches of the planned fields (`phases/NN-<slug>/patches/`, applied by the `kubectl patch` lines below; every other field of your objects stays) and the hook Jobs; only objects the plan creates are whole. Re-applying a phase is safe; the commands below delete the plan\'s finished hook Jobs first, so the gate runs again. For Kustomize and app-per-phase, first put your own manifests in `kustomize/base/` (its kustomization.yaml says which): the overlays patch them by name and do not build without them.'
      : 'Apply one phase at a time and go on only when its gate Job has completed. Every phase folder holds the full desired state of the objects it touches, so re-applying it is safe; the commands below delete the plan\'s finished hook Jobs first, so the gate runs again. Each Kustomize overlay (`kustomize/overlays/NN-<slug>`) holds the whole state after its phase (your objects, patched) and that phase\'s hooks.',
    '',
  );
  // Argo CD delivers the modelled objects, not the releases: not a path for a Helm source.
  if (!spec.helm) lines.push(
    '## Argo CD: one Application per phase (app-per-phase)',
    '',
    `\`argocd/app-per-phase/NN-<slug>.yaml\` is one Application, \`${app}\`, pointed at the cumulative overlay of phase NN (\`kustomize/overlays/NN-<slug>\`): every object the migration has touched so far is in it, so nothing shows "requires pruning" and no sync deletes a gateway. It has no automated sync: each phase is promoted by \`argocd app sync --revision <commit>\`, which waits for the sync operation (the rollout, then the gate, a \`Sync\` hook) and exits non-zero when it fails. Hook Jobs do not count toward an Application's health, and \`argocd app wait --health\` returns before Argo CD has even seen a new commit, so never promote on health alone; check that the operation succeeded for the commit you meant.`,
    '',
    '## One Argo CD sync instead (waves)',
    '',
    `\`argocd/waves-application.yaml\` (\`${app}\`) applies every phase in one sync, in order (sync waves ${plan.phases.map((_, i) => (i + 1) * 10).join(', ')}, ...); each gate blocks the sync until it passes, and on failure a \`SyncFail\` Job logs where things stand. Objects a phase changes more than once are applied by hook Jobs at their earlier states, and objects the plan creates are declared at their first state and patched by hook Jobs in the phases that change them later (the green controller starts with Konnect sync and Ingress status updates off), so the sync walks through the verified phases. After a successful sync the Application shows those created objects OutOfSync (Git declares their first state): that is expected, never sync it again. The timeout is the sum of the phases' budgets (each: its rollout, which Argo CD waits for before the next wave, then its gate):`,
    '',
    '```sh',
    `kubectl -n argocd apply -f argocd/waves-application.yaml   # or merge it into the repository your app-of-apps syncs`,
    'REV=$(git rev-parse HEAD)   # the pushed commit that holds argocd/waves/',
    `argocd app sync ${app} --revision "$REV" --timeout ${plan.phases.reduce((sum, p) => sum + argoSeconds(p), 0)}`,
    `kubectl -n argocd get application ${app} -o jsonpath='{.status.operationState.phase} {.status.operationState.syncResult.revision}{"\\n"}'   # must print: Succeeded $REV`,
    '```',
    '',
    `**When it fails or times out**, in this order: find the phase that failed, stop the operation, delete the Application without cascading **before** you roll back (it still declares the objects at their planned states: any sync, a retry included, would replay the plan from phase 01 over the rollback), then apply that phase's rollback (its section below):`,
    '',
    '```sh',
    `argocd app get ${app} --show-operation   # the operation's phase and message`,
    `kubectl -n argocd get application ${app} -o jsonpath='{range .status.operationState.syncResult.resources[*]}{.hookPhase} {.kind}/{.name} {.message}{"\\n"}{end}' | grep -v '^Succeeded'`,
    '# what failed (or still runs) names the phase: a Job by its name, a Deployment or Service by its sync-wave annotation',
    ...plan.phases.map((p, i) => {
      const nn = p.id.slice(0, 2);
      return `#   ${p.id}: Jobs ${['gate', 'apply', 'remove'].map((what) => objectName(plan.name, what, nn)).join(', ')}; waves ${phaseWave(i)}-${phaseWave(i) + 9}`;
    }),
    ...argoStop(app),
    `kubectl -n argocd get application ${app} -o jsonpath='{.metadata.finalizers}'   # must print nothing, or the delete cascades`,
    `kubectl -n argocd delete application ${app}   # or: argocd app delete ${app} --cascade=false`,
    `kubectl -n ${spec.namespace} delete job -l kong-flavor-migrator/plan=${plan.name} --ignore-not-found`,
    `kubectl apply -f phases/NN-<slug>/rollback/   # phase NN's rollback, with its patches and gate_wait as in its section`,
    '```',
    '',
    `Sync it once. Every sync runs the hooks again, so a second sync after success would replay the earlier phases (and their gates). Once it has succeeded, delete the Application **without cascading**: \`kubectl -n argocd delete application ${app}\` (it carries no \`resources-finalizer.argocd.argoproj.io\`; check with \`kubectl -n argocd get application ${app} -o jsonpath='{.metadata.finalizers}'\`) or \`argocd app delete ${app} --cascade=false\`. **Never a plain \`argocd app delete ${app}\`**: it cascades by default and deletes every object the Application tracks (the Kong Deployments and Services of the plan). Or point it at your final manifests (see After the last phase).`,
    '',
  );
  lines.push(
    '## Phase by phase',
    '',
  );
  plan.phases.forEach((p, i) => lines.push(...phaseSection(spec, plan, p, i)));
  lines.push(...lifecycleSection('After the last phase', plan.after));
  if (plan.warnings.length) lines.push('## Warnings', '', ...plan.warnings.map((w) => `- ${w}`), '');
  return lines.join('\n');
}
