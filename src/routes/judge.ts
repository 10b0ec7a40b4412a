/**
 * Stage 3, judge: what changes for each route and for each pair of routes that can match the
 * same request when the flavor changes (ROUTES.md rules R1-R28).
 *
 * - Per route: refused by the target (the config fails), matching changed, settings dropped.
 * - Per request: the winner under the old flavor (ported router of that flavor over all the
 *   routes read) and under the new; every change of winner comes with the request that shows it,
 *   attributed to the rule that explains it.
 */
import { Flavor } from '../model/flavor';
import { Version, atLeast } from '../model/version';
import { KubeObject } from '../spec/types';
import { Refusal, configurationRefusals } from './acceptance';
import { PREFIX, VALID_HOST, VALID_METHOD, VALID_PATH_HANDLING, VALID_PROTOCOLS, VALID_SNI, annotationsOf, atoi, headersOf, hostAliasesOf, methodsOf, pathHandlingOf, protocolsOf, regexPriorityOf, snisOf } from './annotations';
import { atcContext, atcRouter } from './atcRouter';
import { evaluate } from './expression';
import { arrayOf, hostnamesOf, ingressRules, listenerProtocols, protocolsFromListeners, routeRules, unitsOfObject } from './objects';
import { RoutingObjects, describeObject } from './read';
import { atcPathRegex, pcreIsMatch, rustIsMatch } from './regex';
import { HttpRequest, Router, Selection } from './request';
import { exampleRequests } from './requests';
import { TraditionalRouter, traditionalRouter } from './traditionalRouter';
import { ExampleRequest, FieldsEntity, Finding, KongRoute, RouteEntry, RouteUnit, Severity, Translation, isExpressionEntity } from './types';

export interface JudgeInput {
  readonly from: Flavor;
  readonly to: Flavor;
  readonly kong: Version;
  readonly kic: Version;
  readonly objects: RoutingObjects;
  readonly units: readonly RouteUnit[];
  readonly before: Translation;
  readonly after: Translation;
  /** IDs Kong gives split routes (tests pass the oracle's stand-in). */
  readonly splitId?: (id: string, i: number) => string;
}

export interface Judgement {
  readonly routes: RouteEntry[];
  readonly findings: Finding[];
}

/** The router of a flavor over KIC's routes. */
export function routerFor(flavor: Flavor, routes: readonly KongRoute[], kong: Version, splitId?: (id: string, i: number) => string): Router {
  return flavor === 'traditional' ? traditionalRouter(routes) : atcRouter(routes, { flavor, kong, ...(splitId ? { splitId } : {}) });
}

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { rejected: 0, changed: 1, dropped: 2, info: 3 };
const ruleNumber = (r: string) => (/^R(\d+)$/.test(r) ? Number(r.slice(1)) : 100);

function hostFits(pattern: string | undefined, host: string): boolean {
  if (!pattern) return true;
  if (pattern.startsWith('*')) return host.endsWith(pattern.slice(1));
  return pattern.toLowerCase() === host;
}

/** The route unit a selection stands for: the part of the winning route whose own host and path match. */
function unitOf(sel: Selection | undefined, req: HttpRequest, flavor: Flavor, kong: Version, units: ReadonlyMap<string, RouteUnit>): string | null {
  if (!sel) return null;
  let parts = sel.route.parts;
  if (parts.length === 1) return parts[0].unit;
  if (sel.paths) {
    const own = parts.filter((p) => !p.paths || p.paths.some((x) => sel.paths!.includes(x)));
    if (own.length) parts = own;
  }
  let ctx: ReturnType<typeof atcContext> | undefined;
  const pathFits = (p: (typeof parts)[number]) => {
    if (p.pathExpr) return evaluate(p.pathExpr, (ctx ??= atcContext(req, kong)));
    if (!p.paths) return true;
    return p.paths.some((x) =>
      x.startsWith('~') ? (flavor === 'traditional' ? pcreIsMatch(x.slice(1), req.path, true) : rustIsMatch(atcPathRegex(x), req.path)) === true : req.path.startsWith(x),
    );
  };
  const best = parts.find((p) => hostFits(units.get(p.unit)?.hostname, req.host) && pathFits(p)) ?? parts.find((p) => hostFits(units.get(p.unit)?.hostname, req.host)) ?? parts[0];
  return best?.unit ?? null;
}

const exampleOf = (req: HttpRequest): ExampleRequest => ({
  method: req.method,
  host: req.host,
  path: req.path,
  headers: { ...req.headers },
  ...(req.scheme === 'https' ? { scheme: 'https' as const } : {}),
  ...(req.query && Object.keys(req.query).length ? { query: { ...req.query } } : {}),
});

/** Facts about a fields route used to name the rule behind a change of winner. */
function fieldsTraits(r: FieldsEntity) {
  const paths = r.paths ?? [];
  return {
    plainHostOnly: !!r.hosts?.length && r.hosts.every((h) => !h.includes('*')),
    regex: paths.some((p) => p.startsWith('~')),
    plainPath: paths.some((p) => !p.startsWith('~')),
    fields: [r.hosts?.length, r.paths?.length, r.methods?.length, r.headers && Object.keys(r.headers).length, r.snis?.length].filter(Boolean).length,
    headers: r.headers ? Object.keys(r.headers).length : 0,
    regexPriority: r.regex_priority ?? 0,
  };
}

class Findings {
  private readonly list: Finding[] = [];
  private readonly keys = new Set<string>();
  add(f: Finding, key = `${f.rule}|${f.routes.join(',')}|${f.message}`): void {
    if (this.keys.has(key)) return;
    this.keys.add(key);
    this.list.push(f);
  }
  has(rule: string, unit: string): boolean {
    return this.list.some((f) => f.rule === rule && f.routes.includes(unit));
  }
  rulesOf(unit: string): Finding[] {
    return this.list.filter((f) => f.routes.includes(unit) && /^R\d+$/.test(f.rule));
  }
  sorted(): Finding[] {
    return [...this.list].sort(
      (a, b) =>
        SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
        ruleNumber(a.rule) - ruleNumber(b.rule) ||
        // What an object does wrong before the requests that show it.
        (a.example ? 1 : 0) - (b.example ? 1 : 0) ||
        (a.routes[0] ?? '').localeCompare(b.routes[0] ?? '') ||
        a.message.localeCompare(b.message),
    );
  }
}

/** Whether a regex pattern (PCRE/Rust) has upper-case letters outside escapes (R15 a). */
const upperOutsideEscapes = (p: string) => /[A-Z]/.test(p.replace(/\\./g, '').replace(/\[:[a-z]+:\]/g, ''));
/** Upper-case escapes whose meaning inverts once lower-cased (R15 b). */
const upperEscapes = (p: string) => (p.match(/\\[DWSBP]/g) ?? []).filter((x, i, a) => a.indexOf(x) === i);
const REGEX_META = /[.+*?()[\]{}|^$\\]/;

/** Per-route rules that read the objects (R11-R21, R24-R28) and KIC's annotation handling. */
function objectRules(input: JudgeInput, f: Findings): void {
  const { from, to, kic, kong, objects, units } = input;
  const beforeExpr = input.before.shape === 'expressions';
  const afterExpr = input.after.shape === 'expressions';
  const shapeChanges = beforeExpr !== afterExpr;
  const exprSide = afterExpr ? 'under expressions (after)' : 'under the traditional translator (after)';
  // A Kong-level change between the traditional router and the compatible one (fields routes on both sides).
  const tradChanges = !beforeExpr && !afterExpr && (from === 'traditional') !== (to === 'traditional');
  const unitsOf = (o: KubeObject) => unitsOfObject(units, o).map((u) => u.id);
  const all: KubeObject[] = [...objects.ingresses, ...objects.httpRoutes, ...objects.grpcRoutes, ...objects.tlsRoutes, ...objects.tcpRoutes, ...objects.udpRoutes, ...objects.tcpIngresses, ...objects.udpIngresses];

  for (const o of all) {
    const a = annotationsOf(o);
    const ids = unitsOf(o);
    if (!ids.length) continue;
    const name = describeObject(o);
    const gatewayApi = o.kind !== 'Ingress' && o.kind !== 'TCPIngress' && o.kind !== 'UDPIngress';

    // Unknown annotation values: KIC ignores them (or sends what Kong refuses). Not a migration change, but the user should know.
    const rp = regexPriorityOf(a);
    if (rp !== undefined && atoi(rp) === undefined) f.add({ rule: 'KIC', severity: 'info', routes: ids, message: `${name}: konghq.com/regex-priority "${rp}" is not an integer; KIC ignores it (allowed: an integer)`, source: 'ROUTES.md B8' });
    const ph = pathHandlingOf(a);
    if (ph !== undefined && !['v0', 'v1'].includes(ph))
      f.add({ rule: 'KIC', severity: 'info', routes: ids, message: `${name}: konghq.com/path-handling "${ph}" is not v0 or v1; ${VALID_PATH_HANDLING.test(ph) ? 'KIC sends it and Kong refuses the route' : 'KIC ignores it'}`, source: 'ROUTES.md B8' });
    const protocols = protocolsOf(a);
    const badProtocols = protocols.filter((p) => !VALID_PROTOCOLS.has(p));
    if (badProtocols.length) f.add({ rule: 'KIC', severity: 'info', routes: ids, message: `${name}: konghq.com/protocols has unknown ${badProtocols.join(', ')} (allowed: ${[...VALID_PROTOCOLS].join(', ')})`, source: 'ROUTES.md B8' });
    const badMethods = methodsOf(a).filter((m) => !VALID_METHOD.test(m));
    if (badMethods.length) f.add({ rule: 'KIC', severity: 'info', routes: ids, message: `${name}: konghq.com/methods has invalid ${badMethods.join(', ')} (upper-case letters only); the traditional translator ignores the whole annotation, the expressions translator only those values`, source: 'ROUTES.md B8' });
    for (const key of ['strip-path', 'preserve-host']) {
      const v = a[`${PREFIX}${key}`];
      if (v !== undefined && !['true', 'false'].includes(v.toLowerCase())) f.add({ rule: 'KIC', severity: 'info', routes: ids, message: `${name}: konghq.com/${key} "${v}" is not true or false; KIC ignores it`, source: 'ROUTES.md B8' });
    }

    // R11: regex-priority ignored by the expressions translator (B6, B8).
    if (shapeChanges && rp !== undefined && atoi(rp) !== undefined) {
      f.add({
        rule: 'R11',
        severity: afterExpr ? 'dropped' : 'changed',
        routes: ids,
        message: afterExpr
          ? `${name}: konghq.com/regex-priority ${rp} is ignored by KIC's expressions translator, silently; order these routes by their paths instead`
          : `${name}: konghq.com/regex-priority ${rp} takes effect again under the traditional translator`,
        source: 'ROUTES.md B6, B8',
      });
    }
    // R12: path-handling v1 works only under the traditional flavor (A16, B8, B10).
    const ki = kic.major < 3 ? objects.kongIngresses.get(`${o.metadata.namespace ?? 'default'}/${a[`${PREFIX}override`] ?? ''}`) : undefined;
    const kiRoute = (ki as { route?: Record<string, unknown> } | undefined)?.route;
    if ((ph === 'v1' || kiRoute?.path_handling === 'v1') && (from === 'traditional') !== (to === 'traditional')) {
      f.add({
        rule: 'R12',
        severity: 'changed',
        routes: ids,
        message: `${name}: path_handling v1 works only under the traditional flavor; under ${to === 'traditional' ? from : to} Kong composes the upstream path with v0 (a strip_path route keeps or loses a slash); rewrite the upstream paths for v0 before migrating`,
        source: 'ROUTES.md A16, B8, B10',
      });
    }
    // R13: routing annotations on Gateway API routes, and KIC 2.x KongIngress route overrides, are dropped by the expressions translator (B8, B9).
    if (shapeChanges) {
      const ignored = ['methods', 'host-aliases', 'regex-priority', 'path-handling'].filter((k) => a[`${PREFIX}${k}`] !== undefined);
      if (headersOf(a)) ignored.push('headers.*');
      if (gatewayApi && ignored.length) {
        f.add({
          rule: 'R13',
          severity: afterExpr ? 'dropped' : 'changed',
          routes: ids,
          message: afterExpr
            ? `${name}: ${ignored.map((k) => `konghq.com/${k}`).join(', ')} ${ignored.length > 1 ? 'are' : 'is'} ignored ${exprSide}; express them as ${o.kind} matches`
            : `${name}: ${ignored.map((k) => `konghq.com/${k}`).join(', ')} take effect again ${exprSide}`,
          source: 'ROUTES.md B8',
        });
      }
      if (kiRoute && Object.keys(kiRoute).length) {
        f.add({
          rule: 'R13',
          severity: afterExpr ? 'dropped' : 'changed',
          routes: ids,
          message: `${name}: KongIngress ${ki!.metadata.name} route overrides (${Object.keys(kiRoute).sort().join(', ')}) are ${afterExpr ? 'dropped by KIC 2.x with expression routes' : 'applied again'}`,
          source: 'ROUTES.md B9',
        });
      }
    }
    // R14: header values with upper-case letters: case-insensitive in T/C, case-sensitive under expressions (A19-A22, B11).
    const annHeaders = headersOf(a) ?? {};
    const literalHeaderValues: string[] = [];
    for (const [h, vs] of Object.entries(annHeaders)) for (const v of vs) if (!v.startsWith('~*') && v !== v.toLowerCase()) literalHeaderValues.push(`${h}: ${v}`);
    const matchHeaders = routeRules(o).flatMap((r) => arrayOf<Record<string, unknown>>(r?.matches).flatMap((m) => arrayOf<{ name: string; value: string; type?: string }>(m?.headers)));
    for (const h of matchHeaders) if ((h.type ?? 'Exact') === 'Exact' && typeof h.value === 'string' && h.value !== h.value.toLowerCase()) literalHeaderValues.push(`${h.name}: ${h.value}`);
    if (shapeChanges && literalHeaderValues.length && (o.kind === 'Ingress' || gatewayApi)) {
      const old34 = afterExpr && !atLeast(kong, '3.6');
      f.add({
        rule: 'R14',
        severity: 'changed',
        routes: ids,
        message: `${name}: header values ${literalHeaderValues.join(', ')} match case-${afterExpr ? 'insensitively today and case-sensitively under expressions' : 'sensitively today and case-insensitively after'}${old34 ? `; on Kong ${kong.raw} Kong lower-cases request header values, so they never match` : ''}; a client sending the header twice must also match on every instance under expressions`,
        source: 'ROUTES.md A19-A22, B11',
      });
    }
    // R15: header regexes between the traditional router and the compatible one (A19, A20).
    if (tradChanges) {
      const regexHeaders: { name: string; values: string[] }[] = Object.entries(annHeaders).map(([n, vs]) => ({ name: n, values: vs }));
      for (const h of matchHeaders) if (h.type === 'RegularExpression') regexHeaders.push({ name: h.name, values: [`~*${h.value}`] });
      for (const h of regexHeaders) {
        const regexes = h.values.filter((v) => v.startsWith('~*')).map((v) => v.slice(2));
        if (!regexes.length) continue;
        const reasons: string[] = [];
        if (regexes.some(upperOutsideEscapes)) reasons.push('the pattern has upper-case letters: the traditional router matches it against the lower-cased value and never matches, the compatible one lower-cases the pattern too and does');
        const esc = regexes.flatMap(upperEscapes);
        if (esc.length) reasons.push(`${esc.join(' ')} become ${esc.map((e) => e.toLowerCase()).join(' ')} once the compatible router lower-cases the pattern, which inverts their meaning`);
        if (h.values.length > 1) reasons.push('the header lists several values: the traditional router compares "~*..." literally, the compatible one runs it as a regex');
        if (reasons.length)
          f.add({ rule: 'R15', severity: 'changed', routes: ids, message: `${name}: header ${h.name}: ${reasons.join('; ')}`, source: 'ROUTES.md A19, A20 (S7-S9)' });
      }
    }
    // R16: SNIs under expressions: plain HTTP no longer matches; invalid SNIs handled differently (B12).
    const { snis, exists: snisSet } = snisOf(a);
    if (shapeChanges && snisSet && (o.kind === 'Ingress' || o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')) {
      const invalid = snis.filter((s) => !VALID_SNI.test(s));
      const protocolsHttp = !protocols.length || protocols.includes('http') || protocols.includes('grpc');
      const parts: string[] = [];
      if (protocolsHttp && snis.some((s) => VALID_SNI.test(s))) parts.push(afterExpr
            ? 'plain-HTTP requests stop matching it (the expression is a bare tls.sni predicate)'
            : `plain-HTTP requests match it again${to === 'traditional' ? ", unless another route has exactly the request's fields (the traditional router then starts its walk past routes with SNIs)" : ''}`);
      if (invalid.length)
        parts.push(
          `${invalid.join(', ')} ${invalid.length > 1 ? 'are' : 'is'} not a valid SNI for KIC: the traditional translator ignores the whole annotation, the expressions translator drops ${invalid.length > 1 ? 'them' : 'it'}${invalid.length === snis.length ? ' and the route has no SNI check at all' : ''}`,
        );
      if (parts.length) f.add({ rule: 'R16', severity: 'changed', routes: ids, message: `${name}: konghq.com/snis: ${parts.join('; ')}`, source: 'ROUTES.md B12' });
    }
    // R17: protocols without https: under expressions HTTPS requests stop matching (A26, B17).
    if (shapeChanges || (to === 'expressions') !== (from === 'expressions')) {
      const onlyPlain = (ps: string[]) => ps.length > 0 && ((ps.includes('http') && !ps.includes('https')) || (ps.includes('grpc') && !ps.includes('grpcs')));
      if (protocols.every((p) => VALID_PROTOCOLS.has(p)) && onlyPlain(protocols)) {
        f.add({ rule: 'R17', severity: 'changed', routes: ids, message: `${name}: konghq.com/protocols ${protocols.join(',')} has no ${protocols.includes('http') ? 'https' : 'grpcs'}: under expressions every route gets a net.protocol check, so ${protocols.includes('http') ? 'HTTPS' : 'gRPCs'} requests stop matching (under ${from === 'expressions' ? to : from} they matched)`, source: 'ROUTES.md A26' });
      } else if (o.kind === 'HTTPRoute' && protocolsFromListeners(kic)) {
        const lp = listenerProtocols(o, objects);
        if (lp && lp.length === 1 && lp[0] === 'http')
          f.add({ rule: 'R17', severity: 'changed', routes: ids, message: `${name}: its parent Gateway listeners are all HTTP, so KIC ${kic.raw} sends protocols [http]: under expressions HTTPS requests to the same proxy stop matching`, source: 'ROUTES.md A26, B17' });
      }
      // R26: grpc-only or grpcs-only narrows to net.protocol http / https.
      if (protocols.length === 1 && (protocols[0] === 'grpc' || protocols[0] === 'grpcs'))
        f.add({ rule: 'R26', severity: 'changed', routes: ids, message: `${name}: protocols [${protocols[0]}] become net.protocol == "${protocols[0] === 'grpc' ? 'http' : 'https'}" under expressions: ${protocols[0] === 'grpc' ? 'TLS' : 'cleartext'} requests stop matching`, source: 'ROUTES.md A26' });
    }
    // R18: host-aliases the expressions translator cannot express (B13).
    const aliases = hostAliasesOf(a) ?? [];
    if (shapeChanges && aliases.length) {
      const trailing = aliases.filter((h) => h.endsWith('.*'));
      const invalid = aliases.filter((h) => !VALID_HOST.test(h));
      if (trailing.length || invalid.length)
        f.add({
          rule: 'R18',
          severity: 'changed',
          routes: ids,
          message: `${name}: konghq.com/host-aliases ${[...trailing.map((h) => `${h} becomes the literal http.host == "${h}" under expressions and never matches`), ...invalid.map((h) => `${h} is invalid: the traditional translator ignores the whole annotation, the expressions translator drops it`)].join('; ')}`,
          source: 'ROUTES.md B13',
        });
    }
    if (o.kind === 'Ingress' && shapeChanges) {
      const regexPrefix = a[`${PREFIX}regex-prefix`] ?? '/~';
      ingressRules(o).forEach((rule, ri) =>
        rule.paths.forEach((p, pi) => {
          const id = unitsOfObject(units, o).find((u) => u.rule === ri && u.match === pi)?.id;
          if (!id) return;
          // R20: Prefix/Exact text with regex metacharacters: a regex under T/C, literal under E (B4, B5).
          if (p.pathType !== 'ImplementationSpecific' && REGEX_META.test(p.path))
            f.add({ rule: 'R20', severity: 'changed', routes: [id], message: `${name}: ${p.pathType} path ${p.path} has regex metacharacters: the traditional translator sends it unescaped inside a regex (so ${p.path} also matches other paths${/[(\[]/.test(p.path) ? ', or the regex does not compile' : ''}), the expressions translator matches it literally`, source: 'ROUTES.md B4, B5' });
          // R21: legacy regex detection (B4, B5).
          if (objects.legacyRegexDetection && p.pathType === 'ImplementationSpecific' && !p.path.startsWith(regexPrefix) && !/^[a-zA-Z0-9.\-_~/%]*$/.test(p.path))
            f.add({ rule: 'R21', severity: 'changed', routes: [id], message: `${name}: path ${p.path} is a regex under the traditional translator (IngressClassParameters enableLegacyRegexDetection) and a literal prefix under expressions; write it as ${regexPrefix}${p.path} to keep it a regex`, source: 'ROUTES.md B4, B5' });
        }),
      );
    }
    if ((o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute') && shapeChanges) {
      routeRules(o).forEach((rule, ri) =>
        arrayOf<Record<string, unknown>>(rule?.matches).forEach((m, mi) => {
          const ruleIds = unitsOfObject(units, o).filter((u) => u.rule === ri && u.match === mi).map((u) => u.id);
          const path = (m?.path ?? {}) as { type?: string; value?: string };
          if (o.kind === 'HTTPRoute') {
            // R19: PathPrefix with a trailing slash (B14, B15).
            if ((path.type ?? 'PathPrefix') === 'PathPrefix' && path.value && path.value !== '/' && path.value.endsWith('/'))
              f.add({ rule: 'R19', severity: 'changed', routes: ruleIds, message: `${name}: PathPrefix ${path.value}: ${path.value.slice(0, -1)} itself does not match under the traditional translator and does under expressions`, source: 'ROUTES.md B14, B15' });
            // R20: Exact/PathPrefix values with regex metacharacters.
            if ((path.type ?? 'PathPrefix') !== 'RegularExpression' && path.value && REGEX_META.test(path.value))
              f.add({ rule: 'R20', severity: 'changed', routes: ruleIds, message: `${name}: ${path.type ?? 'PathPrefix'} ${path.value} has regex metacharacters: a regex under the traditional translator, literal under expressions`, source: 'ROUTES.md B14, B15' });
          } else {
            const method = (m?.method ?? {}) as { type?: string; service?: string; method?: string };
            if ((method.type ?? 'Exact') === 'Exact' && method.method)
              f.add({ rule: 'R25', severity: 'changed', routes: ruleIds, message: `${name}: method ${method.service ?? '*'}/${method.method} is a prefix under the traditional translator (no $: it also matches ${method.method}X) and exact under expressions`, source: 'ROUTES.md B18, B19' });
            if (arrayOf<{ type?: string; name?: string }>(m?.headers).some((h) => h?.type === 'RegularExpression'))
              f.add({ rule: 'R25', severity: 'changed', routes: ruleIds, message: `${name}: RegularExpression header matches are compared literally by the traditional translator and as regexes under expressions`, source: 'ROUTES.md B18, B19' });
          }
        }),
      );
      if (o.kind === 'GRPCRoute' && hostnamesOf(o).length === 0)
        f.add({ rule: 'R25', severity: 'changed', routes: ids, message: `${name}: no spec.hostnames: the traditional translator restricts it to the Gateway listeners' hostnames, the expressions translator to nothing (it matches every host)`, source: 'ROUTES.md B18, B19' });
    }
    // R24 (wildcards) and R16's TLSRoute variant (underscores, trailing dots): hostnames that are not valid SNIs
    // for KIC. The traditional translator copies them into `snis` as written (translate_routes_helpers.go@v3.5.13
    // tlsRouteToKongRoute); the expressions translator drops them one by one (l4route_atc.go sniMatcherFromSNIs). With
    // none left it sends an empty expression and no SNIs: Kong's schema reads "" as no expression (schema/init.lua@3.9.3
    // process_auto_fields), accepts a route with no matcher at all (routes.lua validate_route), and its router gets ""
    // for it (transform.lua get_expression, stream branch), which atc-router cannot parse (src/atc_grammar.pest@25a34f0:
    // `matcher = { SOI ~ expression ~ EOI }`, an expression needs a term): the route is left out of the router with
    // an error log (atc.lua new_from_scratch), so the TLSRoute stops routing.
    if (o.kind === 'TLSRoute' && shapeChanges) {
      const hostnames = hostnamesOf(o);
      const invalid = hostnames.filter((h) => !VALID_SNI.test(h));
      const valid = hostnames.filter((h) => VALID_SNI.test(h));
      for (const [rule, list] of [
        ['R24', invalid.filter((h) => h.includes('*'))],
        ['R16', invalid.filter((h) => !h.includes('*'))],
      ] as const) {
        if (!list.length) continue;
        const what = `${rule === 'R24' ? 'wildcard hostnames' : 'hostnames that are not valid SNIs (underscore, trailing dot)'} ${list.join(', ')}`;
        f.add({
          rule,
          severity: 'changed',
          routes: ids,
          message: afterExpr
            ? `${name}: ${what} are dropped by KIC's expressions translator${valid.length ? `: only ${valid.join(', ')} still match` : ': no SNI is left, so KIC sends an empty expression, which Kong cannot add to its router: the TLSRoute stops routing'}`
            : `${name}: ${what} come back as route SNIs under the traditional translator, which copies hostnames as written${rule === 'R24' ? ' (the traditional flavor refuses wildcard SNIs; traditional_compatible accepts them from Kong 3.7)' : ''}`,
          source: rule === 'R24' ? 'ROUTES.md A24, B12, B20' : 'ROUTES.md B12, B20',
        });
      }
    }
    // R28: mTLS plugins scoped by the route's SNIs (B25).
    if (shapeChanges && snisSet && snis.length) {
      const mtls = (a[`${PREFIX}plugins`] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((p) => objects.plugins.get(`${o.metadata.namespace ?? 'default'}/${p}`) ?? objects.plugins.get(p))
        .filter((p): p is KubeObject => !!p && ['mtls-auth', 'tls-handshake-modifier'].includes(String((p as { plugin?: unknown }).plugin)));
      if (mtls.length)
        f.add({ rule: 'R28', severity: 'info', routes: ids, message: `${name}: ${mtls.map((p) => `${(p as { plugin?: string }).plugin} (${p.kind} ${p.metadata.name})`).join(', ')} ${afterExpr ? 'request client certificates on every SNI once the SNIs live inside the expression' : 'are limited to the route SNIs again'} [INF]`, source: 'ROUTES.md B25' });
    }
  }
  // R27: Knative Services are not translated by KIC 2.x with expression routes (B20).
  if (afterExpr && kic.major < 3) for (const k of objects.knative) f.add({ rule: 'R27', severity: 'rejected', routes: [], message: `${describeObject(k)}: KIC ${kic.raw} does not translate Knative objects with expression routes`, source: 'ROUTES.md B20' });
}

/** Names the rule behind a change of winner between two routes that both still match. */
/**
 * Whether the traditional router picked `winner` although `other`, which matches the request
 * too, comes first in its own category: only the reducer does that (the first matching regex of
 * the whole router narrows the candidates to the routes with that regex, ROUTES.md A11, R7).
 */
function reducerPicked(router: Router, winner: KongRoute, other: KongRoute): boolean {
  if (!('sorted' in router)) return false;
  const sorted = (router as TraditionalRouter).sorted;
  let first = firstEntries.get(router);
  if (!first) {
    first = new Map();
    sorted.forEach((e, i) => first!.has(e.route) || first!.set(e.route, i));
    firstEntries.set(router, first);
  }
  const w = first.get(winner);
  const o = first.get(other);
  return w !== undefined && o !== undefined && o < w && sorted[o].key.matchRules === sorted[w].key.matchRules;
}

/** Per traditional router: each route's first position in its sorted list. */
const firstEntries = new WeakMap<Router, Map<KongRoute, number>>();

function priorityRule(
  input: JudgeInput,
  b: KongRoute,
  a: KongRoute,
  bAfter: KongRoute | undefined,
  aBefore: KongRoute | undefined,
  reducer: boolean,
): { rule: string; why: string; source: string } {
  const afterExpr = input.after.shape === 'expressions';
  const beforeExpr = input.before.shape === 'expressions';
  if (afterExpr !== beforeExpr) {
    const kinds = [b.kind, a.kind];
    const exprWinner = afterExpr ? a : b;
    const regexPriorityUsed = [b, a].some((r) => r.shape === 'fields' && ((r.entity as FieldsEntity).regex_priority ?? 0) !== 0 && ((r.entity as FieldsEntity).paths ?? []).some((p) => p.startsWith('~')));
    if (kinds.includes('Ingress') && kinds.some((k) => k === 'HTTPRoute' || k === 'GRPCRoute'))
      return { rule: 'R9', why: `under expressions an Ingress route always outranks an HTTPRoute/GRPCRoute route (resource-kind bits); ${exprWinner.kind === 'Ingress' ? 'the Ingress now wins' : 'the Ingress no longer wins'}`, source: 'ROUTES.md B7' };
    if (kinds.every((k) => k === 'HTTPRoute' || k === 'GRPCRoute')) return { rule: 'R10', why: 'under expressions KIC orders HTTPRoute matches by Gateway API precedence (hostname, Exact over PathPrefix, path length, method, headers, queries, then age and name); traditional routes follow Kong\'s own rules', source: 'ROUTES.md B15, B16' };
    if (regexPriorityUsed) return { rule: 'R11', why: 'konghq.com/regex-priority decided it before; the expressions translator ignores it', source: 'ROUTES.md B6, B8' };
    return { rule: 'R8', why: 'KIC\'s Ingress expression priority counts Prefix and Exact paths as regex paths, which outrank longer plain paths', source: 'ROUTES.md B6 (S12)' };
  }
  const fb = (bAfter ?? b).entity;
  const fa = (aBefore ?? a).entity;
  if (isExpressionEntity(fb) || isExpressionEntity(fa)) return { rule: 'priority', why: 'the priorities of the two flavors order them differently', source: 'ROUTES.md A5, A9' };
  const tb = fieldsTraits(fb);
  const ta = fieldsTraits(fa);
  const weird = (t: ReturnType<typeof fieldsTraits>) => t.regex && (t.regexPriority < 0 || t.regexPriority >= 4096);
  if (weird(ta) || weird(tb)) return { rule: 'R3', why: 'a regex route with regex_priority below 0 or from 4096 up gets bit 63 under traditional_compatible (LuaJIT 32-bit shift) and outranks every other route', source: 'ROUTES.md A5, A7 (S3, S4)' };
  if ((ta.regex || tb.regex) && (ta.regexPriority >= 1024 || tb.regexPriority >= 1024 || ((ta.regexPriority >= 2 || tb.regexPriority >= 2) && ta.headers !== tb.headers)))
    return { rule: 'R4', why: 'regex_priority is shifted into the header-count (and match-weight) bits under traditional_compatible, so it outweighs headers', source: 'ROUTES.md A5 (S5)' };
  if (reducer)
    return {
      rule: 'R7',
      why: `the traditional router ${input.from === 'traditional' ? 'picked' : 'picks'} a route its own order ranks lower: it narrows the candidates to the routes of the first matching regex of the whole router (another host's regex_priority included)`,
      source: 'ROUTES.md A11 (S11)',
    };
  if (ta.fields >= 4 && tb.fields >= 4 && !ta.plainHostOnly && !tb.plainHostOnly && !ta.regex && !tb.regex)
    return { rule: 'R5', why: 'routes with 4 or more fields, no plain-host-only and no regex collapse to the same priority (0x8000000000000000) under traditional_compatible: header count and path length stop mattering, the larger UUID wins', source: 'ROUTES.md A8 (S6)' };
  if (ta.plainHostOnly !== tb.plainHostOnly) return { rule: 'R1', why: 'under traditional_compatible a route with plain hosts only outranks one without (bit 60), whatever the number of fields; traditional counts fields first', source: 'ROUTES.md A5, A6 (S1)' };
  if (ta.regex !== tb.regex) return { rule: 'R2', why: 'under traditional_compatible a regex path outranks a plain path (bit 51) even when the plain route has more fields; traditional counts fields first', source: 'ROUTES.md A5, A6 (S2)' };
  return { rule: 'priority', why: 'the two flavors order these routes differently', source: 'ROUTES.md A3, A5' };
}

/** Judges the translations of the objects for the migration `from` -> `to`. */
export function judgeRoutes(input: JudgeInput): Judgement {
  const { from, to, kong, units, before, after } = input;
  const unitMap = new Map(units.map((u) => [u.id, u]));
  const routeOfUnit = (t: Translation) => {
    const m = new Map<string, KongRoute>();
    for (const r of t.routes) for (const p of r.parts) if (!m.has(p.unit)) m.set(p.unit, r);
    return m;
  };
  const beforeOf = routeOfUnit(before);
  const afterOf = routeOfUnit(after);
  const routes: RouteEntry[] = units.map((u) => ({ id: u.id, object: u.objectName, rule: u.rule, before: beforeOf.get(u.id)?.entity ?? null, after: afterOf.get(u.id)?.entity ?? null }));
  const f = new Findings();

  // KIC's own refusals under the target translator.
  const beforeFailed = new Set(before.failures.flatMap((x) => x.units));
  for (const fail of after.failures) {
    const already = fail.units.length > 0 && fail.units.every((u) => beforeFailed.has(u));
    f.add({ rule: fail.rule, severity: already ? 'info' : 'rejected', routes: fail.units, message: `${fail.object}: ${fail.message}${already ? ' (today too)' : ''}`, source: fail.source });
  }

  // Kong's refusals of route content under the target flavor.
  const refusedAfter = new Set<KongRoute>();
  const refusedByTo = configurationRefusals(after.routes, to, kong);
  const refusedByFrom = configurationRefusals(before.routes, from, kong);
  for (const r of after.routes) {
    const rs = refusedByTo.get(r) ?? [];
    if (!rs.length) continue;
    refusedAfter.add(r);
    const unitsOfRoute = r.parts.map((p) => p.unit);
    const old = unitsOfRoute.map((u) => beforeOf.get(u)).find((x) => x);
    const refusedToday = old ? (refusedByFrom.get(old) ?? []).map((x: Refusal) => x.reason) : [];
    for (const x of rs) {
      const today = refusedToday.includes(x.reason);
      f.add({
        rule: x.rule,
        severity: 'rejected',
        routes: unitsOfRoute,
        message: `${unitsOfRoute.map((u) => unitMap.get(u)?.objectName).filter((v, i, a) => v && a.indexOf(v) === i).join(', ')}: ${to} gateways on Kong ${kong.raw} refuse route ${r.entity.name}: ${x.reason}${today ? ` (${from} refuses it today too)` : ''}; a DB-less gateway then refuses the whole configuration`,
        source: `ROUTES.md ${x.facts}`,
      });
    }
  }
  objectRules(input, f);

  // Winners, request by request.
  const refusedBefore = new Set(refusedByFrom.keys());
  const beforeRouter = routerFor(from, before.routes.filter((r) => !refusedBefore.has(r)), kong, input.splitId);
  const afterRouter = routerFor(to, after.routes.filter((r) => !refusedAfter.has(r)), kong, input.splitId);
  // One translation for both flavors (traditional <-> traditional_compatible, B3): its requests once.
  const requests = exampleRequests(after === before ? [before.routes] : [before.routes, after.routes]);
  const seenPairs = new Set<string>();
  const tieReported = new Set<string>();
  for (const req of requests) {
    const sb = beforeRouter.select(req);
    const sa = afterRouter.select(req);
    const ub = unitOf(sb, req, from, kong, unitMap);
    const ua = unitOf(sa, req, to, kong, unitMap);
    // Built only for the requests a finding shows.
    const example = () => ({ request: exampleOf(req), before: ub, after: ua });
    // R6: ties on every priority criterion (A9, B24).
    for (const [sel, flavor, unit] of sa?.tiedWith || sb?.tiedWith
      ? ([
          [sa, to, ua],
          [sb, from, ub],
        ] as const)
      : []) {
      if (!sel?.tiedWith || !unit) continue;
      const other = sel.tiedWith.parts[0]?.unit;
      const key = [unit, other].sort().join('|');
      if (!other || tieReported.has(key)) continue;
      tieReported.add(key);
      f.add({
        rule: 'R6',
        severity: 'changed',
        routes: [unit, other].sort(),
        message: `${unitMap.get(unit)?.objectName} and ${unitMap.get(other)?.objectName} tie on every priority criterion under ${flavor}: ${flavor === 'traditional' ? 'the oldest created_at wins, which in DB-less mode is the load order' : 'the larger route UUID wins (derived from the route names)'}; the winner is undefined and may flip during the migration: make the routes differ`,
        source: 'ROUTES.md A9, B24',
        example: example(),
      });
    }
    if (ub === ua) continue;
    const pair = `${ub}>${ua}`;
    if (seenPairs.has(pair)) continue;
    seenPairs.add(pair);
    const bRoute = sb?.route;
    const aRoute = sa?.route;
    const bAfter = ub ? afterOf.get(ub) : undefined;
    const aBefore = ua ? beforeOf.get(ua) : undefined;
    const stillMatches = !!(bAfter && !refusedAfter.has(bAfter) && afterRouter.matches(bAfter, req));
    const matchedBefore = !!(aBefore && beforeRouter.matches(aBefore, req));
    const ids = [ub, ua].filter((x): x is string => !!x);
    const who = (u: string | null) => (u ? `${unitMap.get(u)?.objectName} (${u})` : 'no route (404)');
    if (bRoute && aRoute && stillMatches && matchedBefore) {
      // The traditional side's reducer (A11): it picked a route its own order ranks below the other winner.
      const reducer = (from === 'traditional' && !!aBefore && reducerPicked(beforeRouter, bRoute, aBefore)) || (to === 'traditional' && !!bAfter && reducerPicked(afterRouter, aRoute, bAfter));
      const { rule, why, source } = priorityRule(input, bRoute, aRoute, bAfter, aBefore, reducer);
      f.add({ rule, severity: 'changed', routes: ids, message: `${req.method} ${req.host}${req.path} goes to ${who(ua)} under ${to} instead of ${who(ub)}: ${why}`, source, example: example() }, `${rule}|${pair}`);
      continue;
    }
    // A route stopped or started matching: name the per-route rule of that route when there is one.
    const changedUnit = !stillMatches && ub ? ub : ua;
    const explained = changedUnit ? f.rulesOf(changedUnit).filter((x) => x.severity !== 'info') : [];
    const rule = explained[0]?.rule ?? 'matching';
    const what = !stillMatches && ub ? `${who(ub)} no longer matches it under ${to}` : `${who(ua)} matches it under ${to} and did not under ${from}`;
    f.add(
      {
        rule,
        severity: refusedAfter.has(bAfter!) ? 'rejected' : 'changed',
        routes: ids,
        message: `${req.method} ${req.host}${req.path}: ${what}; it goes to ${who(ua)} instead of ${who(ub)}${explained[0] ? ` (see the ${explained[0].rule} finding of ${unitMap.get(changedUnit!)?.objectName})` : ''}`,
        source: explained[0]?.source ?? 'ROUTES.md A12-A26, B4-B19',
        example: example(),
      },
      `${rule}|${pair}`,
    );
  }
  return { routes, findings: f.sorted() };
}
