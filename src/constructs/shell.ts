/**
 * Shell quoting for every script and command the tool writes (gate and hook Jobs, RUNBOOK
 * commands). One function, so no value reaches a shell any other way.
 *
 * Hand-written: the npm `shell-quote` package escapes for bash (it backslash-escapes `!`
 * inside double quotes, which POSIX `sh`, BusyBox's included, keeps as a literal backslash).
 * POSIX single quotes need no escaping at all except for the quote itself
 * (POSIX.1-2017 Shell Command Language, 2.2.2 "Single-Quotes").
 */

/** Characters that never need quoting in a POSIX shell word (as Python's `shlex.quote` allows). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * A POSIX shell word that stands for exactly `value`: the value itself when it holds only
 * characters no shell treats specially, else single-quoted (`'` written as `'\''`). Numbers
 * are written as they are. Safe for any string, newlines and control characters included.
 */
export function shellQuote(value: string | number): string {
  const text = String(value);
  if (SAFE_WORD.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Several values as shell words, separated by spaces. */
export function shellWords(values: readonly (string | number)[]): string {
  return values.map(shellQuote).join(' ');
}
