/**
 * The ported routers against Kong 3.9.3's own router code (../shared/kong-router/judge.lua under
 * LuaJIT): on the ROUTES.md scenarios and on generated route sets, every request's winner under
 * traditional and traditional_compatible must be the oracle's. Skips without ../shared (CI's
 * clean clone); fails when ../shared is there and luajit is not (.ci/run installs it).
 */
import { atcRouter } from '../../src/routes/atcRouter';
import { seededRandom } from '../../src/routes/regex';
import { exampleRequests } from '../../src/routes/requests';
import { traditionalRouter } from '../../src/routes/traditionalRouter';
import { KONG_39, OracleRequest, OracleRoute, SCENARIOS, kongRoute, luajitMissing, oracle, oracleSplitId, sharedPresent, toHttp } from './helpers';

const port = (routes: OracleRoute[], requests: OracleRequest[]) => {
  const ks = routes.map(kongRoute);
  const t = traditionalRouter(ks);
  const c = atcRouter(ks, { flavor: 'traditional_compatible', kong: KONG_39, splitId: oracleSplitId });
  return requests.map((q) => ({ traditional: t.select(toHttp(q))?.route.entity.name ?? null, traditional_compatible: c.select(toHttp(q))?.route.entity.name ?? null }));
};

/** A random fields route set over a few hosts, paths, methods, headers and regex priorities. */
function randomRoutes(seed: number, n: number): OracleRoute[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const some = <T>(xs: readonly T[], p: number) => xs.filter(() => rnd() < p);
  const hosts = ['a.test', 'b.test', '*.test', 'c.example'];
  const paths = ['/', '/api', '/api/', '/api/v1', '/api/v1/users', '~/api/v[0-9]+$', '~/api/.*', '~/.*', '~/api/v1/users/[0-9]+$', '/static'];
  const routes: OracleRoute[] = [];
  for (let i = 0; i < n; i++) {
    const r: OracleRoute = { name: `r${i}`, id: `00000000-0000-0000-0000-${String(1 + Math.floor(rnd() * 999999)).padStart(12, '0')}` };
    if (rnd() < 0.7) r.hosts = some(hosts, 0.4).length ? some(hosts, 0.4) : [pick(hosts)];
    if (rnd() < 0.85) r.paths = [...new Set([pick(paths), ...(rnd() < 0.3 ? [pick(paths)] : [])])];
    if (rnd() < 0.25) r.methods = [pick(['GET', 'POST'])];
    // One header name per route: Kong's traditional router indexes header names in `pairs()` order,
    // which LuaJIT does not fix for a table with several names (it picks hits.header_name from it).
    if (rnd() < 0.25) r.headers = rnd() < 0.5 ? { 'x-env': [pick(['prod', 'dev'])] } : { 'x-team': [pick(['a', 'b'])] };
    if (rnd() < 0.3) r.regex_priority = pick([-5, 0, 1, 3, 4096, 10]);
    if (!r.hosts && !r.paths && !r.methods && !r.headers) r.paths = ['/'];
    routes.push(r);
  }
  // Distinct ids (atc-router refuses duplicates).
  const seen = new Set<string>();
  routes.forEach((r, i) => {
    while (seen.has(r.id)) r.id = `00000000-0000-0000-0001-${String(i).padStart(12, '0')}`;
    seen.add(r.id);
  });
  return routes;
}

function requestsFor(routes: OracleRoute[]): OracleRequest[] {
  const fromRoutes = exampleRequests([routes.map(kongRoute)]).map((q) => ({ method: q.method, host: q.host, path: q.path, headers: { ...q.headers } }));
  const extra: OracleRequest[] = ['/api/v2', '/api/v1/users/42', '/static/x', '/other'].flatMap((path) =>
    ['a.test', 'b.test', 'x.test', 'c.example'].map((host) => ({ method: 'GET', host, path, headers: { 'x-env': 'prod', 'x-team': 'a' } })),
  );
  return [...fromRoutes, ...extra];
}

const missing = sharedPresent ? luajitMissing() : undefined;

(sharedPresent ? describe : describe.skip)('Kong 3.9.3 router oracle (../shared/kong-router)', () => {
  test('luajit with lua-rex-pcre2 and lua-cjson is installed', () => {
    expect(missing).toBeUndefined();
  });

  test('ROUTES.md scenarios S1-S11: the oracle picks the winners the document states, and so does the port', () => {
    if (missing) throw new Error(missing);
    for (const s of SCENARIOS) {
      const [expected] = oracle(s.routes, [s.request]);
      expect({ scenario: s.name, ...expected }).toEqual({ scenario: s.name, traditional: s.traditional, traditional_compatible: s.traditional_compatible });
      expect(port(s.routes, [s.request])[0]).toEqual(expected);
    }
  });

  test.each([1, 2, 3, 4, 5, 6, 7, 8])('generated route set %i: every request has the oracle\'s winners', (seed) => {
    if (missing) throw new Error(missing);
    const routes = randomRoutes(seed * 7919, 14 + seed * 3);
    const requests = requestsFor(routes);
    const expected = oracle(routes, requests);
    const actual = port(routes, requests);
    const diffs = requests.map((q, i) => ({ q, expected: expected[i], actual: actual[i] })).filter((d) => d.expected.traditional !== d.actual.traditional || d.expected.traditional_compatible !== d.actual.traditional_compatible);
    expect(diffs.slice(0, 5)).toEqual([]);
  });
});

if (!sharedPresent) {
  test('oracle tests skipped: ../shared/kong-router is absent (CI clean clone)', () => {
    expect(sharedPresent).toBe(false);
  });
}
