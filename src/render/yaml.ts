/**
 * YAML text of the objects we emit: plain JSON data (maps, lists, strings, numbers, booleans,
 * null), block style, keys in insertion order, two-space indent. Same input, same bytes.
 *
 * Written by hand, on purpose: the profile of a 1,000-spec fleet spent a quarter of its time in
 * a general YAML emitter (`yaml`, then `js-yaml`), deciding for every string whether it could be
 * misread. Our data is JSON, so one strict rule does: a string is written plain only when it is
 * a run of safe characters that no YAML 1.1 or 1.2 parser (kubectl's included) reads as anything
 * but that string; multi-line strings become `|` blocks; everything else is a JSON string, which
 * is valid double-quoted YAML. A property test parses random JSON back (test/yaml.test.ts).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Safe plain scalars: start with a letter or `/`, then letters, digits and `_ . / -` (no `: ` or ` #`). */
const PLAIN = /^[A-Za-z/][A-Za-z0-9_./-]*$/;
/**
 * Plain words some parser reads as something else: YAML 1.1 booleans and null, and exponent-only
 * forms (`e5`) that at least one YAML 1.1 implementation takes for a float.
 */
const RESERVED = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$|^[eE][-+]?[0-9]/;

/**
 * Characters a JSON string leaves raw that some YAML parser reads as a line break or refuses:
 * DEL and the C1 controls (U+0085 NEL is a line break in YAML 1.1, and kubectl's parser
 * follows it), U+2028/U+2029 (line and paragraph separators), the byte-order mark, lone
 * surrogates and the non-characters U+FFFE/U+FFFF. JSON.stringify already escapes C0.
 */
const UNSAFE_IN_QUOTES = /[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A double-quoted YAML scalar: a JSON string with every break-like or non-printable character escaped. */
function quoted(s: string): string {
  return JSON.stringify(s).replace(UNSAFE_IN_QUOTES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function scalar(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : quoted(s);
}

/** A `|` block for multi-line text that survives it exactly; undefined when it would not. */
function block(s: string, indent: string): string | undefined {
  // Only printable text outside the breaks YAML 1.1 knows (CR, NEL, LS, PS) goes in a block.
  if (!s.includes('\n') || /^[ \n]/.test(s) || /[\r\t\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) return undefined;
  const body = s.endsWith('\n') ? s.slice(0, -1) : s;
  const lines = body.split('\n');
  if (lines.some((l) => / $/.test(l)) || body.endsWith('\n')) return undefined;
  const chomp = s.endsWith('\n') ? '|' : '|-';
  return `${chomp}\n${lines.map((l) => (l.length ? `${indent}${l}` : '')).join('\n')}`;
}

const isMap = (v: Json): v is { [key: string]: Json } => v !== null && typeof v === 'object' && !Array.isArray(v);

function value(v: Json, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
    return String(v);
  }
  if (typeof v === 'string') return block(v, indent) ?? scalar(v);
  throw new Error('internal: collection passed to value()');
}

function emit(v: Json, indent: string, out: string[]): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (isMap(item) && Object.keys(item).length > 0) {
        const lines: string[] = [];
        emit(item, `${indent}  `, lines);
        // The first key goes on the dash line.
        out.push(`${indent}- ${lines[0].slice(indent.length + 2)}`, ...lines.slice(1));
      } else if (Array.isArray(item) && item.length > 0) {
        out.push(`${indent}-`);
        emit(item, `${indent}  `, out);
      } else {
        out.push(`${indent}- ${collectionOrValue(item, `${indent}  `)}`);
      }
    }
    return;
  }
  if (isMap(v)) {
    for (const [k, item] of Object.entries(v)) {
      if (item === undefined) continue;
      const key = scalar(k);
      if ((isMap(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
        out.push(`${indent}${key}:`);
        emit(item, Array.isArray(item) ? `${indent}  ` : `${indent}  `, out);
      } else {
        out.push(`${indent}${key}: ${collectionOrValue(item, `${indent}  `)}`);
      }
    }
    return;
  }
  out.push(`${indent}${value(v, indent)}`);
}

function collectionOrValue(v: Json, indent: string): string {
  if (Array.isArray(v)) return '[]';
  if (isMap(v)) return '{}';
  return value(v, indent);
}

const emitted = new WeakMap<object, string>();

/** YAML text of one object (the same object is emitted once: several outputs share objects). */
export function toYaml(obj: unknown): string {
  if (obj === null || typeof obj !== 'object') return `${value(obj as Json, '')}\n`;
  let text = emitted.get(obj);
  if (text === undefined) {
    const json = obj as Json;
    if (isMap(json) && Object.keys(json).length === 0) text = '{}\n';
    else if (Array.isArray(json) && json.length === 0) text = '[]\n';
    else {
      const lines: string[] = [];
      emit(json, '', lines);
      text = `${lines.join('\n')}\n`;
    }
    emitted.set(obj, text);
  }
  return text;
}

/** A multi-document YAML stream. */
export function toYamlStream(objs: readonly unknown[]): string {
  return objs.map((o) => toYaml(o)).join('---\n');
}
