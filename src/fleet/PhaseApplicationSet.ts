import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../../imports/argoproj.io';
import { objectName } from '../constructs/names';
import { overlayPath } from '../render/kustomize';
import { KubeObject } from '../spec/types';
import { argoDestination } from '../spec/placement';
import { FleetGroup } from './group';
import { InstallationOutcome } from './judge';
import { HOLD, GroupRollout, STEP_LABEL } from './rollout';
import { BASE } from './schema';

export interface PhaseApplicationSetProps {
  /** The fleet's name; with the group's, it names the ApplicationSet. */
  readonly fleet: string;
  readonly group: FleetGroup;
  readonly rollout: GroupRollout;
  /** The phase every Application moves to. @default none: the base, each installation as it runs today */
  readonly phase?: { readonly id: string; readonly title: string };
  /** Back to the state before `phase`, through the phase's verified rollback (its rollback overlay and gate). @default false */
  readonly rollback?: boolean;
}

const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kong-flavor-migrator' };

/** The Argo CD Application of one installation, the same name as its app-per-phase Application. */
export const applicationName = (installation: string) => objectName('kong-flavor', installation);

/** The ApplicationSet of a group: its name is the same for every phase, so committing the next phase's file promotes it. */
export const applicationSetName = (fleet: string, group: string) => objectName('kong-flavor', fleet, group);

/**
 * Our hook Jobs (gates, removals) become plain resources in the fleet's Applications. Argo CD
 * leaves hooks out of an Application's health (controller/health.go skips `hook.IsHook`,
 * argoproj/argo-cd v3), and RollingSync moves to the next step once every Application of a step
 * is Healthy and Synced (applicationset/progressivesync/progressive_sync.go): a gate that fails
 * as a hook would not stop the step. As a resource, a running gate Job keeps its Application
 * Progressing and a failed one Degraded, so the step waits (Job health: gitops-engine
 * pkg/health/health_job.go; a Degraded resource fails the sync: pkg/sync/sync_context.go).
 * `IgnoreExtraneous` keeps a phase's gate and its RBAC, gone from the next phase's overlay,
 * from holding that Application OutOfSync (RollingSync does not prune by default); it changes
 * only the sync status, so a failed gate left behind still marks the Application Degraded
 * (docs/user-guide/compare-options.md). `source.kustomize.patches` needs Argo CD >= 2.9.
 *
 * `Force=true,Replace=true` makes every sync delete and recreate our Jobs (`kubectl replace
 * --force`: gitops-engine pkg/sync/sync_context.go, the `shouldReplace`/`force` branch, and
 * docs/user-guide/sync-options.md "Force Sync", argoproj/argo-cd v3.5.1): without it a phase
 * promoted again after a rollback finds its gate Job of the first pass, identical, so the apply
 * is a no-op and that old result (passed or failed) stands for the new pass.
 *
 * A Job left behind by the other direction of the same phase (the failed `gate-NN` when the
 * cluster rolls back, or a `gate-NN-rollback` when it goes forward again) would hold the
 * Application Degraded for good: the overlay's own gate first deletes it, from an init
 * container (a copy of the gate's kubectl container) allowed by one more Role rule limited to
 * those Job names. A phase direction without a gate leaves that to FLEET.md's command.
 */
export function gatePatches(installation: string, namespace: string, gate: string, forget: readonly string[]): { target: Record<string, string>; patch: string }[] {
  const ours = `app.kubernetes.io/managed-by=kong-flavor-migrator,kong-flavor-migrator/plan=${installation}`;
  return [
    {
      target: { labelSelector: ours },
      patch: ['apiVersion: v1', 'kind: Any', 'metadata:', '  name: any', '  annotations:', '    argocd.argoproj.io/compare-options: IgnoreExtraneous'].join('\n'),
    },
    {
      target: { group: 'batch', version: 'v1', kind: 'Job', labelSelector: ours },
      patch: [
        '- op: remove',
        '  path: /metadata/annotations/argocd.argoproj.io~1hook',
        '- op: remove',
        '  path: /metadata/annotations/argocd.argoproj.io~1hook-delete-policy',
        '- op: add',
        '  path: /metadata/annotations/argocd.argoproj.io~1sync-options',
        `  value: ${FORCE_REPLACE}`,
      ].join('\n'),
    },
    {
      target: { group: 'batch', version: 'v1', kind: 'Job', name: gate, labelSelector: ours },
      patch: [
        '- op: add',
        '  path: /spec/template/spec/initContainers',
        '  value: []',
        '- op: copy',
        '  from: /spec/template/spec/containers/0',
        '  path: /spec/template/spec/initContainers/-',
        '- op: replace',
        '  path: /spec/template/spec/initContainers/0/name',
        '  value: forget-other-direction',
        '- op: replace',
        '  path: /spec/template/spec/initContainers/0/command',
        '  value:',
        '    - /bin/sh',
        '    - -c',
        `    - kubectl -n ${namespace} delete job ${forget.join(' ')} --ignore-not-found --wait=true`,
      ].join('\n'),
    },
    {
      target: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', name: gate, labelSelector: ours },
      patch: [
        '- op: add',
        '  path: /rules/-',
        '  value:',
        '    apiGroups: [batch]',
        '    resources: [jobs]',
        `    resourceNames: [${forget.join(', ')}]`,
        '    verbs: [get, list, watch, delete]',
      ].join('\n'),
    },
    {
      // The user's Kong objects (everything the plan did not add): a sync with prune (`argocd
      // app sync --prune`, the UI's Prune box) must never delete them; objects the plan removes
      // are deleted by its Jobs (docs/user-guide/sync-options.md "No Prune Resources").
      target: { labelSelector: 'app.kubernetes.io/managed-by!=kong-flavor-migrator' },
      patch: ['apiVersion: v1', 'kind: Any', 'metadata:', '  name: any', '  annotations:', '    argocd.argoproj.io/sync-options: Prune=false'].join('\n'),
    },
  ];
}

/** Our Jobs' sync options in the fleet: deleted and recreated on every sync, so each pass runs its gate again. */
export const FORCE_REPLACE = 'Force=true,Replace=true';

/** The overlay an id names, relative to the installation's folder. */
const folderOf = (id: string) => (id === BASE ? 'kustomize/base' : overlayPath(id));

/**
 * For the overlay `id` of an installation: its gate Job (the name every hook Job's RBAC shares),
 * and the Jobs of the other direction of the same phase that it deletes first.
 */
export function overlayJobs(installation: string, id: string): { gate: string; forget: [string, string] } {
  // The base has no Job of ours: a name no object has, so the patches that target it do nothing.
  if (id === BASE) return { gate: objectName(installation, 'base-has-no-gate'), forget: [objectName(installation, 'base-has-no-gate'), objectName(installation, 'base-has-no-gate')] };
  const nn = id.slice(0, 2);
  const rollback = id.endsWith('-rollback');
  const other = rollback ? '' : 'rollback';
  return {
    gate: objectName(installation, 'gate', nn, rollback ? 'rollback' : ''),
    forget: [objectName(installation, 'gate', nn, other), objectName(installation, 'remove', nn, other)],
  };
}

/**
 * The user's labels on each Application (`argocd app list -l env=prod`). Keys differ from one
 * installation to the next, so they come from each element through `templatePatch` (Argo CD
 * >= 2.10, go templates only; values JSON-quoted with sprig's `toJson`, as its docs advise:
 * docs/operator-manual/applicationset/Template.md, sprig functions in applicationset/utils/utils.go).
 * The element's map always holds `kong-flavor-migrator/plan`, so the patch is never empty.
 */
export const LABELS_PATCH = ['metadata:', '  labels:', '{{- range $key, $value := .labels }}', '    {{ $key | toJson }}: {{ $value | toJson }}', '{{- end }}', ''].join('\n');

/** The overlay id every Application of the file moves to: `00-base`, a phase, or a phase's rollback. */
const fileOverlay = (props: PhaseApplicationSetProps) => (props.phase ? (props.rollback ? `${props.phase.id}-rollback` : props.phase.id) : BASE);

/** The generator element of one installation: everything its Application differs in. A held installation keeps the overlay it is pinned at. */
function element(props: PhaseApplicationSetProps, o: InstallationOutcome, step: string): Record<string, unknown> {
  const dest = argoDestination(o.cluster);
  const id = o.holdAt ?? fileOverlay(props);
  const jobs = overlayJobs(o.name, id);
  return {
    installation: o.name,
    application: applicationName(o.name),
    clusterName: dest.name ?? '',
    clusterServer: dest.server ?? '',
    namespace: o.namespace,
    repoURL: o.argocd.repoURL,
    targetRevision: o.argocd.targetRevision,
    project: o.argocd.project,
    path: `${o.argocd.path}/${folderOf(id)}`,
    phase: id,
    gate: jobs.gate,
    forgetGate: jobs.forget[0],
    forgetRemoval: jobs.forget[1],
    step,
    labels: { ...o.labels, 'kong-flavor-migrator/plan': o.name },
  };
}

/** The ApplicationSet object (plain JSON); its template through the typed import of the Application CRD. */
export function phaseApplicationSetManifest(props: PhaseApplicationSetProps): KubeObject {
  const { group, rollout } = props;
  const stepOf = new Map<string, string>();
  for (const s of rollout.steps) for (const o of s.installations) stepOf.set(o.name, s.name);
  for (const o of rollout.held) stepOf.set(o.name, HOLD);
  const phaseId = fileOverlay(props);
  const app = Application.manifest({
    metadata: {
      name: '{{.application}}',
      namespace: 'argocd',
      labels: {
        ...MANAGED_BY,
        'kong-flavor-migrator/plan': '{{.installation}}',
        'kong-flavor-migrator/fleet': props.fleet,
        'kong-flavor-migrator/group': group.name,
        [STEP_LABEL]: '{{.step}}',
      },
      // The element's own overlay: a held Application shows where it is pinned, not the group's phase.
      annotations: { 'kong-flavor-migrator/phase': '{{.phase}}' },
    },
    spec: {
      project: '{{.project}}',
      source: { repoUrl: '{{.repoURL}}', targetRevision: '{{.targetRevision}}', path: '{{.path}}', kustomize: { patches: gatePatches('{{.installation}}', '{{.namespace}}', '{{.gate}}', ['{{.forgetGate}}', '{{.forgetRemoval}}']) } },
      // One of the two is empty: Argo CD takes an empty field as unset.
      destination: { name: '{{.clusterName}}', server: '{{.clusterServer}}', namespace: '{{.namespace}}' },
      // No automated sync: RollingSync syncs each Application when its step comes. No retry:
      // RollingSync's operations retry 5 times unless the Application sets its own
      // (progressive_sync.go `syncApplication`, argoproj/argo-cd v3.5.1), and a retry would
      // recreate a failed gate (Force/Replace) and run the phase again unattended; `limit: 0` is
      // "no retries" (pkg/apis/application/v1alpha1/types.go `RetryStrategy`).
      syncPolicy: { syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=false'], retry: { limit: 0 } },
    },
  }) as KubeObject;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: {
      name: applicationSetName(props.fleet, group.name),
      namespace: 'argocd',
      labels: { ...MANAGED_BY, 'kong-flavor-migrator/fleet': props.fleet, 'kong-flavor-migrator/group': group.name },
      annotations: { 'kong-flavor-migrator/phase': phaseId },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements: group.installations.map((o) => element(props, o, stepOf.get(o.name)!)) } }],
      // Every installation held: no step to run (RollingSync refuses empty steps); the
      // Applications are only kept up to date, never synced (the template has no automated sync).
      strategy: rollout.steps.length
        ? {
            type: 'RollingSync',
            rollingSync: {
              steps: rollout.steps.map((s) => ({ matchExpressions: [{ key: STEP_LABEL, operator: 'In', values: [s.name] }], maxUpdate: s.maxUpdate })),
            },
          }
        : { type: 'AllAtOnce' },
      // Deleting the ApplicationSet (or an Application) must never delete Kong: no
      // resources-finalizer on the Applications (Application-Deletion.md, argoproj/argo-cd).
      syncPolicy: { preserveResourcesOnDeletion: true },
      template: { metadata: app.metadata, spec: app.spec },
      templatePatch: LABELS_PATCH,
    },
  };
}

/**
 * The ApplicationSet that moves every installation of a group to one phase: a list generator
 * with one element per installation (its cluster, namespace and the path of its Kustomize
 * overlay for the phase), and RollingSync steps from the fleet's rollout policy. Every phase's
 * ApplicationSet has the same name, so committing the next one promotes the group.
 */
export class PhaseApplicationSet extends Construct {
  public readonly applicationSet: ApiObject;

  constructor(scope: Construct, id: string, props: PhaseApplicationSetProps) {
    super(scope, id);
    if (props.rollout.steps.length === 0 && props.rollout.held.length === 0) {
      throw new Error(`internal: group ${props.group.name} has no installation to roll out`);
    }
    this.applicationSet = new ApiObject(this, 'Resource', phaseApplicationSetManifest(props));
  }
}
