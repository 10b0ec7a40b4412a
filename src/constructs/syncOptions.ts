import { KubeObject } from '../spec/types';

/**
 * Argo CD's per-object sync options annotation, comma-separated (argo-cd v3.5.1,
 * docs/user-guide/sync-options.md "No Prune Resources": `Prune=false` on a resource keeps a
 * sync from pruning it and overrides the Application's prune policy).
 */
export const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** `existing` sync options with `Prune=false` in place of any Prune option. */
function pruneDisabled(existing: string | undefined): string {
  const kept = (existing ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o && !/^Prune=/.test(o));
  return [...kept, 'Prune=false'].join(',');
}

/**
 * The object with `Prune=false` in its sync options (other options kept). The user's Kong
 * Deployments and Services carry it in every Application of the plan: a manual
 * `argocd app sync --prune` (or the UI's Prune box) on an Application that once tracked them
 * must never delete Kong; the objects the plan removes are deleted by its own Jobs. Only the
 * object's own metadata: a pod template annotation would roll the pods.
 */
export function withPruneDisabled<T extends KubeObject>(obj: T): T {
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...(obj.metadata.annotations ?? {}), [SYNC_OPTIONS]: pruneDisabled(obj.metadata.annotations?.[SYNC_OPTIONS]) } } };
}

/** A strategic-merge patch that only names the object (apiVersion, kind, name, namespace): a base for an annotation. */
export function namePatch(obj: KubeObject): KubeObject {
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) } };
}
