import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { ARGO_HOOK, ARGO_HOOK_DELETE_POLICY, ARGO_SYNC_WAVE, argoPhaseOfHelmEvent, hookAnnotations } from './hookRules';

/** A Deployment or Service the plan names. */
export interface NamedObject {
  readonly kind: 'Deployment' | 'Service';
  readonly name: string;
}

/** RBAC rules granting `verbs` on exactly these Deployments and Services (by `resourceNames`). */
export function namedObjectRules(objects: readonly NamedObject[], verbs: string[]): k8s.PolicyRule[] {
  const names = (kind: string) => [...new Set(objects.filter((o) => o.kind === kind).map((o) => o.name))].sort();
  const deployments = names('Deployment');
  const services = names('Service');
  return [
    ...(deployments.length ? [{ apiGroups: ['apps'], resources: ['deployments'], verbs, resourceNames: deployments }] : []),
    ...(services.length ? [{ apiGroups: [''], resources: ['services'], verbs, resourceNames: services }] : []),
  ];
}

/** How a hook Job is started by the delivery tool. */
export interface HookTiming {
  /** Argo CD hook phase. @default 'Sync' (ordered by `syncWave`) */
  readonly argoHook?: 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';
  /** Argo CD sync wave of the Job and its RBAC. @default no annotation */
  readonly syncWave?: number;
  /** Helm hook (when rendered for a chart release); the Argo CD phase follows it unless `argoHook` is set. @default no Helm annotations */
  readonly helmHook?: 'pre-upgrade' | 'post-upgrade';
  /** Helm hook weight of the Job (its RBAC gets one less, in Helm and in Argo CD). @default 0 */
  readonly helmWeight?: number;
}

export interface HookJobProps extends HookTiming {
  /** The resolved spec: namespace, hook image, UID, timeout, plan name for labels. */
  readonly spec: ResolvedSpec;
  /** Name of the Job, its ServiceAccount, Role and RoleBinding. */
  readonly name: string;
  /** The shell script the Job runs (with `kubectl` and a POSIX shell). */
  readonly script: string;
  /** Exactly the permissions the script needs (write verbs limited by `resourceNames`). */
  readonly rules: k8s.PolicyRule[];
  /** Seconds before the Job is failed (`activeDeadlineSeconds` adds a minute). @default spec.hooks.timeoutSeconds */
  readonly timeoutSeconds?: number;
  /** What the Job does, for `kubectl describe`. */
  readonly description: string;
}

/**
 * A Job that runs a kubectl script for the plan, with its own ServiceAccount and a namespaced
 * Role holding only the permissions it needs. Pod Security Standards "restricted": non-root,
 * read-only root file system, no privilege escalation, all capabilities dropped,
 * `seccompProfile: RuntimeDefault`; bounded by requests/limits, `activeDeadlineSeconds` and
 * `backoffLimit`.
 */
export class HookJob extends Construct {
  /** The Job and its RBAC, in apply order: ServiceAccount, Role, RoleBinding, Job. */
  public readonly objects: ApiObject[];

  constructor(scope: Construct, id: string, props: HookJobProps) {
    super(scope, id);
    const { spec } = props;
    const namespace = spec.namespace;
    const runAsUser = spec.hooks.runAsUser;
    const timeoutSeconds = props.timeoutSeconds ?? spec.hooks.timeoutSeconds;
    const labels = { 'app.kubernetes.io/managed-by': 'kong-flavor-migrator', 'kong-flavor-migrator/plan': spec.name };
    const meta = (extra: Record<string, string> = {}) => ({
      name: props.name,
      namespace,
      labels,
      ...(Object.keys(extra).length > 0 ? { annotations: { ...extra } } : {}),
    });
    // One reading of both tools' hook rules (hookRules.ts): the RBAC lands in the Job's phase, before it.
    const argoPhase = props.argoHook ?? (props.helmHook ? argoPhaseOfHelmEvent(props.helmHook) : undefined) ?? 'Sync';
    let jobAnnotations: Record<string, string>;
    let rbacAnnotations: Record<string, string>;
    if (props.helmHook) {
      const weight = props.helmWeight ?? 0;
      jobAnnotations = hookAnnotations({ argoPhase, helmEvent: props.helmHook, weight, rank: 1 });
      rbacAnnotations = hookAnnotations({ argoPhase, helmEvent: props.helmHook, weight, rank: 0 });
    } else {
      // Argo CD only: the same wave; its kind order syncs ServiceAccount, Role and RoleBinding before the Job.
      rbacAnnotations = {
        [ARGO_HOOK]: argoPhase,
        [ARGO_HOOK_DELETE_POLICY]: 'BeforeHookCreation',
        ...(props.syncWave === undefined ? {} : { [ARGO_SYNC_WAVE]: String(props.syncWave) }),
      };
      jobAnnotations = { ...rbacAnnotations };
    }
    jobAnnotations['kong-flavor-migrator/description'] = props.description;
    const sa = k8s.KubeServiceAccount.manifest({ metadata: meta(rbacAnnotations), automountServiceAccountToken: false });
    const role = k8s.KubeRole.manifest({ metadata: meta(rbacAnnotations), rules: props.rules });
    const binding = k8s.KubeRoleBinding.manifest({
      metadata: meta(rbacAnnotations),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: props.name },
      subjects: [{ kind: 'ServiceAccount', name: props.name, namespace }],
    });
    const job = k8s.KubeJob.manifest({
      metadata: meta(jobAnnotations),
      spec: {
        backoffLimit: 1,
        activeDeadlineSeconds: timeoutSeconds + 60,
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: props.name,
            automountServiceAccountToken: true,
            restartPolicy: 'Never',
            securityContext: {
              runAsNonRoot: true,
              // null: the platform picks the UID (OpenShift's restricted SCC assigns one from the namespace's range).
              ...(runAsUser === null ? {} : { runAsUser, runAsGroup: runAsUser }),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            containers: [
              {
                name: 'kubectl',
                image: spec.hooks.image,
                command: ['/bin/sh', '-c', props.script],
                env: [
                  { name: 'HOME', value: '/tmp' },
                  { name: 'KUBECACHEDIR', value: '/tmp/.kube/cache' },
                ],
                resources: {
                  requests: { cpu: k8s.Quantity.fromString('10m'), memory: k8s.Quantity.fromString('32Mi') },
                  limits: { cpu: k8s.Quantity.fromString('200m'), memory: k8s.Quantity.fromString('128Mi') },
                },
                securityContext: {
                  runAsNonRoot: true,
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                  seccompProfile: { type: 'RuntimeDefault' },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } }],
          },
        },
      },
    });
    this.objects = [sa, role, binding, job].map((o, i) => new ApiObject(this, ['ServiceAccount', 'Role', 'RoleBinding', 'Job'][i], o as KubeObject));
  }
}
