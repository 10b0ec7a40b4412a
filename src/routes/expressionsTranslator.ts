/**
 * KIC's expressions translator: the expression routes `expressions` gateways get
 * (ROUTES.md B5-B8, B11-B13, B15, B19, B20), ported from subtranslator/ingress_atc.go,
 * httproute_atc.go, grpcroute_atc.go, l4route_atc.go and atc_utils.go@v3.5.13.
 */
import { KubeObject } from '../spec/types';
import { PREFIX, VALID_HOST, VALID_METHOD, VALID_PROTOCOLS, VALID_SNI, annotationsOf, atoi, headersOf, hostAliasesOf, methodsOf, protocolsOf, regexPrefixOf, snisOf } from './annotations';
import { Expr, and, or, pred, renderKic } from './expression';
import { TranslateContext, arrayOf, hostnamesOf, ingressRouteGroups, streamRouteLists, IngressPath, listenerProtocols, protocolsFromListeners, routeIdFor, routeRules, tlsPassthrough, tlsRouteUnrouted, unitsOfObject } from './objects';
import { RoutingObjects, describeObject, nsName } from './read';
import { ExpressionEntity, KongRoute, RoutePart, RouteUnit, RoutingKind, Translation } from './types';
import { pushTo } from '../util/multiMap';

/** Resource-kind bits 44-45 (atc_utils.go@v3.5.13:9-22, B7): Ingress 3 > HTTPRoute 2 > GRPCRoute 1. */
const KIND_BITS = { Ingress: 3n << 44n, HTTPRoute: 2n << 44n, GRPCRoute: 1n << 44n } as const;

/** KIC's catch-all for rules with no matches and no hostnames (atc_utils.go CatchAllHTTPExpression). */
const CATCH_ALL: Expr = or(pred('net.protocol', '==', 'http'), pred('net.protocol', '==', 'https'))!;

/** `hostMatcherFromHosts`: only a leading `*` is a wildcard; invalid hosts are dropped silently (B13). */
export function hostMatcher(hosts: readonly string[]): Expr | undefined {
  return or(...hosts.filter((h) => VALID_HOST.test(h)).map((h) => (h.startsWith('*') ? pred('http.host', '=^', h.slice(1)) : pred('http.host', '==', h))));
}

/** `sniMatcherFromSNIs`: invalid SNIs dropped one by one; none left means no predicate at all (B12). */
const sniMatcher = (snis: readonly string[]) => or(...snis.filter((s) => VALID_SNI.test(s)).map((s) => pred('tls.sni', '==', s)));

/** Header name as a field: lower-cased, `-` to `_` (atc/field.go). No `lower()` and no `any()` (B11). */
const headerField = (name: string) => `http.headers.${name.toLowerCase().replace(/-/g, '_')}`;

/** `pathMatcherFromIngressPath` (ingress_atc.go@v3.5.13:111-145): literal Prefix/Exact; regex only behind the regex prefix; no legacy heuristic (B5). */
function ingressPathMatcher(p: IngressPath, regexPrefix: string): Expr {
  if (p.pathType === 'Prefix') {
    const base = p.path.replace(/^\/+|\/+$/g, '');
    if (base === '') return pred('http.path', '^=', '/');
    return or(pred('http.path', '==', `/${base}`), pred('http.path', '^=', `/${base}/`))!;
  }
  if (p.pathType === 'Exact') return pred('http.path', '==', `/${p.path.replace(/^\/+/, '')}`);
  if (p.path === '') return pred('http.path', '^=', '/');
  if (regexPrefix !== '' && p.path.startsWith(regexPrefix)) {
    let re = p.path.slice(regexPrefix.length) || '^/';
    if (!re.startsWith('^')) re = '^' + re;
    return pred('http.path', '~', re);
  }
  return pred('http.path', '^=', p.path);
}

/** Ingress `EncodeToPriority` (ingress_atc.go@v3.5.13:243-324, B6): Prefix and Exact count as regex; regex_priority has no place. */
function ingressPriority(paths: readonly IngressPath[], regexPrefix: string, host: string, a: Readonly<Record<string, string>>): bigint {
  let fields = paths.length ? 1 : 0;
  let regex = false;
  let maxLen = 0;
  for (const p of paths) {
    let len: number;
    if (p.pathType === 'Exact') {
      regex = true;
      len = 1 + p.path.replace(/^\/+/, '').length;
    } else if (p.pathType === 'Prefix') {
      regex = true;
      const base = p.path.replace(/^\/+|\/+$/g, '');
      len = base === '' ? 1 : 2 + base.length;
    } else if (regexPrefix !== '' && p.path.startsWith(regexPrefix)) {
      regex = true;
      len = p.path.length - regexPrefix.length;
    } else len = p.path.length;
    maxLen = Math.max(maxLen, len);
  }
  const hosts = [...(host ? [host] : []), ...(hostAliasesOf(a) ?? [])];
  let plainHost = false;
  if (hosts.length) {
    fields++;
    plainHost = hosts.every((h) => !h.startsWith('*'));
  }
  const headers = headersOf(a);
  if (headers) fields++;
  if (methodsOf(a).length) fields++;
  const { snis, exists } = snisOf(a);
  if (exists && snis.length) fields++;
  let p = BigInt(Math.min(maxLen, 0xffff));
  if (regex) p += 1n << 16n;
  if (plainHost) p += 1n << 32n;
  p += BigInt(Math.min(headers ? Object.keys(headers).length : 0, 255)) << 33n;
  p += BigInt(fields) << 41n;
  return p + KIND_BITS.Ingress;
}

/** Annotations applied under expressions too (kongstate/route.go@v3.5.13 overrideByAnnotation, B8). */
function applyCommonAnnotations(e: Record<string, unknown>, a: Readonly<Record<string, string>>): void {
  const strip = a[`${PREFIX}strip-path`]?.toLowerCase();
  if (strip === 'true' || strip === 'false') e.strip_path = strip === 'true';
  if (a['ingress.kubernetes.io/force-ssl-redirect'] === 'true') e.https_redirect_status_code = 302;
  const code = atoi(a[`${PREFIX}https-redirect-status-code`]);
  if (code !== undefined && [426, 301, 302, 307, 308].includes(code)) e.https_redirect_status_code = code;
  const preserve = a[`${PREFIX}preserve-host`]?.toLowerCase();
  if (preserve === 'true' || preserve === 'false') e.preserve_host = preserve === 'true';
  const protocols = protocolsOf(a);
  if (protocols.length && protocols.every((p) => VALID_PROTOCOLS.has(p))) e.protocols = protocols;
}

class Collector {
  readonly routes: KongRoute[] = [];
  readonly failures: Translation['failures'][number][] = [];
  add(kind: RoutingKind, base: Record<string, unknown>, expr: Expr | undefined, priority: bigint, parts: RoutePart[], stream = false): void {
    const entity = { ...base, expression: expr ? renderKic(expr) : '', priority: Number(priority) } as unknown as ExpressionEntity;
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entity)) if (v !== undefined) clean[k] = v;
    this.routes.push({ id: routeIdFor(entity.name), shape: 'expressions', entity: clean as unknown as ExpressionEntity, expr, kind, stream, parts, order: this.routes.length });
  }
}

function translateIngresses(r: RoutingObjects, units: readonly RouteUnit[], out: Collector): void {
  // ingressTranslationIndex: one route per (namespace, name, backend, host), paths appended in order.
  for (const meta of ingressRouteGroups(r, units, out, 'ROUTES.md B5')) {
    const a = annotationsOf(meta.ing);
    const first = meta.paths[0].p.backend!;
    const name = `${meta.ing.metadata.namespace ?? 'default'}.${meta.ing.metadata.name}.${first.service}.${meta.host.replace(/\*/g, '_')}.${first.port}`;
    const protocols = protocolsOf(a).sort();
    const base: Record<string, unknown> = { name, ...(protocols.length ? { protocols } : {}), strip_path: false, preserve_host: true };
    const regexPrefix = regexPrefixOf(a) || '/~';
    const hosts = [...(meta.host ? [meta.host] : []), ...(hostAliasesOf(a) ?? [])];
    const parts: RoutePart[] = meta.paths.map(({ p, unit }) => ({ unit, pathExpr: ingressPathMatcher(p, regexPrefix) }));
    const headers = headersOf(a);
    const headerExpr = headers
      ? and(
          ...Object.keys(headers)
            .sort()
            .filter((n) => n.toLowerCase().replace(/-/g, '_') !== 'host')
            .map((n) => or(...headers[n].map((v) => (v.startsWith('~*') ? pred(headerField(n), '~', v.slice(2)) : pred(headerField(n), '==', v))))),
        )
      : undefined;
    const methods = methodsOf(a).filter((m) => VALID_METHOD.test(m));
    const { snis, exists } = snisOf(a);
    const expr = and(
      hosts.length ? hostMatcher(hosts) : undefined,
      or(...parts.map((x) => x.pathExpr)),
      headerExpr,
      methods.length ? or(...methods.map((m) => pred('http.method', '==', m))) : undefined,
      exists && snis.length ? sniMatcher(snis) : undefined,
    );
    applyCommonAnnotations(base, a);
    out.add('Ingress', base, expr ?? CATCH_ALL, ingressPriority(meta.paths.map((x) => x.p), regexPrefix, meta.host, a), parts);
  }
  // Default backend: `http.path ^= "/"` with priority 0 (B21).
  const db = units.find((u) => u.kind === 'Ingress' && u.rule === -1);
  if (db) {
    const base: Record<string, unknown> = { name: `${db.object.metadata.namespace ?? 'default'}.${db.object.metadata.name}`, strip_path: false, preserve_host: true };
    applyCommonAnnotations(base, annotationsOf(db.object));
    const path = pred('http.path', '^=', '/');
    out.add('Ingress', base, and(path)!, 0n, [{ unit: db.id, pathExpr: path }]);
  }
}

interface HttpMatch {
  path?: { type?: string; value?: string };
  headers?: { name: string; value: string; type?: string }[];
  queryParams?: { name: string; value: string; type?: string }[];
  method?: string;
}

interface SplitMatch {
  route: KubeObject;
  hostname: string;
  match: HttpMatch;
  ri: number;
  mi: number;
  named: boolean;
}

/** `pathMatcherFromHTTPPathMatch` (httproute_atc.go@v3.5.13:58-96): PathPrefix drops a trailing `/` (B15). */
function httpPathMatcher(m: HttpMatch, replacePrefix: boolean): Expr | undefined {
  if (!m.path) return undefined;
  const type = m.path.type ?? 'PathPrefix';
  let v = m.path.value ?? '';
  if (type === 'Exact') return pred('http.path', '==', v);
  if (type === 'RegularExpression') return pred('http.path', '~', v.startsWith('^') ? v : '^' + v);
  v = v === '/' || v === '' ? '/' : v.replace(/\/$/, '');
  const root = v === '/';
  if (replacePrefix) return or(pred('http.path', '==', v), pred('http.path', '~', root ? '^/(.*)' : `^${v}(/.*)`));
  if (root) return pred('http.path', '^=', '/');
  return or(pred('http.path', '==', v), pred('http.path', '^=', `${v}/`));
}

/** HTTPRoute `EncodeToPriority` (httproute_atc.go@v3.5.13:246-323, B15): Gateway API precedence, kind bits 2<<44. */
function httpRoutePriority(s: SplitMatch): bigint {
  let p = KIND_BITS.HTTPRoute;
  if (s.hostname) {
    if (!s.hostname.startsWith('*')) p += 1n << 43n;
    p += BigInt(s.hostname.length) << 35n;
  }
  const type = s.match.path ? (s.match.path.type ?? 'PathPrefix') : '';
  if (type === 'Exact') p += 1n << 34n;
  if (type === 'RegularExpression') p += 1n << 33n;
  const len = s.match.path?.value?.length ?? 0;
  if (len > 0) p += BigInt(len - 1) << 23n;
  if (s.match.method) p += 1n << 22n;
  p += BigInt(arrayOf(s.match.headers).length) << 17n;
  p += BigInt(arrayOf(s.match.queryParams).length) << 12n;
  return p;
}

const created = (o: KubeObject) => String((o.metadata as { creationTimestamp?: unknown }).creationTimestamp ?? '');

/**
 * The low bits KIC gives splits of equal priority, in relative order (creation time, namespace,
 * name, rule, match): `2^bits - 1 - i` (assignRoutePriorityToSplitHTTPRouteMatches).
 */
function withRelativeOrder<T extends { route: KubeObject; ri: number; mi: number }>(splits: T[], base: (s: T) => bigint, bits: bigint): Map<T, bigint> {
  const groups = new Map<bigint, T[]>();
  for (const s of splits) {
    const b = base(s);
    pushTo(groups, b, s);
  }
  const out = new Map<T, bigint>();
  const top = (1n << bits) - 1n;
  for (const [b, list] of groups) {
    const sorted = [...list].sort(
      (x, y) =>
        (created(x.route) < created(y.route) ? -1 : created(x.route) > created(y.route) ? 1 : 0) ||
        (nsName(x.route) < nsName(y.route) ? -1 : nsName(x.route) > nsName(y.route) ? 1 : 0) ||
        x.ri - y.ri ||
        x.mi - y.mi,
    );
    sorted.forEach((s, i) => out.set(s, b + (top - BigInt(i) > 0n ? top - BigInt(i) : 0n)));
  }
  return out;
}

function translateHttpRoutes(r: RoutingObjects, units: readonly RouteUnit[], ctx: TranslateContext, out: Collector): void {
  const splits: SplitMatch[] = [];
  const withListeners = protocolsFromListeners(ctx.kic);
  for (const route of r.httpRoutes) {
    if (routeRules(route).length === 0) {
      out.failures.push({ object: describeObject(route), units: unitsOfObject(units, route).map((u) => u.id), message: 'no rules: KIC does not route it', rule: 'KIC', source: 'ROUTES.md B15' });
      continue;
    }
    const hosts = hostnamesOf(route);
    for (const hostname of hosts.length ? hosts : ['']) {
      routeRules(route).forEach((rule, ri) => {
        const matches = arrayOf<HttpMatch>(rule?.matches);
        if (matches.length === 0) splits.push({ route, hostname, match: {}, ri, mi: 0, named: false });
        matches.forEach((m, mi) => splits.push({ route, hostname, match: m ?? {}, ri, mi, named: false }));
      });
    }
  }
  const priorities = withRelativeOrder(splits, httpRoutePriority, 12n);
  for (const s of splits) {
    const route = s.route;
    const a = annotationsOf(route);
    const filters = arrayOf<{ type?: string; urlRewrite?: { path?: { type?: string } } }>(routeRules(route)[s.ri]?.filters);
    const replacePrefix = filters.some((f) => f?.type === 'URLRewrite' && f.urlRewrite?.path?.type === 'ReplacePrefixMatch');
    const path = httpPathMatcher(s.match, replacePrefix);
    const headers = [...arrayOf<{ name: string; value: string; type?: string }>(s.match.headers)].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const queries = [...arrayOf<{ name: string; value: string; type?: string }>(s.match.queryParams)].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const { snis, exists } = snisOf(a);
    const matchExpr = and(
      path,
      headers.length ? and(...headers.map((h) => pred(headerField(h.name), h.type === 'RegularExpression' ? '~' : '==', h.value))) : undefined,
      queries.length ? and(...queries.map((q) => pred(`http.queries.${q.name}`, q.type === 'RegularExpression' ? '~' : '==', q.value))) : undefined,
      s.match.method && VALID_METHOD.test(s.match.method) ? or(pred('http.method', '==', s.match.method)) : undefined,
    );
    const expr = and(s.hostname ? hostMatcher([s.hostname]) : undefined, exists && snis.length ? sniMatcher(snis) : undefined, matchExpr) ?? CATCH_ALL;
    const protocols = withListeners ? listenerProtocols(route, r) : undefined;
    const base: Record<string, unknown> = {
      name: `httproute.${route.metadata.namespace ?? 'default'}.${route.metadata.name}.${s.hostname ? s.hostname.replace(/\*/g, '_') : '_'}.${s.ri}.${s.mi}`,
      ...(protocols ? { protocols } : {}),
      preserve_host: true,
      strip_path: false,
    };
    applyCommonAnnotations(base, a);
    const unitIds = unitsOfObject(units, route).filter((u) => u.rule === s.ri && u.match === s.mi && (u.hostname === undefined || u.hostname === s.hostname));
    out.add('HTTPRoute', base, expr, priorities.get(s)!, unitIds.map((u) => ({ unit: u.id, ...(path ? { pathExpr: path } : {}) })));
  }
}

interface GrpcMatch {
  method?: { type?: string; service?: string; method?: string };
  headers?: { name: string; value: string; type?: string }[];
}

/** GRPCRoute (grpcroute_atc.go@v3.5.13, B19): exact method paths, regex headers honored, `spec.hostnames` only. */
function grpcMethodMatcher(m: GrpcMatch['method']): Expr | undefined {
  if (!m) return undefined;
  const { service, method } = m;
  if (m.type === 'RegularExpression') {
    if (service === undefined && method === undefined) return pred('http.path', '^=', '/');
    return pred('http.path', '~', `^/${service ?? '.+'}/${method ?? '.+'}`);
  }
  if (service === undefined && method === undefined) return pred('http.path', '^=', '/');
  if (method === undefined) return pred('http.path', '^=', `/${service}/`);
  if (service === undefined) return pred('http.path', '=^', `/${method}`);
  return pred('http.path', '==', `/${service}/${method}`);
}

function translateGrpcRoutes(r: RoutingObjects, units: readonly RouteUnit[], out: Collector): void {
  type Split = { route: KubeObject; hostname: string; match: GrpcMatch; ri: number; mi: number };
  const splits: Split[] = [];
  for (const route of r.grpcRoutes) {
    const hosts = hostnamesOf(route);
    for (const hostname of hosts.length ? hosts : ['']) {
      routeRules(route).forEach((rule, ri) => {
        const matches = arrayOf<GrpcMatch>(rule?.matches);
        if (matches.length === 0) splits.push({ route, hostname, match: {}, ri, mi: 0 });
        matches.forEach((m, mi) => splits.push({ route, hostname, match: m ?? {}, ri, mi }));
      });
    }
  }
  const base = (s: Split): bigint => {
    let p = KIND_BITS.GRPCRoute;
    if (s.hostname) {
      if (!s.hostname.startsWith('*')) p += 1n << 43n;
      p += BigInt(s.hostname.length) << 35n;
    }
    p += BigInt(s.match.method?.service?.length ?? 0) << 24n;
    p += BigInt(s.match.method?.method?.length ?? 0) << 13n;
    p += BigInt(arrayOf(s.match.headers).length) << 8n;
    return p;
  };
  const priorities = withRelativeOrder(splits, base, 8n);
  for (const s of splits) {
    const a = annotationsOf(s.route);
    const path = grpcMethodMatcher(s.match.method);
    const headers = [...arrayOf<{ name: string; value: string; type?: string }>(s.match.headers)].sort((x, y) => (x.name < y.name ? -1 : 1));
    const { snis, exists } = snisOf(a);
    const expr =
      and(
        path,
        headers.length ? and(...headers.map((h) => pred(headerField(h.name), h.type === 'RegularExpression' ? '~' : '==', h.value))) : undefined,
        s.hostname ? hostMatcher([s.hostname]) : undefined,
        exists && snis.length ? sniMatcher(snis) : undefined,
      ) ?? CATCH_ALL;
    const entity: Record<string, unknown> = {
      name: `grpcroute.${s.route.metadata.namespace ?? 'default'}.${s.route.metadata.name}.${s.hostname ? s.hostname.replace(/\*/g, '_') : '_'}.${s.ri}.${s.mi}`,
      protocols: ['grpc', 'grpcs'],
    };
    const unitIds = unitsOfObject(units, s.route).filter((u) => u.rule === s.ri && u.match === s.mi && (u.hostname === undefined || u.hostname === s.hostname));
    out.add('GRPCRoute', entity, expr, priorities.get(s)!, unitIds.map((u) => ({ unit: u.id, ...(path ? { pathExpr: path } : {}) })));
  }
}

/** L4 routes: KIC 3.x gives them priority 1 and the valid SNIs (l4route_atc.go, B20); KIC 2.10-2.12 refuse them under expressions (R27). */
function translateStreamRoutes(r: RoutingObjects, units: readonly RouteUnit[], ctx: TranslateContext, out: Collector): void {
  for (const [kind, list, protocol] of streamRouteLists(r)) {
    for (const o of list) {
      const own = unitsOfObject(units, o);
      if (ctx.kic.major < 3) {
        out.failures.push({
          object: describeObject(o),
          units: own.map((u) => u.id),
          message: `KIC ${ctx.kic.raw} with expression routes reports "resource kind ${kind} not supported when expression routes enabled": it is not translated`,
          rule: 'R27',
          source: 'ROUTES.md B20',
        });
        continue;
      }
      if (kind === 'TLSRoute' && tlsRouteUnrouted(o, units, out)) continue;
      const rules = routeRules(o);
      (rules.length ? rules : [{}]).forEach((rule, ri) => {
        const snis = kind === 'TLSRoute' ? hostnamesOf(o) : kind === 'TCPIngress' && typeof rule?.host === 'string' ? [rule.host] : [];
        // ApplyExpressionToL4KongRoute (l4route_atc.go@v3.5.13): the valid SNIs, or-ed; none left is an empty
        // expression (atc/matcher.go: an empty Or renders ""), which Kong stores as no expression at all.
        const expr = and(sniMatcher(snis));
        const unit = own.find((u) => u.rule === ri)!;
        const protocols = [kind === 'TLSRoute' ? (tlsPassthrough(o, r) ? 'tls_passthrough' : protocol) : snis.length && kind === 'TCPIngress' ? 'tls' : protocol];
        out.add(kind, { name: `${kind.toLowerCase()}.${nsName(o).replace('/', '.')}.${ri}`, protocols }, expr, 1n, [{ unit: unit.id }], true);
      });
    }
  }
}

/** The expressions translator's output for the objects. */
export function translateExpressions(r: RoutingObjects, units: readonly RouteUnit[], ctx: TranslateContext): Translation {
  const out = new Collector();
  translateIngresses(r, units, out);
  translateHttpRoutes(r, units, ctx, out);
  translateGrpcRoutes(r, units, out);
  translateStreamRoutes(r, units, ctx, out);
  return { shape: 'expressions', routes: out.routes, failures: out.failures };
}

