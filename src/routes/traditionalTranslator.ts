/**
 * KIC's traditional translator: the fields routes `traditional` and `traditional_compatible`
 * gateways get (ROUTES.md B3, B4, B8, B9, B14, B18, B20, B21). Ported from
 * subtranslator/ingress.go, httproute.go, grpcroute.go, kongstate/route.go@v3.5.13 and the
 * KongIngress overrides of kongstate/route.go@v2.12.8.
 */
import { KubeObject } from '../spec/types';
import {
  PREFIX,
  VALID_HOST,
  VALID_METHOD,
  VALID_PATH_HANDLING,
  VALID_PROTOCOLS,
  VALID_SNI,
  annotationsOf,
  atoi,
  headersOf,
  hostAliasesOf,
  methodsOf,
  pathHandlingOf,
  protocolsOf,
  regexPrefixOf,
  regexPriorityOf,
  snisOf,
} from './annotations';
import { RoutingObjects, describeObject, nsName } from './read';
import {
  IngressPath,
  TranslateContext,
  arrayOf,
  hostnamesOf,
  ingressRouteGroups,
  streamRouteLists,
  listenerHostnames,
  listenerProtocols,
  protocolsFromListeners,
  routeIdFor,
  routeRules,
  tlsPassthrough,
  tlsRouteUnrouted,
  unitsOfObject,
} from './objects';
import { FieldsEntity, KongRoute, RoutePart, RouteUnit, RoutingKind, Translation } from './types';
import { pushTo } from '../util/multiMap';

/** A fields route while it is being built. */
interface Entity {
  name: string;
  protocols?: string[];
  hosts?: string[];
  paths?: string[];
  methods?: string[];
  headers?: Record<string, string[]>;
  snis?: string[];
  regex_priority?: number;
  strip_path?: boolean;
  preserve_host?: boolean;
  path_handling?: string;
  https_redirect_status_code?: number;
}

/** KIC's legacy heuristic: a path this pattern does not match was a regex in Kong 2.x (B4). */
const LEGACY_PLAIN_PATH = /^[a-zA-Z0-9.\-_~/%]*$/;

/** `MaybePrependRegexPrefix` (ingress.go@v3.5.13). */
export function maybeRegexPrefix(path: string, controllerPrefix: string, legacy: boolean): string {
  if (path.startsWith(controllerPrefix)) return path.replace(controllerPrefix, '~');
  if (legacy && !LEGACY_PLAIN_PATH.test(path) && !path.startsWith('~')) return '~' + path;
  return path;
}

/** `PathsFromIngressPaths`: Prefix -> `/base/` + `~/base$`, Exact -> `~/rel$`, not regex-escaped (B4). */
export function ingressKongPaths(p: IngressPath): string[] {
  if (p.pathType === 'Prefix') {
    const base = p.path.replace(/^\/+|\/+$/g, '');
    return base === '' ? ['/'] : [`/${base}/`, `~/${base}$`];
  }
  if (p.pathType === 'Exact') return [`~/${p.path.replace(/^\/+/, '')}$`];
  return [p.path === '' ? '/' : p.path];
}

/**
 * `Route.Override` (kongstate/route.go@v3.5.13): annotations applied to every fields route,
 * Ingress or Gateway API (B8). Each multi-valued annotation is ignored whole when one value is
 * invalid (methods, snis, host-aliases).
 */
function overrideByAnnotations(r: Entity, a: Readonly<Record<string, string>>): void {
  const strip = a[`${PREFIX}strip-path`]?.toLowerCase();
  if (strip === 'true' || strip === 'false') r.strip_path = strip === 'true';
  if (a['ingress.kubernetes.io/force-ssl-redirect'] === 'true') {
    r.https_redirect_status_code = 302;
    const ps = r.protocols ?? [];
    const grpc = ps.some((p) => p.includes('grpc'));
    const http = ps.some((p) => p.includes('http'));
    r.protocols = [...(grpc ? ['grpcs'] : []), ...(http || !grpc ? ['https'] : [])];
  }
  const code = atoi(a[`${PREFIX}https-redirect-status-code`]);
  if (code !== undefined && [426, 301, 302, 307, 308].includes(code)) r.https_redirect_status_code = code;
  const preserve = a[`${PREFIX}preserve-host`]?.toLowerCase();
  if (preserve === 'true' || preserve === 'false') r.preserve_host = preserve === 'true';
  const protocols = protocolsOf(a);
  if (protocols.length && protocols.every((p) => VALID_PROTOCOLS.has(p))) r.protocols = protocols;
  const rp = atoi(regexPriorityOf(a));
  if (rp !== undefined) r.regex_priority = rp;
  const methods = methodsOf(a);
  if (methods.length && methods.every((m) => VALID_METHOD.test(m))) r.methods = methods;
  const { snis, exists } = snisOf(a);
  if (exists && snis.every((s) => VALID_SNI.test(s))) r.snis = snis.length ? snis : undefined;
  const aliases = hostAliasesOf(a);
  if (aliases && aliases.every((h) => VALID_HOST.test(h))) {
    const hosts = [...(r.hosts ?? [])];
    for (const h of aliases) if (!hosts.includes(h)) hosts.push(h);
    r.hosts = hosts;
  }
  const headers = headersOf(a);
  if (headers) r.headers = headers;
  const ph = pathHandlingOf(a);
  if (ph !== undefined && VALID_PATH_HANDLING.test(ph)) r.path_handling = ph;
}

/** `normalizeProtocols`: grpc mixed with http becomes `http, https`; grpc routes lose strip_path. */
function normalizeProtocols(r: Entity): void {
  const ps = r.protocols ?? [];
  const grpc = ps.some((p) => p.includes('grpc'));
  const http = ps.some((p) => p.includes('http') || !VALID_PROTOCOLS.has(p));
  if (grpc && http) r.protocols = ['http', 'https'];
  if (grpc) delete r.strip_path;
}

/** KIC 2.x `overrideByKongIngress` (kongstate/route.go@v2.12.8:278-351), before the annotations (B9). */
function overrideByKongIngress(r: Entity, ki: KubeObject | undefined): void {
  const route = (ki as { route?: Record<string, unknown> } | undefined)?.route;
  if (!route) return;
  const methods = arrayOf<string>(route.methods).map((m) => String(m).trim().toUpperCase());
  if (methods.length && methods.every((m) => VALID_METHOD.test(m))) r.methods = methods;
  if (route.headers && typeof route.headers === 'object' && Object.keys(route.headers).length) r.headers = route.headers as Record<string, string[]>;
  const protocols = arrayOf<string>(route.protocols);
  if (protocols.length) r.protocols = protocols.map(String);
  if (typeof route.regex_priority === 'number') r.regex_priority = route.regex_priority;
  if (typeof route.strip_path === 'boolean') r.strip_path = route.strip_path;
  if (typeof route.preserve_host === 'boolean') r.preserve_host = route.preserve_host;
  if (typeof route.https_redirect_status_code === 'number') r.https_redirect_status_code = route.https_redirect_status_code;
  if (typeof route.path_handling === 'string') r.path_handling = route.path_handling;
  const snis = arrayOf<string>(route.snis).map((s) => String(s).trim());
  if (snis.length && snis.every((s) => VALID_SNI.test(s))) r.snis = snis;
}

/** The KongIngress an object names in `konghq.com/override` (KIC 2.x only; 3.0 removed `KongIngress.route`). */
export function kongIngressOf(o: KubeObject, r: RoutingObjects): KubeObject | undefined {
  const name = annotationsOf(o)[`${PREFIX}override`];
  return name ? r.kongIngresses.get(`${o.metadata.namespace ?? 'default'}/${name}`) : undefined;
}

class Collector {
  readonly routes: KongRoute[] = [];
  readonly failures: Translation['failures'][number][] = [];
  add(kind: RoutingKind, entity: Entity, parts: RoutePart[], stream = false): void {
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entity)) if (v !== undefined) clean[k] = v;
    this.routes.push({ id: routeIdFor(entity.name), shape: 'fields', entity: clean as unknown as FieldsEntity, kind, stream, parts, order: this.routes.length });
  }
}

function translateIngresses(r: RoutingObjects, units: readonly RouteUnit[], ctx: TranslateContext, out: Collector): void {
  const kic2 = ctx.kic.major < 3;
  // ingressTranslationIndex: one route per (namespace, name, backend, host), paths appended in order.
  for (const meta of ingressRouteGroups(r, units, out, 'ROUTES.md B4')) {
    const a = annotationsOf(meta.ing);
    const first = meta.paths[0].p.backend!;
    const name = `${meta.ing.metadata.namespace ?? 'default'}.${meta.ing.metadata.name}.${first.service}.${meta.host.replace(/\*/g, '_')}.${first.port}`;
    const protocols = protocolsOf(a).sort();
    const e: Entity = {
      name,
      ...(protocols.length ? { protocols } : {}),
      ...(meta.host ? { hosts: [meta.host] } : {}),
      paths: [],
      regex_priority: 0,
      strip_path: false,
      preserve_host: true,
    };
    const regexPrefix = regexPrefixOf(a) ?? '/~';
    const parts: RoutePart[] = [];
    for (const { p, unit } of meta.paths) {
      const paths = ingressKongPaths(p).map((x) => maybeRegexPrefix(x, regexPrefix, r.legacyRegexDetection));
      e.paths!.push(...paths);
      parts.push({ unit, paths });
    }
    if (kic2) overrideByKongIngress(e, kongIngressOf(meta.ing, r));
    overrideByAnnotations(e, a);
    normalizeProtocols(e);
    out.add('Ingress', e, parts);
  }
  // The default backend of the oldest Ingress that has one: path `/`, regex_priority 0 (B21).
  const dbUnit = units.find((u) => u.kind === 'Ingress' && u.rule === -1);
  if (dbUnit) {
    const ing = dbUnit.object;
    const e: Entity = { name: `${ing.metadata.namespace ?? 'default'}.${ing.metadata.name}`, paths: ['/'], regex_priority: 0, strip_path: false, preserve_host: true };
    if (kic2) overrideByKongIngress(e, kongIngressOf(ing, r));
    overrideByAnnotations(e, annotationsOf(ing));
    normalizeProtocols(e);
    out.add('Ingress', e, [{ unit: dbUnit.id, paths: ['/'] }]);
  }
}

interface HttpMatch {
  path?: { type?: string; value?: string };
  headers?: { name: string; value: string; type?: string }[];
  queryParams?: unknown[];
  method?: string;
}

/** `generateKongRoutePathFromHTTPRouteMatch`: Exact `~v$`, PathPrefix `~v$` + `v/` (a trailing `/` kept), regex `~v`; never escaped (B14). */
export function httpRouteKongPaths(m: HttpMatch): string[] {
  const type = m.path?.type ?? 'PathPrefix';
  const v = m.path?.value ?? '/';
  if (type === 'Exact') return [`~${v}$`];
  if (type === 'RegularExpression') return [`~${v}`];
  return [`~${v}$`, v.endsWith('/') ? v : `${v}/`];
}

/** JSON with object keys sorted, for grouping keys (KIC compares marshalled structs). */
function stableJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x) ?? 'null';
}

function translateHttpRoutes(r: RoutingObjects, units: readonly RouteUnit[], ctx: TranslateContext, out: Collector): void {
  const withListeners = protocolsFromListeners(ctx.kic);
  for (const route of r.httpRoutes) {
    const a = annotationsOf(route);
    const rules = routeRules(route);
    const ownUnits = unitsOfObject(units, route);
    const failWith = (message: string, rule: string, source: string) => out.failures.push({ object: describeObject(route), units: ownUnits.map((u) => u.id), message, rule, source });
    if (rules.length === 0) {
      failWith('no rules: KIC does not route it', 'KIC', 'ROUTES.md B14');
      continue;
    }
    // translate_httproute.go@v3.5.13 validateHTTPRoute: query matches only with expression routes (B14).
    if (rules.some((rule) => arrayOf<HttpMatch>(rule?.matches).some((m) => arrayOf(m?.queryParams).length > 0))) {
      failWith('query parameter matches are refused by the traditional translator ("queryparam matching is supported with expression router only")', 'R23', 'ROUTES.md B14');
      continue;
    }
    const protocols = withListeners ? listenerProtocols(route, r) : undefined;
    const hostnames = hostnamesOf(route);
    // Rules grouped by backends (one Kong service each), then by filters, then matches by (method, headers, query).
    const byService = new Map<string, number[]>();
    rules.forEach((rule, ri) => {
      const key = stableJson(arrayOf(rule?.backendRefs).map((b) => stableJson(b)).sort());
      pushTo(byService, key, ri);
    });
    const built: { name: string; e: Entity; parts: RoutePart[] }[] = [];
    let failed: string | undefined;
    for (const ruleIdx of byService.values()) {
      const byFilter = new Map<string, number[]>();
      for (const ri of ruleIdx) {
        const key = arrayOf(rules[ri]?.filters).map((f) => stableJson(f)).sort().join(';');
        pushTo(byFilter, key, ri);
      }
      for (const group of byFilter.values()) {
        const matchGroups = new Map<string, { ri: number; mi: number; m: HttpMatch }[]>();
        for (const ri of group) {
          const matches = arrayOf<HttpMatch>(rules[ri]?.matches);
          if (matches.length === 0) {
            const e: Entity = { name: `httproute.${route.metadata.namespace ?? 'default'}.${route.metadata.name}.${ri}.0`, ...(protocols ? { protocols } : {}), preserve_host: true, ...(hostnames.length ? { hosts: [...hostnames] } : {}) };
            built.push({ name: e.name, e, parts: ownUnits.filter((u) => u.rule === ri).map((u) => ({ unit: u.id })) });
            continue;
          }
          matches.forEach((m, mi) => {
            const seen = new Set<string>();
            const headers = arrayOf<{ name: string; value: string; type?: string }>(m?.headers)
              .map((h) => ({ ...h, name: String(h?.name ?? '').toLowerCase() }))
              .filter((h) => (seen.has(h.name) ? false : (seen.add(h.name), true)))
              .sort((x, y) => (x.name < y.name ? -1 : 1));
            const key = stableJson({ method: m?.method ?? null, headers, query: m?.queryParams ?? [] });
            pushTo(matchGroups, key, { ri, mi, m: m ?? {} });
          });
        }
        const redirect = arrayOf<{ type?: string }>(rules[group[0]]?.filters).some((x) => x?.type === 'RequestRedirect');
        for (const mg of matchGroups.values()) {
          const firstM = mg[0];
          const e: Entity = {
            name: `httproute.${route.metadata.namespace ?? 'default'}.${route.metadata.name}.${firstM.ri}.${firstM.mi}`,
            ...(protocols ? { protocols } : {}),
            preserve_host: true,
            ...(hostnames.length ? { hosts: [...hostnames] } : {}),
          };
          // convertGatewayMatchHeadersToKongRouteMatchHeaders: from the first match only; `~*` for RegularExpression.
          const headers: Record<string, string[]> = {};
          for (const h of arrayOf<{ name: string; value: string; type?: string }>(firstM.m.headers)) {
            if (headers[h.name]) failed = `multiple header matches for the same header are not allowed: ${h.name}`;
            if (h.type === 'RegularExpression') headers[h.name] = [`~*${h.value}`];
            else if (h.type === undefined || h.type === 'Exact') headers[h.name] = [h.value];
            else failed = `unknown/unsupported header match type: ${h.type}`;
          }
          if (Object.keys(headers).length) e.headers = headers;
          e.strip_path = false;
          const parts: RoutePart[] = [];
          const methods: string[] = [];
          for (const { ri, mi, m } of mg) {
            const paths = m.path ? httpRouteKongPaths(m) : undefined;
            if (paths) e.paths = [...(e.paths ?? []), ...paths];
            if (m.method && !methods.includes(m.method)) methods.push(m.method);
            for (const u of ownUnits.filter((x) => x.rule === ri && x.match === mi)) parts.push({ unit: u.id, ...(paths ? { paths } : {}) });
            // getRoutesFromMatches with a RequestRedirect filter (httproute.go@v3.5.13:880-913): one route per match,
            // but through a pointer to the one route being built, so the i-th carries the paths and methods of
            // matches 1..i, and all of them its name (Kong refuses the repeated name, acceptance.ts).
            if (redirect) built.push({ name: e.name, e: { ...e, ...(methods.length ? { methods: [...methods] } : {}), ...(e.paths ? { paths: [...e.paths] } : {}) }, parts: [...parts] });
          }
          if (methods.length) e.methods = methods;
          if (!redirect) built.push({ name: e.name, e, parts });
        }
      }
    }
    if (failed) {
      failWith(`KIC cannot translate it: ${failed}`, 'KIC', 'ROUTES.md B14');
      continue;
    }
    for (const b of built.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
      overrideByAnnotations(b.e, a);
      normalizeProtocols(b.e);
      out.add('HTTPRoute', b.e, b.parts);
    }
  }
}

interface GrpcMatch {
  method?: { type?: string; service?: string; method?: string };
  headers?: { name: string; value: string; type?: string }[];
}

/** GRPCRoute under the traditional translator: `~/<service>/<method>` without `$` or escaping, headers literal whatever their type (B18). */
function translateGrpcRoutes(r: RoutingObjects, units: readonly RouteUnit[], out: Collector): void {
  for (const route of r.grpcRoutes) {
    const hostnames = hostnamesOf(route).length ? hostnamesOf(route) : listenerHostnames(route, r);
    const ownUnits = unitsOfObject(units, route);
    routeRules(route).forEach((rule, ri) => {
      const matches = arrayOf<GrpcMatch>(rule?.matches);
      const base = (mi: number) => `grpcroute.${route.metadata.namespace ?? 'default'}.${route.metadata.name}.${ri}.${mi}`;
      const unitsOf = (mi: number) => ownUnits.filter((u) => u.rule === ri && u.match === mi);
      if (matches.length === 0) {
        const e: Entity = { name: base(0), protocols: ['grpc', 'grpcs'], ...(hostnames.length ? { hosts: hostnames } : { paths: ['/'] }) };
        out.add('GRPCRoute', e, unitsOf(0).map((u) => ({ unit: u.id, ...(e.paths ? { paths: e.paths } : {}) })));
        return;
      }
      matches.forEach((m, mi) => {
        const e: Entity = { name: base(mi), protocols: ['grpc', 'grpcs'], ...(hostnames.length ? { hosts: hostnames } : {}) };
        if (m?.method) {
          const type = m.method.type ?? 'Exact';
          const service = m.method.service ?? '.+';
          const method = m.method.method ?? (type === 'RegularExpression' ? '.+' : '');
          e.paths = [`~/${service}/${method}`];
        }
        const headers: Record<string, string[]> = {};
        for (const h of arrayOf<{ name: string; value: string }>(m?.headers)) headers[h.name] = [...(headers[h.name] ?? []), h.value];
        if (Object.keys(headers).length) e.headers = headers;
        normalizeProtocols(e);
        out.add('GRPCRoute', e, unitsOf(mi).map((u) => ({ unit: u.id, ...(e.paths ? { paths: e.paths } : {}) })));
      });
    });
  }
}

/**
 * L4 routes: TLSRoute hostnames copied to `snis` as written, wildcards included (B20;
 * translate_routes_helpers.go@v3.5.13 tlsRouteToKongRoute), protocol `tls`, or `tls_passthrough`
 * behind a Passthrough listener; a TLSRoute without hostnames is not routed; TCP/UDP by port.
 */
function translateStreamRoutes(r: RoutingObjects, units: readonly RouteUnit[], out: Collector): void {
  for (const [kind, list, protocol] of streamRouteLists(r)) {
    for (const o of list) {
      if (kind === 'TLSRoute' && tlsRouteUnrouted(o, units, out)) continue;
      const rules = routeRules(o);
      (rules.length ? rules : [{}]).forEach((rule, ri) => {
        const unit = unitsOfObject(units, o).find((u) => u.rule === ri)!;
        const e: Entity = { name: `${kind.toLowerCase()}.${nsName(o).replace('/', '.')}.${ri}`, protocols: [kind === 'TLSRoute' && tlsPassthrough(o, r) ? 'tls_passthrough' : protocol] };
        if (kind === 'TLSRoute') e.snis = hostnamesOf(o);
        if (kind === 'TCPIngress' && typeof rule?.host === 'string') {
          e.snis = [rule.host];
          e.protocols = ['tls'];
        }
        out.add(kind, e, [{ unit: unit.id }], true);
      });
    }
  }
}

/** The traditional translator's output for the objects (B3: the same for traditional and traditional_compatible). */
export function translateTraditional(r: RoutingObjects, units: readonly RouteUnit[], ctx: TranslateContext): Translation {
  const out = new Collector();
  translateIngresses(r, units, ctx, out);
  translateHttpRoutes(r, units, ctx, out);
  translateGrpcRoutes(r, units, out);
  translateStreamRoutes(r, units, out);
  return { shape: 'fields', routes: out.routes, failures: out.failures };
}

