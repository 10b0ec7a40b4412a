/**
 * Input errors: everything wrong with what the user gave us. The CLI prints them and exits 2
 * without writing anything; each names the field path and what is allowed.
 */

/** One problem with the input, at a field path such as `spec.gateway.maxSurge`. */
export interface InputProblem {
  /** Dotted path of the field (`spec.gateway.maxSurge`), or the file when the whole file is wrong. */
  readonly path: string;
  /** What is wrong and what is allowed, in one sentence. */
  readonly message: string;
}

/** Problems listed one by one; past this many only their count is given (a flood helps nobody). */
export const MAX_LISTED_PROBLEMS = 20;

/** Thrown for invalid input (exit code 2). Carries the problems found (the first 20, then a count). */
export class InputError extends Error {
  public readonly problems: readonly InputProblem[];

  constructor(problems: InputProblem[] | InputProblem) {
    const all = Array.isArray(problems) ? problems : [problems];
    const list =
      all.length > MAX_LISTED_PROBLEMS + 1
        ? [...all.slice(0, MAX_LISTED_PROBLEMS), { path: '', message: `... and ${all.length - MAX_LISTED_PROBLEMS} more problems` }]
        : all;
    super(list.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n'));
    this.name = 'InputError';
    this.problems = list;
  }
}

/** Shorthand for a single-problem input error. */
export function inputError(path: string, message: string): InputError {
  return new InputError({ path, message });
}

/** Formats a path of keys and indexes the way users write it: `spec.gateway.env[2].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}
