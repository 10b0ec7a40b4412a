/**
 * Strategic-merge patches (what `kubectl patch --type strategic` and Kustomize's patch files
 * apply) between two versions of an object: only the fields that differ, so applied to the
 * user's own object it changes the planned fields and keeps every other one (worker processes,
 * log targets, probes, volumes). Used when the spec has no `source`: the tool then knows the
 * objects only as modelled, and must never send them whole.
 *
 * Hand-written: there is no maintained JavaScript implementation of strategic merge. It covers
 * what plans change: maps (a removed key becomes `null`), lists of named entries (containers,
 * env) merged by `name` (their patch merge key in the Kubernetes API; a removed entry becomes
 * `$patch: delete`), and other lists replaced whole (`args`, which has no merge key).
 */
import { jsonEqual } from '../util/jsonEqual';
import { KubeObject } from '../spec/types';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isMap = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const named = (v: unknown): v is { name: string }[] => Array.isArray(v) && v.length > 0 && v.every((e) => isMap(e) && typeof e.name === 'string');
/** Deep equality that stops at the first difference (comparing JSON texts at every level was a seventh of a fleet's time). */
const same = jsonEqual;

function diffList(before: Json[], after: Json[]): Json[] | undefined {
  if (same(before, after)) return undefined;
  if (!(named(before) || before.length === 0) || !named(after)) return after;
  const out: Json[] = [];
  const old = before as unknown as Record<string, Json>[];
  for (const entry of after as unknown as Record<string, Json>[]) {
    const was = old.find((e) => e.name === entry.name);
    if (!was) out.push(entry);
    else {
      const d = diffMap(was, entry);
      if (d) out.push({ name: entry.name, ...d });
    }
  }
  for (const e of old) if (!(after as unknown as Record<string, Json>[]).some((x) => x.name === e.name)) out.push({ name: e.name, $patch: 'delete' });
  return out;
}

function diffMap(before: Record<string, Json>, after: Record<string, Json>): Record<string, Json> | undefined {
  const out: Record<string, Json> = {};
  for (const key of Object.keys(after)) {
    const a = before[key];
    const b = after[key];
    if (same(a, b)) continue;
    if (isMap(a) && isMap(b)) {
      const d = diffMap(a, b);
      if (d) out[key] = d;
    } else if (Array.isArray(a) && Array.isArray(b)) {
      const d = diffList(a, b);
      if (d) out[key] = d;
    } else out[key] = b;
  }
  for (const key of Object.keys(before)) if (!(key in after)) out[key] = null;
  return Object.keys(out).length ? out : undefined;
}

/**
 * The strategic-merge patch from `before` to `after` (same object), with `apiVersion`, `kind`
 * and `metadata.name`/`namespace` so Kustomize can match it; undefined when nothing differs.
 */
export function strategicMergePatch(before: KubeObject, after: KubeObject): KubeObject | undefined {
  const { apiVersion: _a, kind: _k, metadata: mb, ...restBefore } = before;
  const { apiVersion, kind, metadata: ma, ...restAfter } = after;
  const body = diffMap(restBefore as Record<string, Json>, restAfter as Record<string, Json>);
  const meta = diffMap(mb as Record<string, Json>, ma as Record<string, Json>);
  if (!body && !meta) return undefined;
  return {
    apiVersion,
    kind,
    metadata: { ...(meta ?? {}), name: ma.name, ...(ma.namespace ? { namespace: ma.namespace } : {}) },
    ...(body ?? {}),
  } as KubeObject;
}
