/**
 * Parsing YAML input (specs, manifests, chart values) within limits, so that no input can
 * exhaust memory, time or the stack: documents, nodes, nesting depth and aliases are bounded,
 * duplicate keys are found in linear time, and every failure is one input error naming the
 * file and line, never a parser's internal text.
 */
import * as jsYaml from 'js-yaml';
import * as YAML from 'yaml';
import { InputError, inputError } from './errors';

/** Limits on one YAML file (stated in the README). */
export const YAML_LIMITS = {
  /** Documents in one file (`---` separated). A full `kubectl get -A -o yaml` is one. */
  documents: 10_000,
  /** Maps, lists and scalars in one file. */
  nodes: 2_000_000,
  /** Nesting depth of maps and lists (Kubernetes objects nest about 15 deep). */
  depth: 64,
  /** Aliases (`*name`) resolved in one document: guards against alias bombs. */
  aliases: 100,
} as const;

/** Options for `parseYamlFile`. */
export interface YamlParseOptions {
  /**
   * The field path errors are reported at (`spec.source.manifests`); the file then starts
   * the message. @default the file itself is the path
   */
  readonly field?: string;
  /** Called on each document before it is turned into data (e.g. to keep `3.10` as text). */
  readonly prepare?: (doc: YAML.Document.Parsed, text: string) => void;
}

/** One parsed document: its data, and the line each top-level value of it starts on. */
export interface ParsedDocument {
  readonly data: unknown;
  /** 1-based line where the document starts. */
  readonly line: number;
}

/** Line numbers of offsets in `text` (line starts found once, then a binary search each). */
function lineFinder(text: string): (offset: number | undefined) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (offset === undefined) return 1;
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

/** A parser error in users' words: the stack overflow of very deep nesting becomes a limit. */
function parserMessage(message: string): string {
  const first = message.split('\n')[0];
  if (/call stack/i.test(first)) return `nested more than ${YAML_LIMITS.depth} levels deep`;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Walks a document's nodes without recursion: counts them, bounds the depth, finds duplicate
 * keys (a Set per map: linear) and aliases to anchors not yet defined.
 */
function checkDocument(doc: YAML.Document.Parsed, lineOf: (offset: number | undefined) => number, fail: (line: number, message: string) => never, counter: { nodes: number }): void {
  const anchors = new Set<string>();
  const stack: [unknown, number][] = [[doc.contents, 1]];
  const failAt = (node: { range?: [number, number, number] | null } | null | undefined, message: string): never => fail(lineOf(node?.range?.[0] ?? undefined), message);
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (++counter.nodes > YAML_LIMITS.nodes) failAt(node as YAML.Node, `more than ${YAML_LIMITS.nodes} values in one file, the limit`);
    if (YAML.isAlias(node)) {
      if (!anchors.has(node.source)) failAt(node, `alias *${node.source} refers to no anchor defined before it`);
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.add(anchor);
    if (YAML.isMap(node)) {
      if (depth > YAML_LIMITS.depth) failAt(node, `nested more than ${YAML_LIMITS.depth} levels deep`);
      const keys = new Set<string>();
      // Pushed in reverse so anchors are met in document order.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const pair = node.items[i];
        stack.push([pair.value, depth + 1]);
        stack.push([pair.key, depth + 1]);
      }
      for (const pair of node.items) {
        const key = YAML.isScalar(pair.key) ? String(pair.key.value) : YAML.isAlias(pair.key) ? `*${pair.key.source}` : undefined;
        if (key === undefined) continue;
        if (keys.has(key)) failAt(pair.key as YAML.Node, `map key "${key.length > 40 ? `${key.slice(0, 40)}...` : key}" appears twice`);
        keys.add(key);
      }
    } else if (YAML.isSeq(node)) {
      if (depth > YAML_LIMITS.depth) failAt(node, `nested more than ${YAML_LIMITS.depth} levels deep`);
      for (let i = node.items.length - 1; i >= 0; i--) stack.push([node.items[i], depth + 1]);
    }
  }
}

/** Text that may hold an anchor or an alias (`&a`, `*a` where a node can start): those take the checked path. */
const MAYBE_ANCHOR = /(?:^|[\s:,[{-])[&*][^\s,[\]{}]/m;

/** Whether plain data stays within the depth and size limits (walked without recursion). */
function withinLimits(docs: readonly unknown[]): boolean {
  let nodes = 0;
  const stack: [unknown, number][] = docs.map((d) => [d, 1]);
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (++nodes > YAML_LIMITS.nodes) return false;
    if (v === null || typeof v !== 'object') continue;
    if (depth > YAML_LIMITS.depth) return false;
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push([x, depth + 1]);
  }
  return true;
}

/**
 * The fast path: js-yaml (core schema, like the yaml library's default) reads a large
 * manifest about eight times faster. Only for text without anchors or aliases, within the
 * limits, and without errors: anything else goes the checked path below, which finds the
 * problem and names its line. Both give the same data (test/yaml.test.ts compares them).
 */
export function fastParse(text: string): ParsedDocument[] | undefined {
  if (MAYBE_ANCHOR.test(text)) return undefined;
  const lines: number[] = [];
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, undefined, {
      schema: jsYaml.CORE_SCHEMA,
      // The line each document's root node starts on, for messages.
      listener(type, state) {
        const index = (state as unknown as { documents: unknown[] }).documents.length;
        if (type === 'open' && lines[index] === undefined) lines[index] = state.line + 1;
      },
    });
  } catch {
    return undefined;
  }
  if (docs.length > YAML_LIMITS.documents || !withinLimits(docs)) return undefined;
  return docs.map((data, i) => ({ data, line: lines[i] ?? 1 })).filter((d) => d.data !== null && d.data !== undefined);
}

/**
 * Every document of a YAML file as plain data (empty documents are skipped), or an
 * `InputError` naming `file` and the line. `file` is how the file is named in messages.
 */
export function parseYamlFile(text: string, file: string, options: YamlParseOptions = {}): ParsedDocument[] {
  // A spec's own parse keeps version numbers as written (options.prepare): it needs the checked path's nodes.
  const fast = options.prepare ? undefined : fastParse(text);
  if (fast) return fast;
  return checkedParse(text, file, options);
}

/** The checked path: the yaml library's nodes, walked for limits, duplicate keys and aliases. */
export function checkedParse(text: string, file: string, options: YamlParseOptions): ParsedDocument[] {
  // "x.yaml is not valid YAML (line 3): ..." at the field, or "not valid YAML (line 3): ..." at the file.
  const invalid = (where: string, message: string): InputError =>
    options.field ? inputError(options.field, `${file} is not valid YAML${where}: ${message}`) : inputError(file, `not valid YAML${where}: ${message}`);
  const fail = (line: number, message: string): never => {
    throw invalid(` (line ${line})`, message);
  };
  let docs: YAML.Document.Parsed[];
  try {
    // uniqueKeys: false: the library's check is quadratic; checkDocument's is linear.
    docs = YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false }) as YAML.Document.Parsed[];
  } catch (e) {
    throw invalid('', parserMessage(String((e as Error)?.message ?? e)));
  }
  if (!Array.isArray(docs)) docs = [docs as unknown as YAML.Document.Parsed];
  if (docs.length > YAML_LIMITS.documents) throw invalid('', `it holds ${docs.length} documents; the limit is ${YAML_LIMITS.documents}`);
  const counter = { nodes: 0 };
  const lineOf = lineFinder(text);
  const out: ParsedDocument[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const err = doc.errors[0];
      throw invalid(err.linePos?.[0] ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '', parserMessage(err.message));
    }
    checkDocument(doc, lineOf, fail, counter);
    options.prepare?.(doc, text);
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: YAML_LIMITS.aliases });
    } catch (e) {
      const message = String((e as Error)?.message ?? e);
      const line = lineOf(doc.range?.[0]);
      if (/alias/i.test(message)) fail(line, `its aliases expand too far (more than ${YAML_LIMITS.aliases} resolved in one document); write the values out`);
      fail(line, parserMessage(message));
    }
    if (data === null || data === undefined) continue;
    out.push({ data, line: lineOf(doc.range?.[0]) });
  }
  return out;
}
