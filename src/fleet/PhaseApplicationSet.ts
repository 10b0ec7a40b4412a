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
 */
function gatePatches(installation: string) {
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
      ].join('\n'),
    },
  ];
}

/**
 * The user's labels on each Application (`argocd app list -l env=prod`). Keys differ from one
 * installation to the next, so they come from each element through `templatePatch` (Argo CD
 * >= 2.10, go templates only; values JSON-quoted with sprig's `toJson`, as its docs advise:
 * docs/operator-manual/applicationset/Template.md, sprig functions in applicationset/utils/utils.go).
 * The element's map always holds `kong-flavor-migrator/plan`, so the patch is never empty.
 */
export const LABELS_PATCH = ['metadata:', '  labels:', '{{- range $key, $value := .labels }}', '    {{ $key | toJson }}: {{ $value | toJson }}', '{{- end }}', ''].join('\n');

/** The generator element of one installation: everything its Application differs in. */
function element(props: PhaseApplicationSetProps, o: InstallationOutcome, step: string): Record<string, unknown> {
  const dest = argoDestination(o.cluster);
  const folder = props.phase ? overlayPath(props.rollback ? `${props.phase.id}-rollback` : props.phase.id) : 'kustomize/base';
  return {
    installation: o.name,
    application: applicationName(o.name),
    clusterName: dest.name ?? '',
    clusterServer: dest.server ?? '',
    namespace: o.namespace,
    repoURL: o.argocd.repoURL,
    targetRevision: o.argocd.targetRevision,
    project: o.argocd.project,
    path: `${o.argocd.path}/${folder}`,
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
  const phaseId = props.phase ? (props.rollback ? `${props.phase.id}-rollback` : props.phase.id) : '00-base';
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
      annotations: { 'kong-flavor-migrator/phase': phaseId },
    },
    spec: {
      project: '{{.project}}',
      source: { repoUrl: '{{.repoURL}}', targetRevision: '{{.targetRevision}}', path: '{{.path}}', kustomize: { patches: gatePatches('{{.installation}}') } },
      // One of the two is empty: Argo CD takes an empty field as unset.
      destination: { name: '{{.clusterName}}', server: '{{.clusterServer}}', namespace: '{{.namespace}}' },
      // No automated sync: RollingSync syncs each Application when its step comes.
      syncPolicy: { syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=false'] },
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
