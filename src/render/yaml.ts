import * as jsYaml from 'js-yaml';

/**
 * YAML text of one object, deterministic (keys in insertion order, no line folding so scripts
 * stay readable). Strings that YAML 1.1 parsers (kubectl's) would read as booleans or numbers
 * (`off`, `on`, `yes`, `0755`) are quoted: `KONG_DATABASE: off` must stay a string.
 *
 * Written with js-yaml, which emits about twice as fast as `yaml` (the profile of a 1,000-spec
 * fleet spent half its time here); `yaml` still parses every input.
 */
export function toYaml(obj: unknown): string {
  if (obj === null || typeof obj !== 'object') return jsYaml.dump(obj, OPTIONS);
  // The same objects go to several outputs (phases, Kustomize, Argo CD waves): emit them once.
  let text = emitted.get(obj);
  if (text === undefined) {
    text = jsYaml.dump(obj, OPTIONS);
    emitted.set(obj, text);
  }
  return text;
}

const OPTIONS: jsYaml.DumpOptions = { lineWidth: -1, noRefs: true, noCompatMode: false };
const emitted = new WeakMap<object, string>();

/** A multi-document YAML stream. */
export function toYamlStream(objs: readonly unknown[]): string {
  return objs.map((o) => toYaml(o)).join('---\n');
}
