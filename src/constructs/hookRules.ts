/**
 * How Argo CD and Helm read hook annotations, written once: the hook Jobs are annotated from
 * these rules, and every emitted hook object is checked against them (a Job whose ServiceAccount
 * comes in a later phase can never start).
 *
 * Argo CD (argoproj/gitops-engine `pkg/sync/hook/hook.go`, `pkg/sync/hook/helm/type.go`,
 * `pkg/sync/hook/helm/weight.go`, `pkg/sync/hook/delete_policy.go`, `pkg/sync/syncwaves/waves.go`,
 * `pkg/sync/sync_tasks.go`):
 * - the phases are the valid values of `argocd.argoproj.io/hook` (a comma list); only when there
 *   is none are Helm's hook events read: `pre-install`/`pre-upgrade` -> `PreSync`,
 *   `post-install`/`post-upgrade` -> `PostSync`, other events are not mapped (Helm hook
 *   annotations are ignored on an object that has an Argo hook annotation);
 * - the wave is `argocd.argoproj.io/sync-wave`, else `helm.sh/hook-weight`, else 0;
 * - delete policies: Argo's and Helm's mapped (`before-hook-creation` -> `BeforeHookCreation`,
 *   `hook-succeeded` -> `HookSucceeded`, `hook-failed` -> `HookFailed`), default
 *   `BeforeHookCreation`;
 * - an object that is not a hook is synced in the `Sync` phase; tasks run by phase (PreSync,
 *   Sync, PostSync, SyncFail), then wave, then kind (ServiceAccount, Role, RoleBinding before
 *   Job), then name.
 *
 * Helm (helm.sh/docs/topics/charts_hooks; helm/helm#12414): `helm.sh/hook` is a comma list of
 * events; hooks of one event run in ascending `helm.sh/hook-weight` (default 0), then by name,
 * not by kind; Helm reads no Argo annotation.
 */
import { KubeObject } from '../spec/types';

export const ARGO_HOOK = 'argocd.argoproj.io/hook';
export const ARGO_HOOK_DELETE_POLICY = 'argocd.argoproj.io/hook-delete-policy';
export const ARGO_SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
export const HELM_HOOK = 'helm.sh/hook';
export const HELM_HOOK_WEIGHT = 'helm.sh/hook-weight';
export const HELM_HOOK_DELETE_POLICY = 'helm.sh/hook-delete-policy';

export type ArgoPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail' | 'PostDelete' | 'PreDelete' | 'Skip';
export type HelmEvent = 'pre-install' | 'post-install' | 'pre-upgrade' | 'post-upgrade' | 'pre-delete' | 'post-delete' | 'pre-rollback' | 'post-rollback' | 'test';

const ARGO_PHASES: readonly ArgoPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PostDelete', 'PreDelete', 'Skip'];
/** Argo CD's order of sync phases (gitops-engine `syncPhaseOrder`). */
const PHASE_ORDER: Readonly<Record<string, number>> = { PreSync: -1, Sync: 0, PostSync: 1, SyncFail: 2 };
/** The Helm events Argo CD maps to its phases; the others it does not run. */
const HELM_TO_ARGO: Readonly<Record<string, ArgoPhase>> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};
const HELM_DELETE_TO_ARGO: Readonly<Record<string, string>> = {
  'before-hook-creation': 'BeforeHookCreation',
  'hook-succeeded': 'HookSucceeded',
  'hook-failed': 'HookFailed',
};
/** The kinds a hook Job brings, in Argo CD's kind order (ServiceAccount, Role, RoleBinding, Job). */
const KIND_ORDER = ['ServiceAccount', 'Role', 'RoleBinding', 'Job'];

const csv = (o: KubeObject, key: string): string[] =>
  (o.metadata.annotations?.[key] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** Go's `strconv.Atoi` on an annotation: the integer, or undefined. */
const intAnnotation = (o: KubeObject, key: string): number | undefined => {
  const text = o.metadata.annotations?.[key];
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
};

/** How Argo CD syncs an object: its phases (`Sync` for a plain resource), wave and, for hooks, delete policies. */
export interface ArgoReading {
  readonly hook: boolean;
  readonly phases: readonly ArgoPhase[];
  readonly wave: number;
  readonly deletePolicies: readonly string[];
}

/** The Argo CD phase a Helm hook event runs in, if Argo CD runs it at all. */
export function argoPhaseOfHelmEvent(event: string): ArgoPhase | undefined {
  return HELM_TO_ARGO[event];
}

export function argoReading(o: KubeObject): ArgoReading {
  const wave = intAnnotation(o, ARGO_SYNC_WAVE) ?? intAnnotation(o, HELM_HOOK_WEIGHT) ?? 0;
  const own = csv(o, ARGO_HOOK).filter((t): t is ArgoPhase => (ARGO_PHASES as readonly string[]).includes(t));
  const hasArgoAnnotation = o.metadata.annotations?.[ARGO_HOOK] !== undefined;
  // Helm's annotations count only when no Argo hook type is there.
  const phases = own.length > 0 ? own : csv(o, HELM_HOOK).flatMap((e) => (HELM_TO_ARGO[e] ? [HELM_TO_ARGO[e]] : []));
  const helmHook = o.metadata.annotations?.[HELM_HOOK];
  const hook = hasArgoAnnotation ? !(phases.length === 1 && phases[0] === 'Skip') : helmHook !== undefined && helmHook !== 'crd-install';
  if (!hook) return { hook: false, phases: ['Sync'], wave, deletePolicies: [] };
  const policies = [...csv(o, ARGO_HOOK_DELETE_POLICY), ...csv(o, HELM_HOOK_DELETE_POLICY).flatMap((p) => (HELM_DELETE_TO_ARGO[p] ? [HELM_DELETE_TO_ARGO[p]] : []))];
  return { hook, phases, wave, deletePolicies: policies.length ? [...new Set(policies)] : ['BeforeHookCreation'] };
}

/** How Helm runs an object: its hook events (none: a release resource) and weight. */
export interface HelmReading {
  readonly events: readonly string[];
  readonly weight: number;
}

export function helmReading(o: KubeObject): HelmReading {
  return { events: csv(o, HELM_HOOK), weight: intAnnotation(o, HELM_HOOK_WEIGHT) ?? 0 };
}

/**
 * The annotations of one part of a hook Job group for a delivery: the Argo CD phase and wave,
 * and (for a chart release) the Helm event and weight, consistent under both tools' rules. The
 * RBAC (`rank` 0) comes one wave and one weight before the Job (`rank` 1).
 */
export function hookAnnotations(opts: {
  readonly argoPhase: ArgoPhase;
  readonly helmEvent?: HelmEvent;
  readonly weight: number;
  readonly rank: 0 | 1;
}): Record<string, string> {
  const a: Record<string, string> = {
    [ARGO_HOOK]: opts.argoPhase,
    [ARGO_HOOK_DELETE_POLICY]: 'BeforeHookCreation',
    [ARGO_SYNC_WAVE]: String(opts.weight - 1 + opts.rank),
  };
  if (opts.helmEvent) {
    a[HELM_HOOK] = opts.helmEvent;
    a[HELM_HOOK_WEIGHT] = String(opts.weight - 1 + opts.rank);
    a[HELM_HOOK_DELETE_POLICY] = 'before-hook-creation';
  }
  return a;
}

/**
 * Problems with the hook Jobs among `objects` (each Job with the ServiceAccount, Role and
 * RoleBinding of its name): under Argo CD, the RBAC must be synced in the Job's phase and before
 * it (earlier wave, or the same wave and an earlier kind); under Helm (`helm` true: the objects
 * travel in chart values), every part must be a hook of the Job's events, with a lower weight.
 */
export function hookProblems(objects: readonly KubeObject[], helm: boolean): string[] {
  const problems: string[] = [];
  for (const job of objects.filter((o) => o.kind === 'Job')) {
    const name = job.metadata.name;
    const parts = objects.filter((o) => o.metadata.name === name && KIND_ORDER.includes(o.kind) && o.kind !== 'Job');
    const ja = argoReading(job);
    if (ja.phases.length !== 1) problems.push(`Job ${name}: Argo CD reads ${ja.phases.length} phases (${ja.phases.join(', ')}); expected one`);
    if (!ja.hook) problems.push(`Job ${name}: not an Argo CD hook (it would be applied once and never rerun)`);
    for (const kind of ['ServiceAccount', 'Role', 'RoleBinding']) {
      const part = parts.find((p) => p.kind === kind);
      if (!part) {
        problems.push(`Job ${name}: no ${kind} ${name} beside it`);
        continue;
      }
      const pa = argoReading(part);
      if (pa.phases.join(',') !== ja.phases.join(',')) {
        problems.push(`${kind} ${name}: Argo CD syncs it in ${pa.phases.join(', ')}, the Job in ${ja.phases.join(', ')}`);
      } else if (pa.wave > ja.wave || (pa.wave === ja.wave && KIND_ORDER.indexOf(kind) > KIND_ORDER.indexOf('Job'))) {
        problems.push(`${kind} ${name}: Argo CD syncs it after the Job (wave ${pa.wave} vs ${ja.wave})`);
      }
      if (PHASE_ORDER[pa.phases[0]] === undefined) problems.push(`${kind} ${name}: Argo CD phase ${pa.phases[0]} is not run by a sync`);
      if (!helm) continue;
      const jh = helmReading(job);
      const ph = helmReading(part);
      if (ph.events.join(',') !== jh.events.join(',')) {
        problems.push(`${kind} ${name}: Helm hook events ${ph.events.join(',') || 'none'}, the Job's ${jh.events.join(',') || 'none'}`);
      } else if (ph.weight >= jh.weight) {
        // Helm orders hooks of one event by weight, then name: the same name needs a lower weight.
        problems.push(`${kind} ${name}: Helm weight ${ph.weight} is not below the Job's ${jh.weight}`);
      }
    }
    if (!helm) continue;
    const events = helmReading(job).events;
    if (events.length === 0) problems.push(`Job ${name}: not a Helm hook (Helm would apply it as a release resource)`);
    // Where Argo CD renders the chart, what it makes of the Helm events must be the Argo phase the Job has.
    const mapped = [...new Set(events.flatMap((e) => (HELM_TO_ARGO[e] ? [HELM_TO_ARGO[e]] : [])))];
    if (mapped.join(',') !== ja.phases.join(',')) {
      problems.push(`Job ${name}: Helm events ${events.join(',')} run in Argo CD's ${mapped.join(',') || 'no phase'}, but its Argo CD phase is ${ja.phases.join(',')}`);
    }
  }
  return problems;
}
