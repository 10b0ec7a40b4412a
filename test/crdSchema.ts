/**
 * Validating objects against a CRD's `openAPIV3Schema` with Ajv. Stricter than the API server
 * on one point: where the schema lists `properties` and neither allows more nor preserves
 * unknown fields, an unknown field is an error (the API server would drop it silently, so a
 * misspelt field would vanish from what Argo CD sees).
 */
import Ajv from 'ajv';

type Schema = Record<string, unknown>;

/** The CRD schema as JSON Schema Ajv checks: unknown fields refused, Kubernetes' `x-` markers honoured. */
export function strictSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictSchema);
  if (node === null || typeof node !== 'object') return node;
  const s = node as Schema;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, sub]) => [p, strictSchema(sub)])) : strictSchema(v);
  }
  // int-or-string fields carry anyOf [integer, string] beside the marker.
  if (s['x-kubernetes-int-or-string'] && !s.anyOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  if (s.properties && s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}

/** A validator for one CRD schema: the problems of an object, each with its JSON path (none when valid). */
export function crdValidator(openAPIV3Schema: unknown): (obj: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(strictSchema(openAPIV3Schema) as Schema);
  return (obj) => (validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''}`));
}
