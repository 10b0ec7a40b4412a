/**
 * The ATC router of `traditional_compatible` and `expressions` (kong/router/atc.lua,
 * compat.lua, expressions.lua, transform.lua@3.9.3 and atc-router 1.6.2): every route becomes
 * an expression with a priority; the highest priority whose expression holds wins, and on
 * equal priority the larger route UUID (atc-router src/router.rs: `BTreeMap<(priority, uuid)>`
 * walked in reverse, ROUTES.md A9).
 */
import { Flavor } from '../model/flavor';
import { Version, atLeast } from '../model/version';
import { AtcContext, CompiledExpr, Expr, and, compileExpr, or, pred } from './expression';
import { compatEntries, expressionPriority } from './priority';
import { atcPathRegex } from './regex';
import { pushTo } from '../util/multiMap';
import { HttpRequest, Router, Selection } from './request';
import { FieldsEntity, KongRoute, isExpressionEntity } from './types';

/** `sni_op_transform` / `sni_val_transform`: `*.x` suffix, `x.*` prefix, trailing dot dropped. */
function sniPredicate(sni: string): Expr {
  if (sni.startsWith('*')) return pred('tls.sni', '=^', sni.slice(1).replace(/(.)\.$/, '$1'));
  if (sni.endsWith('*')) return pred('tls.sni', '^=', sni.slice(0, -1));
  return pred('tls.sni', '==', sni.length > 1 ? sni.replace(/\.$/, '') : sni);
}

/** A host of a fields route: `*.x` -> `http.host =^ ".x"`, `x.*` -> `^= "x."`, else `==` (transform.lua:385-413, A18). */
function hostPredicate(h: string): Expr {
  if (h.startsWith('*')) return pred('http.host', '=^', h.slice(1));
  if (h.endsWith('*')) return pred('http.host', '^=', h.slice(0, -1));
  return pred('http.host', '==', h);
}

/**
 * `transform.get_expression` of a fields route (A18-A20, A24): SNIs only for https, every
 * header value lower-cased on both sides with `any()`, `~*` a regex even among several values.
 */
export function fieldsExpression(r: FieldsEntity, paths: readonly string[] | undefined): Expr | undefined {
  return and(
    r.snis?.length ? or(pred('net.protocol', '!=', 'https'), or(...r.snis.map(sniPredicate))) : undefined,
    r.methods?.length ? or(...r.methods.map((m) => pred('http.method', '==', m))) : undefined,
    r.hosts?.length ? or(...r.hosts.map(hostPredicate)) : undefined,
    paths?.length ? or(...paths.map((p) => (p.startsWith('~') ? pred('http.path', '~', atcPathRegex(p)) : pred('http.path', '^=', p)))) : undefined,
    r.headers && Object.keys(r.headers).length
      ? and(
          ...Object.entries(r.headers).map(([name, values]) =>
            or(
              ...values.map((v) =>
                v.startsWith('~*')
                  ? pred(`http.headers.${name.toLowerCase().replace(/-/g, '_')}`, '~', v.slice(2).toLowerCase(), { lower: true, any: true })
                  : pred(`http.headers.${name.toLowerCase().replace(/-/g, '_')}`, '==', v.toLowerCase(), { lower: true, any: true }),
              ),
            ),
          ),
        )
      : undefined,
  );
}

const PROTOCOL_OVERRIDE: Readonly<Record<string, string>> = { tls_passthrough: 'tcp', grpc: 'http', grpcs: 'https' };

/**
 * The `net.protocol` clause the `expressions` flavor appends to every route (expressions.lua@3.9.3:19-55, A26):
 * none when the only protocol is https, tls or tls_passthrough (to let Kong redirect); grpc counts as http.
 */
export function protocolClause(protocols: readonly string[] | undefined): Expr | undefined {
  const ps = protocols?.length ? protocols : ['http', 'https'];
  if (ps.length === 1 && ['https', 'tls', 'tls_passthrough'].includes(ps[0])) return undefined;
  return or(...ps.map((p) => pred('net.protocol', '==', PROTOCOL_OVERRIDE[p] ?? p)));
}

/** An entry of the ATC router (see `atcEntries`). */
export type AtcEntry = Readonly<Omit<Entry, 'rank'>>;

interface Entry {
  readonly route: KongRoute;
  readonly paths?: readonly string[];
  readonly priority: bigint;
  readonly id: string;
  readonly matcher: Expr | undefined;
  readonly test: CompiledExpr;
  rank: number;
}

const always: CompiledExpr = () => true;
/** An entry's matcher and its compiled test (no matcher: every request). */
function matcherOf(matcher: Expr | undefined): { matcher: Expr | undefined; test: CompiledExpr } {
  if (!matcher) return { matcher, test: always };
  // Compiled on first use: a route is evaluated only for the requests to its hosts.
  let compiled: CompiledExpr | undefined;
  return { matcher, test: (ctx) => (compiled ??= compileExpr(matcher))(ctx) };
}

/** Host keys of an entry, to consider only the routes a request's host can match. */
type HostKeys = { readonly any: true } | { readonly any: false; readonly exact: readonly string[]; readonly suffix: readonly string[]; readonly prefix: readonly string[] };

/** The conjuncts of an expression, nested `and`s flattened (KIC and Kong nest them: route && protocol). */
function conjuncts(e: Expr): Expr[] {
  return e.t === 'and' ? e.items.flatMap(conjuncts) : [e];
}

/** The hosts an entry is limited to: a conjunct that is a host predicate or an `or` of host predicates. */
function hostKeys(e: Expr | undefined): HostKeys {
  if (!e) return { any: true };
  for (const item of conjuncts(e)) {
    const preds = item.t === 'pred' ? [item] : item.t === 'or' && item.items.every((x) => x.t === 'pred') ? (item.items as Expr[]) : [];
    if (preds.length && preds.every((p) => p.t === 'pred' && p.field === 'http.host' && ['==', '=^', '^='].includes(p.op))) {
      const ps = preds as { op: string; value: string }[];
      return { any: false, exact: ps.filter((p) => p.op === '==').map((p) => p.value), suffix: ps.filter((p) => p.op === '=^').map((p) => p.value), prefix: ps.filter((p) => p.op === '^=').map((p) => p.value) };
    }
  }
  return { any: true };
}

/** The values atc-router sees for a request (fields.lua; header values lower-cased before Kong 3.6, A21). */
const contexts = new WeakMap<HttpRequest, { lower: boolean; ctx: AtcContext }>();

export function atcContext(req: HttpRequest, kong: Version): AtcContext {
  // Both routers of a migration (and the judge) ask for the same request's context: built once.
  const lowerValues = !atLeast(kong, '3.6');
  const known = contexts.get(req);
  if (known && known.lower === lowerValues) return known.ctx;
  const ctx = new Map<string, string[]>([
    ['http.method', [req.method]],
    ['http.host', [req.host]],
    ['http.path', [req.path]],
    ['net.protocol', [req.scheme]],
  ]);
  if (req.scheme === 'https') ctx.set('tls.sni', [req.host]);
  for (const [name, value] of Object.entries(req.headers)) ctx.set(`http.headers.${name.toLowerCase().replace(/-/g, '_')}`, [lowerValues ? value.toLowerCase() : value]);
  for (const [name, value] of Object.entries(req.query ?? {})) ctx.set(`http.queries.${name}`, [value]);
  contexts.set(req, { lower: lowerValues, ctx });
  return ctx;
}

export interface AtcRouterOptions {
  readonly flavor: Exclude<Flavor, 'traditional'>;
  readonly kong: Version;
  /** IDs of split routes (tests use the oracle's stand-in). */
  readonly splitId?: (id: string, i: number) => string;
}

/**
 * The router's entries: one per expression route, one per path group of a fields route (A10),
 * each with its matcher (the flavor's protocol clause included) and priority, highest first
 * (equal priorities: the larger ID first, A9). What atc-router evaluates; the router indexes it.
 */
export function atcEntries(routes: readonly KongRoute[], opts: AtcRouterOptions): AtcEntry[] {
  const entries: Entry[] = [];
  for (const route of routes) {
    if (route.stream) continue;
    const proto = opts.flavor === 'expressions' ? protocolClause(route.entity.protocols) : undefined;
    if (isExpressionEntity(route.entity)) {
      entries.push({ route, priority: expressionPriority(route.entity.priority), id: route.id, ...matcherOf(and(route.expr, proto)), rank: 0 });
      continue;
    }
    const fields = route.entity;
    for (const c of compatEntries(fields, route.id, opts.kong, opts.splitId)) {
      entries.push({ route, paths: c.paths, priority: c.priority, id: c.id, ...matcherOf(and(fieldsExpression(fields, c.paths), proto)), rank: 0 });
    }
  }
  entries.sort((a, b) => (a.priority !== b.priority ? (a.priority > b.priority ? -1 : 1) : a.id > b.id ? -1 : a.id < b.id ? 1 : 0));
  entries.forEach((e, i) => (e.rank = i));
  return entries;
}

/** The ATC router over `routes` (HTTP routes only). */
export function atcRouter(routes: readonly KongRoute[], opts: AtcRouterOptions): Router {
  const entries = atcEntries(routes, opts) as Entry[];
  const byRoute = new Map<KongRoute, Entry[]>();
  for (const e of entries) pushTo(byRoute, e.route, e);
  // Entries by the hosts they are limited to; each list stays in rank order.
  const byHost = new Map<string, Entry[]>();
  const bySuffix = new Map<string, Entry[]>();
  const byPrefix = new Map<string, Entry[]>();
  const anyHost: Entry[] = [];
  for (const e of entries) {
    const k = hostKeys(e.matcher);
    if (k.any) anyHost.push(e);
    else {
      for (const h of new Set(k.exact)) pushTo(byHost, h, e);
      for (const h of new Set(k.suffix)) pushTo(bySuffix, h, e);
      for (const h of new Set(k.prefix)) pushTo(byPrefix, h, e);
    }
  }
  const lengths = (m: Map<string, unknown>) => [...new Set([...m.keys()].map((k) => k.length))].sort((a, b) => a - b);
  const suffixLengths = lengths(bySuffix);
  const prefixLengths = lengths(byPrefix);
  /** The entries a request to `host` can match, in rank order (entries listed under several keys once). */
  const candidateCache = new Map<string, Entry[]>();
  const candidatesFor = (host: string): Entry[] => {
    let cached = candidateCache.get(host);
    if (!cached) candidateCache.set(host, (cached = collectCandidates(host)));
    return cached;
  };
  function collectCandidates(host: string): Entry[] {
    const lists: Entry[][] = [];
    const exact = byHost.get(host);
    if (exact) lists.push(exact);
    if (anyHost.length) lists.push(anyHost);
    for (const n of suffixLengths) {
      if (n > host.length) break;
      const s = bySuffix.get(host.slice(host.length - n));
      if (s) lists.push(s);
    }
    for (const n of prefixLengths) {
      if (n > host.length) break;
      const p = byPrefix.get(host.slice(0, n));
      if (p) lists.push(p);
    }
    if (lists.length === 1) return lists[0];
    const seen = new Set<Entry>();
    const out: Entry[] = [];
    for (const l of lists) for (const e of l) if (!seen.has(e)) (seen.add(e), out.push(e));
    return out.sort((a, b) => a.rank - b.rank);
  }
  return {
    matches(route: KongRoute, req: HttpRequest): boolean {
      const ctx = atcContext(req, opts.kong);
      return (byRoute.get(route) ?? []).some((e) => e.test(ctx));
    },
    select(req: HttpRequest): Selection | undefined {
      const candidates = candidatesFor(req.host);
      const ctx = atcContext(req, opts.kong);
      for (let i = 0; i < candidates.length; i++) {
        const e = candidates[i];
        if (!e.test(ctx)) continue;
        let tiedWith: KongRoute | undefined;
        for (let j = i + 1; j < candidates.length && candidates[j].priority === e.priority; j++) {
          const o = candidates[j];
          if (o.route !== e.route && o.test(ctx)) {
            tiedWith = o.route;
            break;
          }
        }
        return { route: e.route, ...(e.paths ? { paths: e.paths } : {}), ...(tiedWith ? { tiedWith } : {}) };
      }
      return undefined;
    },
  };
}
