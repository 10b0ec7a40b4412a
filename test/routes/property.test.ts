/**
 * Property tests of the route report on random sets of Ingresses and HTTPRoutes (issue 11):
 *
 * - `routes` never crashes, and its report is well formed, whatever the objects (bad regexes and
 *   annotation values included);
 * - the winners a finding states for its example request are the routes the tool's own routers
 *   pick for that request;
 * - the indexed routers pick what a brute force picks: for the ATC flavors the first entry (by
 *   priority, then ID) whose expression holds; for traditional a route that matches, in the best
 *   category that holds a matching route, and none only when no route matches;
 * - with ../shared present, Kong 3.9.3's own router code (luajit) picks the same winners on the
 *   fields routes KIC's traditional translator makes of them.
 *
 * Seeded, so every run checks the same sets. No timing assertions (speed is `npm run bench`).
 */
import fc from 'fast-check';
import { Flavor, FLAVORS } from '../../src/model/flavor';
import { parseVersion } from '../../src/model/version';
import { refusals } from '../../src/routes/acceptance';
import { atcContext, atcEntries } from '../../src/routes/atcRouter';
import { evaluate } from '../../src/routes/expression';
import { routeReport } from '../../src/routes';
import { routerFor } from '../../src/routes/judge';
import { routeUnits } from '../../src/routes/objects';
import { DEFAULT_GATEWAY_CONTROLLER, DEFAULT_INGRESS_CLASS, readRoutingObjects } from '../../src/routes/read';
import { HttpRequest } from '../../src/routes/request';
import { exampleRequests } from '../../src/routes/requests';
import { traditionalRouter } from '../../src/routes/traditionalRouter';
import { translate } from '../../src/routes/translate';
import { ExampleRequest, FieldsEntity, RouteShape } from '../../src/routes/types';
import { KIC_34, KONG_39, OracleRoute, luajitMissing, oracle, oracleSplitId, sharedPresent } from './helpers';

type Obj = Record<string, unknown>;
const SEED = 20241130;

const GATEWAY: Obj[] = [
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'kong' }, spec: { controllerName: DEFAULT_GATEWAY_CONTROLLER } },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'kong', namespace: 'kong' }, spec: { gatewayClassName: 'kong', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }, { name: 'https', protocol: 'HTTPS', port: 443 }] } },
];

const HOSTS = ['a.test', 'b.test', '*.test', 'c.example'];
const INGRESS_PATHS: [string, string][] = [
  ['/', 'Prefix'],
  ['/api', 'Prefix'],
  ['/api/v1', 'Prefix'],
  ['/api/v1', 'Exact'],
  ['/api/v1/users', 'ImplementationSpecific'],
  ['/static', 'ImplementationSpecific'],
  ['/~/api/v[0-9]+$', 'ImplementationSpecific'],
  ['/~/api/.*', 'ImplementationSpecific'],
  ['/~/(a|b)/x', 'ImplementationSpecific'],
];
/** Input a user may get wrong: what the report must survive (a finding, never a crash). */
const JUNK_PATHS: [string, string][] = [
  ['/~/api/(x', 'ImplementationSpecific'],
  ['/~/api/(?!internal)', 'ImplementationSpecific'],
  ['/v1.0/(x', 'Prefix'],
  ['/a//b', 'ImplementationSpecific'],
  ['/%zz', 'ImplementationSpecific'],
];
const HTTP_PATHS = [
  { type: 'PathPrefix', value: '/api' },
  { type: 'PathPrefix', value: '/api/' },
  { type: 'Exact', value: '/api/v1' },
  { type: 'PathPrefix', value: '/' },
  { type: 'RegularExpression', value: '/api/v[0-9]+' },
  { type: 'RegularExpression', value: '/static/.*' },
];

const option = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const ingressArb = (junk: boolean) =>
  fc.record({
    host: fc.constantFrom(...HOSTS, ''),
    paths: fc.array(fc.constantFrom(...INGRESS_PATHS, ...(junk ? JUNK_PATHS : [])), { minLength: 1, maxLength: 3 }),
    methods: option(fc.constantFrom('GET', 'POST', 'GET,POST', ...(junk ? ['get!'] : []))),
    header: option(fc.constantFrom('prod', 'Prod', '~*^pr', ...(junk ? ['~*(', 'dev,~*^pr'] : []))),
    regexPriority: option(fc.constantFrom('-5', '0', '3', '5000', ...(junk ? ['high'] : []))),
    protocols: option(fc.constantFrom('http', 'https', 'http,https', ...(junk ? ['grpc', 'ftp'] : []))),
    snis: option(fc.constantFrom('a.test', ...(junk ? ['*.test'] : []))),
  });

const httpMatchArb = fc.record({
  path: option(fc.constantFrom(...HTTP_PATHS)),
  method: option(fc.constantFrom('GET', 'POST')),
  header: option(fc.record({ name: fc.constantFrom('x-env', 'x-team'), value: fc.constantFrom('prod', 'a', 'Prod'), type: fc.constantFrom('Exact', 'RegularExpression') })),
});

const httpRouteArb = fc.record({
  hostnames: fc.subarray(['a.test', 'b.test', '*.test'], { maxLength: 2 }),
  rules: fc.array(fc.array(httpMatchArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }),
});

/** A random routing set: Ingresses and HTTPRoutes (one header name per route: see the oracle test), plus the Gateway. */
const objectsArb = (junk: boolean) =>
  fc.tuple(fc.array(ingressArb(junk), { maxLength: 7 }), fc.array(httpRouteArb, { maxLength: 5 })).map(([ings, routes]) => {
    const objects: Obj[] = [...GATEWAY];
    ings.forEach((g, i) => {
      const annotations: Record<string, string> = {};
      if (g.methods) annotations['konghq.com/methods'] = g.methods;
      if (g.header) annotations['konghq.com/headers.x-env'] = g.header;
      if (g.regexPriority) annotations['konghq.com/regex-priority'] = g.regexPriority;
      if (g.protocols) annotations['konghq.com/protocols'] = g.protocols;
      if (g.snis) annotations['konghq.com/snis'] = g.snis;
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: `ing${i}`, namespace: 'default', annotations, creationTimestamp: `2024-01-01T00:00:${String(i).padStart(2, '0')}Z` },
        spec: { ingressClassName: 'kong', rules: [{ ...(g.host ? { host: g.host } : {}), http: { paths: g.paths.map(([path, pathType], j) => ({ path, pathType, backend: { service: { name: `svc${i}-${j % 2}`, port: { number: 80 } } } })) } }] },
      });
    });
    routes.forEach((r, i) => {
      objects.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: `hr${i}`, namespace: 'default', creationTimestamp: `2024-01-01T00:01:${String(i).padStart(2, '0')}Z` },
        spec: {
          parentRefs: [{ name: 'kong', namespace: 'kong' }],
          hostnames: r.hostnames,
          rules: r.rules.map((matches, ri) => ({
            matches: matches.map((m) => ({ ...(m.path ? { path: m.path } : {}), ...(m.method ? { method: m.method } : {}), ...(m.header ? { headers: [m.header] } : {}) })),
            backendRefs: [{ name: `hr${i}-${ri}`, port: 80 }],
          })),
        },
      });
    });
    return objects;
  });

const CLASSES = { ingressClass: DEFAULT_INGRESS_CLASS, gatewayControllerName: DEFAULT_GATEWAY_CONTROLLER };
const shapeOf = (flavor: Flavor): RouteShape => (flavor === 'expressions' ? 'expressions' : 'fields');

/** KIC 3.4's translation of the objects for a flavor, and the router of that flavor over the routes it accepts (as the judge builds it). */
function routed(objects: Obj[], flavor: Flavor, splitId?: (id: string, i: number) => string) {
  const read = readRoutingObjects(objects as never, CLASSES);
  const t = translate(read, routeUnits(read), shapeOf(flavor), { kic: KIC_34, kong: KONG_39 });
  const accepted = t.routes.filter((r) => refusals(r, flavor, KONG_39).length === 0);
  return { routes: t.routes, accepted, router: routerFor(flavor, accepted, KONG_39, splitId) };
}

const httpRequest = (r: ExampleRequest): HttpRequest => ({ method: r.method, host: r.host, path: r.path, headers: r.headers, scheme: r.scheme ?? 'http', ...(r.query ? { query: r.query } : {}) });
const PAIRS = FLAVORS.flatMap((from) => FLAVORS.filter((to) => to !== from).map((to) => [from, to] as const));
const RUNS = { numRuns: 40, seed: SEED };

describe('route report properties (random Ingress and HTTPRoute sets)', () => {
  test('routes never crashes, whatever the input, and its report is well formed JSON', () => {
    fc.assert(
      fc.property(objectsArb(true), fc.constantFrom(...PAIRS), fc.constantFrom('3.4.1', '3.6.1', '3.9.1'), fc.constantFrom('2.12.0', '3.0.0', '3.4.0'), (objects, [from, to], kong, kic) => {
        const report = routeReport({ objects: objects as never, from, to, kong: parseVersion(kong)!, kic: parseVersion(kic)! });
        expect(JSON.parse(JSON.stringify(report))).toEqual(report);
        const ids = new Set(report.routes.map((r) => r.id));
        for (const f of report.findings) {
          expect(['rejected', 'changed', 'dropped', 'info']).toContain(f.severity);
          for (const id of f.routes) expect(ids.has(id)).toBe(true);
          if (f.example) for (const u of [f.example.before, f.example.after]) if (u !== null) expect(ids.has(u)).toBe(true);
        }
      }),
      { ...RUNS, numRuns: 60 },
    );
  });

  test("the winners a finding states for its example request are those the tool's routers pick", () => {
    fc.assert(
      fc.property(objectsArb(false), fc.constantFrom(...PAIRS), (objects, [from, to]) => {
        const report = routeReport({ objects: objects as never, from, to, kong: KONG_39, kic: KIC_34 });
        const before = routed(objects, from);
        const after = routed(objects, to);
        const entity = (unit: string | null, side: 'before' | 'after') => (unit === null ? null : (report.routes.find((r) => r.id === unit)![side] as { name: string }).name);
        for (const f of report.findings) {
          if (!f.example) continue;
          const req = httpRequest(f.example.request);
          expect({ finding: f.message, before: before.router.select(req)?.route.entity.name ?? null, after: after.router.select(req)?.route.entity.name ?? null }).toEqual({
            finding: f.message,
            before: entity(f.example.before, 'before'),
            after: entity(f.example.after, 'after'),
          });
        }
      }),
      RUNS,
    );
  });

  test('the ATC routers pick the first entry, by priority then ID, whose expression holds', () => {
    fc.assert(
      fc.property(objectsArb(false), fc.constantFrom<Flavor>('traditional_compatible', 'expressions'), (objects, flavor) => {
        const { accepted, router } = routed(objects, flavor);
        const entries = atcEntries(accepted, { flavor: flavor as Exclude<Flavor, 'traditional'>, kong: KONG_39 });
        for (const req of exampleRequests([accepted])) {
          const ctx = atcContext(req, KONG_39);
          const expected = entries.find((e) => !e.matcher || evaluate(e.matcher, ctx));
          const got = router.select(req);
          expect({ req, route: got?.route.entity.name, paths: got?.paths }).toEqual({ req, route: expected?.route.entity.name, paths: expected?.paths });
        }
      }),
      RUNS,
    );
  });

  test('the traditional router picks a route that matches the request on its own, and finds one whenever a route without SNIs matches', () => {
    fc.assert(
      fc.property(objectsArb(false), (objects) => {
        const { accepted } = routed(objects, 'traditional');
        const router = traditionalRouter(accepted);
        for (const req of exampleRequests([accepted])) {
          const got = router.select(req)?.route;
          if (got) expect({ req, got: got.entity.name, matches: router.matches(got, req) }).toEqual({ req, got: got.entity.name, matches: true });
          // Kong starts its walk at the request's own category (traditional.lua find_match). A request hits every
          // field of a route that matches it except SNIs over plain HTTP, so only a route with SNIs can be walked past.
          const reachable = accepted.filter((r) => !(r.entity as FieldsEntity).snis?.length && router.matches(r, req));
          if (reachable.length) expect({ req, found: got !== undefined }).toEqual({ req, found: true });
        }
      }),
      RUNS,
    );
  });
});

const missing = sharedPresent ? luajitMissing() : undefined;

(sharedPresent ? describe : describe.skip)("Kong 3.9.3's router code on KIC's fields routes of random Ingress and HTTPRoute sets (../shared/kong-router)", () => {
  test('traditional and traditional_compatible: every example request has the oracle winners', () => {
    if (missing) throw new Error(missing);
    fc.assert(
      fc.property(objectsArb(false), (objects) => {
        const { accepted } = routed(objects, 'traditional');
        const trad = routerFor('traditional', accepted, KONG_39);
        const compat = routerFor('traditional_compatible', accepted, KONG_39, oracleSplitId);
        const routes: OracleRoute[] = accepted.map((r) => {
          const e = r.entity as FieldsEntity;
          return { name: e.name, id: r.id, ...(e.hosts ? { hosts: [...e.hosts] } : {}), ...(e.paths ? { paths: [...e.paths] } : {}), ...(e.methods ? { methods: [...e.methods] } : {}), ...(e.headers ? { headers: { ...e.headers } as Record<string, string[]> } : {}), ...(e.regex_priority !== undefined ? { regex_priority: e.regex_priority } : {}), ...(e.snis ? { snis: [...e.snis] } : {}) };
        });
        // Plain HTTP requests (the oracle has no scheme), one header name each.
        const requests = exampleRequests([accepted]).filter((q) => q.scheme === 'http' && !q.query);
        const expected = oracle(routes, requests.map((q) => ({ method: q.method, host: q.host, path: q.path, headers: { ...q.headers } })));
        const actual = requests.map((q) => ({ traditional: trad.select(q)?.route.entity.name ?? null, traditional_compatible: compat.select(q)?.route.entity.name ?? null }));
        const diffs = requests
          .map((q, i) => ({ q, expected: expected[i], actual: actual[i] }))
          .filter((d) => d.expected.traditional !== d.actual.traditional || d.expected.traditional_compatible !== d.actual.traditional_compatible);
        expect(diffs.slice(0, 3)).toEqual([]);
      }),
      { numRuns: 12, seed: SEED },
    );
  });
});

if (!sharedPresent) {
  test('oracle property skipped: ../shared/kong-router is absent (CI clean clone)', () => {
    expect(sharedPresent).toBe(false);
  });
}
