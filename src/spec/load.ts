/**
 * Loading a spec file: YAML in, `ResolvedSpec` out, or an `InputError` whose lines each name
 * a field path and what is allowed (with the nearest valid value for a typo).
 */
import * as path from 'path';
import { closest, distance } from 'fastest-levenshtein';
import * as YAML from 'yaml';
import { z } from 'zod';
import { InputError, InputProblem, formatPath, inputError } from './errors';
import { readInputFile } from './files';
import { parseYamlFile } from './yamlInput';
import { MigrationSpecInput, MigrationSpecSchema } from './schema';
import { SourceFacts, resolveSpec } from './resolve';
import { readSource } from './source/index';
import { ResolvedSpec } from './types';

/** Keys whose values are versions: YAML reads `3.10` as the number 3.1, so we keep the text. */
const VERSION_KEYS = new Set(['version']);

/** Keeps a version written as a number (`version: 3.10`) as the text it was written as. */
function keepVersionText(doc: YAML.Document.Parsed, text: string): void {
  YAML.visit(doc, {
    Pair(_, pair) {
      if (YAML.isScalar(pair.key) && VERSION_KEYS.has(String(pair.key.value)) && YAML.isScalar(pair.value)) {
        const value = pair.value;
        if (typeof value.value === 'number' && value.range) value.value = text.slice(value.range[0], value.range[1]).trim();
      }
    },
  });
}

/** Parses the YAML text of a spec into plain data, keeping version numbers as written. */
export function parseYamlDocument(text: string, file: string): unknown {
  const docs = parseYamlFile(text, file, { prepare: keepVersionText });
  if (docs.length > 1) throw inputError(file, `holds ${docs.length} YAML documents (line ${docs[1].line}); a spec file holds one`);
  return docs[0]?.data ?? null;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '...' : value}"`;
  if (typeof value === 'object') return 'a map';
  return String(value);
}

function valueAt(data: unknown, p: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const key of p) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** The zod object schema at a path of the spec schema, to list allowed keys. */
function objectShapeAt(schema: z.ZodType, p: readonly PropertyKey[]): Record<string, unknown> | undefined {
  let cur: z.ZodType | undefined = schema;
  const unwrap = (s: z.ZodType): z.ZodType => {
    let x: z.ZodType = s;
    for (;;) {
      const def = (x as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; options?: z.ZodType[]; element?: z.ZodType } } })._zod.def;
      if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) x = def.innerType;
      else if (def.type === 'union' && def.options?.length) x = def.options[0];
      else if (def.type === 'array' && def.element) x = def.element;
      else return x;
    }
  };
  for (const key of p) {
    if (!cur) return undefined;
    if (typeof key === 'number') continue; // an item of a list: its schema is the item's
    const obj = unwrap(cur) as unknown as { shape?: Record<string, z.ZodType> };
    cur = obj.shape?.[String(key)];
  }
  if (!cur) return undefined;
  return (unwrap(cur) as unknown as { shape?: Record<string, unknown> }).shape;
}

function suggest(word: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(word, candidates as string[]);
  return distance(word, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` (did you mean "${best}"?)` : '';
}

/** Turns zod issues into problems users can act on. */
export function problemsFromZod(error: z.ZodError, data: unknown, prefix: readonly PropertyKey[] = [], schema: z.ZodType = MigrationSpecSchema): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const issue of error.issues) {
    const full = [...prefix, ...issue.path];
    const at = formatPath(full) || '(top level)';
    const got = valueAt(data, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const shape = objectShapeAt(schema, issue.path);
        const allowed = shape ? Object.keys(shape) : [];
        for (const key of issue.keys) {
          problems.push({
            path: formatPath([...full, key]),
            message: `unknown field${suggest(key, allowed)}; allowed here: ${allowed.join(', ')}`,
          });
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map(String);
        const hint = typeof got === 'string' ? suggest(got, values) : '';
        const what = got === undefined ? 'required' : `${describe(got)} is not allowed`;
        problems.push({ path: at, message: `${what}; use one of: ${values.join(', ')}${hint}` });
        break;
      }
      case 'invalid_type': {
        if (got === undefined) problems.push({ path: at, message: `required (${issue.expected})` });
        else problems.push({ path: at, message: `expected ${issue.expected === 'object' ? 'a map' : issue.expected}, got ${describe(got)}` });
        break;
      }
      case 'invalid_union': {
        // One of several shapes (a release or a list of releases): report the one the value has.
        const branches = (issue as unknown as { errors: { code: string; path: PropertyKey[] }[][] }).errors;
        const fitting = branches.filter((b) => !(b.length === 1 && b[0].code === 'invalid_type' && b[0].path.length === 0));
        if (fitting.length === 1) {
          const issues = fitting[0].map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
          problems.push(...problemsFromZod({ issues } as unknown as z.ZodError, data, prefix));
          break;
        }
        problems.push({ path: at, message: `${issue.message}${got !== undefined ? ` (got ${describe(got)})` : ''}` });
        break;
      }
      default:
        problems.push({ path: at, message: `${issue.message}${got !== undefined ? ` (got ${describe(got)})` : ''}` });
    }
  }
  return problems;
}

/** Validates parsed YAML against the spec schema. */
export function validateSpec(data: unknown, file: string): MigrationSpecInput {
  if (data === null || data === undefined) throw inputError(file, 'the file is empty; expected a RouterFlavorMigration');
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw inputError(file, `expected a map (apiVersion, kind, metadata, spec), got ${describe(data)}`);
  }
  const parsed = MigrationSpecSchema.safeParse(data);
  if (!parsed.success) throw new InputError(problemsFromZod(parsed.error, data));
  return parsed.data;
}

/** Loads, validates and resolves a spec from YAML text. */
export function specFromText(text: string, file: string, specDir = path.dirname(file)): ResolvedSpec {
  const input = validateSpec(parseYamlDocument(text, file), file);
  const facts: SourceFacts = input.spec.source ? readSource(input, specDir) : {};
  return resolveSpec(input, facts);
}

/** Loads, validates and resolves a spec file. */
export function loadSpec(file: string): ResolvedSpec {
  return specFromText(readInputFile(file, file), file);
}
