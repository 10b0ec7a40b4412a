/**
 * The two regex dialects of Kong's routers, and what the route report needs from them.
 *
 * - PCRE (`traditional`, and the schema check of every fields route, ROUTES.md A12-A13): run
 *   here as a JavaScript RegExp after rewriting the few PCRE-only spellings JavaScript lacks.
 * - Rust `regex` (atc-router: `traditional_compatible`, `expressions`): the real crate, compiled
 *   to WebAssembly (`rregex`, regex 1.13 / regex-syntax 0.8). Kong 3.7-3.9 lock regex 1.10.4
 *   (syntax 0.8.3), Kong 3.4-3.6 regex 1.9.1 (syntax 0.7.3), Kong 3.0-3.3 regex 1.7.0 (syntax
 *   0.6.28) (Kong `.requirements` ATC_ROUTER at each tag, atc-router Cargo.lock); the syntax
 *   the older crates refuse on top of today's is checked by hand below.
 */
import RandExp from 'randexp';
import { Version, atLeast } from '../model/version';

interface RustRegex {
  isMatch(text: string): boolean;
}
type RustRegexClass = new (pattern: string) => RustRegex;

let rustRegexClass: RustRegexClass | undefined;
/** The WebAssembly build of Rust's regex crate, loaded on first use (it costs ~20 ms). */
function rustRegex(): RustRegexClass {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  rustRegexClass ??= (require('rregex') as { RRegex: RustRegexClass }).RRegex;
  return rustRegexClass;
}

const rustCache = new Map<string, RustRegex | string>();

/** Literal text between optional `^` and `$`: no character the crate reads as syntax. */
const RUST_LITERAL = /^(\^?)([A-Za-z0-9/_\-~%:@=,;!]*)(\$?)$/;

/**
 * A literal pattern needs no engine: `^/a/b$` is equality, `^/a` a prefix (KIC's traditional
 * translator turns every Ingress Prefix/Exact path into such a regex, so they are most of them).
 */
function literalRust(pattern: string): RustRegex | undefined {
  const m = RUST_LITERAL.exec(pattern);
  if (!m) return undefined;
  const [, start, text, end] = m;
  if (start && end) return { isMatch: (t) => t === text };
  if (start) return { isMatch: (t) => t.startsWith(text) };
  if (end) return { isMatch: (t) => t.endsWith(text) };
  return { isMatch: (t) => t.includes(text) };
}

/**
 * Tokens of a small regex subset in which Rust's crate and JavaScript (`u` flag) agree on both
 * syntax and, for printable ASCII text, matches: literals, `.`, escapes of meta characters and
 * `\d \w \s` (ASCII on such text in both), simple classes (no `--`, `&&`, `~~` or nested
 * classes, which Rust reads as set operations), `(` (not `(?`), `(?:`, `)`, `|`, and the greedy or lazy
 * quantifiers `* + ? {n} {n,} {n,m}`.
 */
const SUBSET_TOKEN = /\\[dDwWsS.\/\\^$*+?()[\]{}|]|\[\^?(?:[A-Za-z0-9_./]|\\[dws./\\\]-])(?:[A-Za-z0-9_./]|-(?!-)|\\[dws./\\\]-])*\]|\(\?:|\((?!\?)|[)|*+?]|\{\d+(?:,\d*)?\}|[A-Za-z0-9/_~%:@=,;!.-]/y;
/** Text both engines read alike in the subset above. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Whether `pattern` is made of SUBSET_TOKENs only, with no empty alternative or group. */
function inSubset(pattern: string): boolean {
  if (/\(\)|\(\||\|\)|\|\||^\||\|$|\(\?:\)/.test(pattern)) return false;
  // One counted repetition at most, up to 100: nested counts can pass the crate's size limit.
  const counts = pattern.match(/\{\d+(?:,\d*)?\}/g) ?? [];
  if (counts.length > 1 || counts.some((c) => c.match(/\d+/g)!.some((n) => Number(n) > 100))) return false;
  let i = pattern.startsWith('^') ? 1 : 0;
  const end = pattern.endsWith('$') && !pattern.endsWith('\\$') ? pattern.length - 1 : pattern.length;
  while (i < end) {
    SUBSET_TOKEN.lastIndex = i;
    const m = SUBSET_TOKEN.exec(pattern);
    if (!m || m.index !== i) return false;
    i += m[0].length;
  }
  return i === end;
}

/**
 * A pattern of the subset both engines agree on, matched by JavaScript on printable ASCII text
 * (the crate, compiled on first need, for any other text): compiling hundreds of patterns in
 * the WebAssembly crate dominated the report's time. A pattern JavaScript refuses goes to the crate.
 */
function subsetRust(pattern: string): RustRegex | undefined {
  if (!inSubset(pattern)) return undefined;
  let js: RegExp;
  try {
    js = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  let crate: RustRegex | undefined;
  return {
    isMatch: (t) => {
      if (PRINTABLE_ASCII.test(t)) return js.test(t);
      crate ??= new (rustRegex())(pattern);
      return crate.isMatch(t);
    },
  };
}

/** The compiled Rust regex, or the crate's error text. */
function compileRust(pattern: string): RustRegex | string {
  let r = rustCache.get(pattern);
  if (r === undefined) {
    r = literalRust(pattern) ?? subsetRust(pattern);
    if (r) {
      rustCache.set(pattern, r);
      return r;
    }
    try {
      r = new (rustRegex())(pattern);
    } catch (e) {
      r = String((e as Error)?.message ?? e)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^[|^ ]*$/.test(l))
        .pop() ?? 'regex parse error';
      if (/^error: /.test(r)) r = r.slice(7);
    }
    rustCache.set(pattern, r);
  }
  return r;
}

/** Characters regex-syntax 0.6 (regex 1.7, Kong 3.0-3.3) lets you escape; 0.7 allows any punctuation (A12). */
const META_ESCAPABLE_0_6 = new Set('\\.+*?()|[]{}^$#&-~'.split(''));
const ESCAPE_LETTERS = new Set('dDsSwWbBAzpPnrtfvaxuU0123456789'.split(''));

/** Syntax that the Rust regex crate of an older Kong refuses although today's crate accepts it. */
function olderCrateProblem(pattern: string, kong: Version): string | undefined {
  if (!atLeast(kong, '3.7') && /\\[<>]|\\b\{/.test(pattern)) {
    return 'word-boundary assertions \\< \\> \\b{...} need regex 1.10 (Kong >= 3.7)';
  }
  if (!atLeast(kong, '3.4')) {
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] !== '\\') continue;
      const c = pattern[i + 1] ?? '';
      if (!META_ESCAPABLE_0_6.has(c) && !ESCAPE_LETTERS.has(c)) {
        return `escape sequence \\${c} is refused by regex 1.7 (Kong 3.0-3.3 accept only escapes of meta characters)`;
      }
      i++;
    }
  }
  return undefined;
}

/**
 * Why atc-router cannot compile `pattern` (already in the form it is handed to the crate),
 * or undefined when it can. ROUTES.md A12, A13, R22. R22's list is not quite the crate's: a
 * possessive `a*+` compiles (as a repetition of a repetition, not possessive) and `\z` is
 * supported; look-around, back-references, `(?>`, `\Z`, `\h` and `\R` are refused (checked
 * against regex 1.13 here).
 */
export function rustRegexProblem(pattern: string, kong: Version): string | undefined {
  const r = compileRust(pattern);
  if (typeof r === 'string') return r;
  return olderCrateProblem(pattern, kong);
}

/** Whether the Rust regex matches anywhere in `text` (atc-router's `is_match`), or undefined if it does not compile. */
export function rustIsMatch(pattern: string, text: string): boolean | undefined {
  const r = compileRust(pattern);
  return typeof r === 'string' ? undefined : r.isMatch(text);
}

/**
 * The regex Kong's compatible router builds from a `~` path (transform.lua@3.9.3 path_val_transform,
 * ROUTES.md A12): `^` + the path after `~`, named groups `?<` rewritten to `?P<`.
 */
export function atcPathRegex(tildePath: string): string {
  return '^' + tildePath.slice(1).split('?<').join('?P<');
}

/** POSIX classes inside brackets, which JavaScript does not know. */
const POSIX: Readonly<Record<string, string>> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\r\\n\\v\\f',
  word: '\\w',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
};

interface JsPattern {
  readonly source: string;
  readonly flags: string;
  /** PCRE semantics JavaScript cannot reproduce exactly (possessive/atomic groups read as greedy ones). */
  readonly approximate: boolean;
}

/**
 * Rewrites a PCRE pattern into a JavaScript one, or says why it cannot: named groups
 * `(?P<n>`, `\A \z \Z \h \R`, `\Q...\E`, comments, POSIX classes, leading inline flags,
 * possessive quantifiers and atomic groups (approximated).
 */
export function pcreToJs(pattern: string): JsPattern | { readonly unsupported: string } {
  let flags = '';
  let p = pattern;
  const lead = /^\(\?([imsx]+)\)/.exec(p);
  if (lead) {
    if (lead[1].includes('x')) return { unsupported: 'extended mode (?x)' };
    flags = [...new Set(lead[1].split(''))].join('');
    p = p.slice(lead[0].length);
  }
  let out = '';
  let approximate = false;
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      const n = p[i + 1];
      if (n === undefined) return { unsupported: 'trailing backslash' };
      if (n === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const lit = p.slice(i + 2, end < 0 ? p.length : end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? p.length : end + 1;
        continue;
      }
      if (!inClass && (n === 'A' || n === 'G')) out += '^';
      else if (!inClass && (n === 'z' || n === 'Z')) out += '$';
      else if (n === 'h') out += inClass ? ' \\t' : '[ \\t]';
      else if (n === 'R' && !inClass) out += '(?:\\r\\n|\\n|\\r)';
      else if (n === 'K' || n === 'X' || n === 'C') return { unsupported: `\\${n}` };
      else if (n === 'g' || n === 'k') {
        const m = /^\\[gk](?:\{([A-Za-z_]\w*)\}|<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{?(-?\d+)\}?)/.exec(p.slice(i));
        if (!m) return { unsupported: `\\${n}` };
        if (m[4] !== undefined) {
          if (m[4].startsWith('-')) return { unsupported: 'relative back-reference' };
          out += `\\${m[4]}`;
        } else out += `\\k<${m[1] ?? m[2] ?? m[3]}>`;
        i += m[0].length - 1;
        continue;
      } else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(i));
        if (m && POSIX[m[2]] && !m[1]) {
          out += POSIX[m[2]];
          i += m[0].length - 1;
          continue;
        }
        if (m) return { unsupported: `POSIX class [:${m[1]}${m[2]}:]` };
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (p[i + 1] === '^') out += p[++i];
      if (p[i + 1] === ']') out += '\\' + p[++i];
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      const rest = p.slice(i + 2);
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (rest.startsWith('P=')) {
        const m = /^P=([A-Za-z_]\w*)\)/.exec(rest);
        if (!m) return { unsupported: '(?P=' };
        out += `\\k<${m[1]}>`;
        i += 1 + m[0].length;
        continue;
      }
      if (rest.startsWith('#')) {
        const end = p.indexOf(')', i);
        if (end < 0) return { unsupported: 'unterminated comment' };
        i = end;
        continue;
      }
      if (rest.startsWith('>')) {
        out += '(?:';
        approximate = true;
        i += 2;
        continue;
      }
      if (/^[=!:]|^<[=!]|^<[A-Za-z_]/.test(rest)) {
        out += c;
        continue;
      }
      return { unsupported: `group syntax (?${rest.slice(0, 2)}` };
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && p[i + 1] === '+') {
      // Possessive quantifier: JavaScript has none; read it as the greedy one.
      out += c;
      i++;
      approximate = true;
      continue;
    }
    out += c;
  }
  return { source: out, flags, approximate };
}

const jsCache = new Map<string, RegExp | string>();

/** A JavaScript RegExp with PCRE's meaning for `pattern` (anchored at the start when `anchored`), or why not. */
export function pcreRegExp(pattern: string, anchored: boolean): RegExp | string {
  const key = (anchored ? 'a' : '-') + pattern;
  let r = jsCache.get(key);
  if (r === undefined) {
    const js = pcreToJs(pattern);
    if ('unsupported' in js) r = `PCRE syntax this tool cannot evaluate: ${js.unsupported}`;
    else {
      try {
        r = new RegExp(anchored ? `^(?:${js.source})` : js.source, js.flags);
      } catch (e) {
        r = String((e as Error).message).replace(/^Invalid regular expression: /, '');
      }
    }
    jsCache.set(key, r);
  }
  return r;
}

/** Why PCRE (Kong's schema check `ngx.re.find("", path, "aj")`, A13) would refuse `pattern`, as far as this tool can tell. */
export function pcreProblem(pattern: string): string | undefined {
  const r = pcreRegExp(pattern, true);
  if (typeof r !== 'string') return undefined;
  return r.startsWith('PCRE syntax this tool cannot evaluate') ? undefined : r;
}

/** Whether PCRE would match `text` (anchored as Kong's traditional router does, A12); undefined when it cannot be evaluated. */
export function pcreIsMatch(pattern: string, text: string, anchored: boolean): boolean | undefined {
  const r = pcreRegExp(pattern, anchored);
  return typeof r === 'string' ? undefined : r.test(text);
}

/**
 * The literal text every match of `pattern` starts with (anchored at the start): used to index
 * regexes by prefix, so a request is tested only against the regexes that can match it.
 * Conservative: an empty string when unsure (top-level alternation, inline flags, escapes).
 */
export function literalPrefix(pattern: string): string {
  let depth = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return '';
  }
  let out = '';
  let i = pattern.startsWith('^') ? 1 : 0;
  for (; i < pattern.length; i++) {
    const c = pattern[i];
    if (/[\\.[\](){}|*+?^$]/.test(c)) break;
    out += c;
  }
  const next = pattern[i];
  if (next === '*' || next === '?' || next === '{') out = out.slice(0, -1);
  return out;
}

/** A tiny deterministic PRNG (mulberry32) so that example requests are the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Up to `count` strings that the PCRE `pattern` matches from their start, generated
 * deterministically (randexp, characters drawn from `a-z0-9-_.` where the pattern leaves a choice).
 */
export function samplesOf(pattern: string, count: number, seed: number): string[] {
  // A literal pattern (most of them: KIC writes Prefix and Exact paths as `~/x$`) has one sample, itself.
  const literal = RUST_LITERAL.exec(pattern);
  if (literal) return [literal[2]];
  const js = pcreToJs(pattern.startsWith('^') ? pattern.slice(1) : pattern);
  if ('unsupported' in js) return [];
  let gen: RandExp;
  try {
    gen = new RandExp(new RegExp(js.source, js.flags));
  } catch {
    return [];
  }
  gen.max = 2;
  const rnd = seededRandom(seed);
  gen.randInt = (a: number, b: number) => a + Math.floor(rnd() * (b - a + 1));
  const range = gen.defaultRange;
  range.subtract(32, 126);
  range.add(97, 122);
  range.add(48, 57);
  range.add(45, 46);
  range.add(95);
  const out = new Set<string>();
  for (let i = 0; i < count * 3 && out.size < count; i++) {
    let s: string;
    try {
      s = gen.gen();
    } catch {
      break;
    }
    out.add(s);
  }
  return [...out];
}
