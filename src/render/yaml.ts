import * as YAML from 'yaml';

/**
 * YAML text of one object, deterministic (no line folding, so scripts stay readable).
 * Written as YAML 1.1 so that strings kubectl's parser would read as booleans or numbers
 * (`off`, `on`, `yes`, `0755`) are quoted: `KONG_DATABASE: off` must stay a string.
 */
export function toYaml(obj: unknown): string {
  return YAML.stringify(obj, { version: '1.1', lineWidth: 0, minContentWidth: 0 });
}

/** A multi-document YAML stream. */
export function toYamlStream(objs: readonly unknown[]): string {
  return objs.map((o) => toYaml(o)).join('---\n');
}
