/**
 * JSON patches (RFC 6902, what Kustomize applies for `patches` with a `target`) between two
 * versions of an object, from `fast-json-patch`. Each replaced env value is guarded by a
 * `test` of the entry's name, so a base whose env moved fails to build instead of patching
 * the wrong variable.
 */
import { Operation, compare } from 'fast-json-patch';
import { KubeObject } from '../spec/types';

const ENV_VALUE = /^(.*\/env\/\d+)\/value$/;

/** The operations that turn `from` into `to`, or an empty list when they are equal. */
export function jsonPatch(from: KubeObject, to: KubeObject): Operation[] {
  const ops = compare(from, to);
  const out: Operation[] = [];
  for (const op of ops) {
    const m = op.op === 'replace' ? ENV_VALUE.exec(op.path) : null;
    if (m) {
      const name = m[1].split('/').slice(1).reduce<unknown>((cur, k) => (cur as Record<string, unknown>)?.[k], from) as { name?: string };
      if (name?.name) out.push({ op: 'test', path: `${m[1]}/name`, value: name.name });
    }
    out.push(op);
  }
  return out;
}

/** A strategic-merge patch that deletes the object (Kustomize's `$patch: delete`). */
export function deletePatch(obj: KubeObject): Record<string, unknown> {
  return {
    $patch: 'delete',
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata.name, ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}) },
  };
}
