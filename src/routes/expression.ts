/**
 * ATC expressions (atc-router): the tree KIC's expressions translator builds, the text it sends
 * (`atc/matcher.go`, `atc/predicate.go`@v3.5.13), and how atc-router evaluates it against a
 * request (`src/interpreter.rs`@1.6.2).
 */
import { literalPrefix, rustIsMatch } from './regex';

export type Op = '==' | '!=' | '~' | '^=' | '=^';

export interface Predicate {
  readonly t: 'pred';
  /** `http.path`, `http.host`, `http.method`, `http.headers.<name>`, `http.queries.<name>`, `tls.sni`, `net.protocol`. */
  readonly field: string;
  readonly op: Op;
  readonly value: string;
  /** `lower(...)`: the request's values are lower-cased first (compat's header matching, A20). */
  readonly lower?: boolean;
  /** `any(...)`: one matching instance is enough; without it every instance must match (A22). */
  readonly any?: boolean;
}

export type Expr = Predicate | { readonly t: 'and' | 'or'; readonly items: readonly Expr[] } | { readonly t: 'not'; readonly item: Expr };

export const pred = (field: string, op: Op, value: string, extra: { lower?: boolean; any?: boolean } = {}): Predicate => ({ t: 'pred', field, op, value, ...extra });

/** `atc.And(...)`: empty matchers elided (atc/matcher.go@v3.5.13). */
export function and(...items: (Expr | undefined)[]): Expr | undefined {
  const kept = items.filter((x): x is Expr => x !== undefined);
  return kept.length === 0 ? undefined : { t: 'and', items: kept };
}

/** `atc.Or(...)`: empty matchers elided; an Or of nothing is empty (B12: no SNI predicate at all). */
export function or(...items: (Expr | undefined)[]): Expr | undefined {
  const kept = items.filter((x): x is Expr => x !== undefined);
  return kept.length === 0 ? undefined : { t: 'or', items: kept };
}

/** KIC's `StringLiteral.String()`: a double-quoted string with `\\ \" \n \r \t` escaped. */
function literal(s: string): string {
  if (!/["\\\n\r\t]/.test(s)) return `"${s}"`;
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/**
 * The expression text KIC sends: single-item groups unwrapped, others `(a) && (b)` / `(a) || (b)`.
 * Every group is parenthesized, which matters: atc-router's Pratt parser gives `||` the higher
 * precedence (src/parser.rs@25a34f0 registers and_op before or_op), so `a && b || c` reads as
 * `a && (b || c)`, unlike most languages.
 */
export function renderKic(e: Expr): string {
  switch (e.t) {
    case 'pred': {
      let lhs = e.field;
      if (e.lower) lhs = `lower(${lhs})`;
      if (e.any) lhs = `any(${lhs})`;
      return `${lhs} ${e.op} ${literal(e.value)}`;
    }
    case 'not':
      return `!(${renderKic(e.item)})`;
    default:
      if (e.items.length === 1) return renderKic(e.items[0]);
      return e.items.map((x) => `(${renderKic(x)})`).join(e.t === 'and' ? ' && ' : ' || ');
  }
}

/** The values a request gives atc-router, by field name (`http.headers.x_env`: every instance). */
export type AtcContext = ReadonlyMap<string, readonly string[]>;

function predicateHolds(p: Predicate, ctx: AtcContext): boolean {
  const values = ctx.get(p.field);
  // A field the request does not have makes the predicate false (interpreter.rs:22-25).
  if (!values || values.length === 0) return false;
  let matchedAll = true;
  for (const raw of values) {
    const v = p.lower ? raw.toLowerCase() : raw;
    let ok: boolean;
    switch (p.op) {
      case '==':
        ok = v === p.value;
        break;
      case '!=':
        ok = v !== p.value;
        break;
      case '^=':
        ok = v.startsWith(p.value);
        break;
      case '=^':
        ok = v.endsWith(p.value);
        break;
      case '~':
        ok = rustIsMatch(p.value, v) === true;
        break;
    }
    if (ok && p.any) return true;
    if (!ok) matchedAll = false;
  }
  return !p.any && matchedAll;
}

/** Whether `e` holds for the request (atc-router `Execute`). */
export function evaluate(e: Expr, ctx: AtcContext): boolean {
  switch (e.t) {
    case 'pred':
      return predicateHolds(e, ctx);
    case 'not':
      return !evaluate(e.item, ctx);
    case 'and':
      return e.items.every((x) => evaluate(x, ctx));
    case 'or':
      return e.items.some((x) => evaluate(x, ctx));
  }
}

/** A matcher compiled once into a closure tree, for the routers' many evaluations (same answers as `evaluate`). */
export type CompiledExpr = (ctx: AtcContext) => boolean;

export function compileExpr(e: Expr): CompiledExpr {
  switch (e.t) {
    case 'pred': {
      // An anchored regex matches only values that start with its literal prefix: a string test
      // spares the call into the regex engine for every other value (same answer).
      const prefix = e.op === '~' && !e.lower && e.value.startsWith('^') ? literalPrefix(e.value) : '';
      if (prefix) {
        return (ctx) => {
          const values = ctx.get(e.field);
          if (values && values.length === 1 && !values[0].startsWith(prefix)) return false;
          return predicateHolds(e, ctx);
        };
      }
      return (ctx) => predicateHolds(e, ctx);
    }
    case 'not': {
      const item = compileExpr(e.item);
      return (ctx) => !item(ctx);
    }
    case 'and': {
      const items = e.items.map(compileExpr);
      if (items.length === 1) return items[0];
      return (ctx) => {
        for (const f of items) if (!f(ctx)) return false;
        return true;
      };
    }
    case 'or': {
      const items = e.items.map(compileExpr);
      if (items.length === 1) return items[0];
      return (ctx) => {
        for (const f of items) if (f(ctx)) return true;
        return false;
      };
    }
  }
}

/** Every predicate in `e`, depth first. */
export function predicates(e: Expr | undefined, out: Predicate[] = []): Predicate[] {
  if (!e) return out;
  if (e.t === 'pred') out.push(e);
  else if (e.t === 'not') predicates(e.item, out);
  else for (const x of e.items) predicates(x, out);
  return out;
}
