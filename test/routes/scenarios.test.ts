/**
 * The scenarios of ROUTES.md (S1-S12): the winners the ported routers pick are the ones the
 * document states (and, in oracle.test.ts, the ones Kong's own router code picks).
 */
import { atcRouter } from '../../src/routes/atcRouter';
import { traditionalRouter } from '../../src/routes/traditionalRouter';
import { routeReport } from '../../src/routes';
import { KIC_34, KONG_39, SCENARIOS, kongRoute, oracleSplitId, toHttp } from './helpers';

describe('ROUTES.md scenarios, ported routers', () => {
  for (const s of SCENARIOS) {
    test(`${s.name} (${s.facts})`, () => {
      const routes = s.routes.map(kongRoute);
      const req = toHttp(s.request);
      const trad = traditionalRouter(routes).select(req)?.route.entity.name ?? null;
      const compat = atcRouter(routes, { flavor: 'traditional_compatible', kong: KONG_39, splitId: oracleSplitId }).select(req)?.route.entity.name ?? null;
      expect({ traditional: trad, traditional_compatible: compat }).toEqual({ traditional: s.traditional, traditional_compatible: s.traditional_compatible });
    });
  }

  test('S12: same host, Prefix /api vs ImplementationSpecific /api/v1: expressions picks /api (B6), traditional picks /api/v1', () => {
    const ing = (name: string, path: string, pathType: string) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace: 'default' },
      spec: { ingressClassName: 'kong', rules: [{ host: 'a.test', http: { paths: [{ path, pathType, backend: { service: { name, port: { number: 80 } } } }] } }] },
    });
    const objects = [ing('api', '/api', 'Prefix'), ing('v1', '/api/v1', 'ImplementationSpecific')];
    for (const from of ['traditional', 'traditional_compatible'] as const) {
      const r = routeReport({ objects, from, to: 'expressions', kong: KONG_39, kic: KIC_34 });
      const change = r.findings.find((f) => f.rule === 'R8');
      expect(change?.example).toMatchObject({ request: { host: 'a.test', path: '/api/v1' }, before: 'ingress.default.v1.0.0', after: 'ingress.default.api.0.0' });
      // B6's worked example: A = 0x340100010005 > B = 0x340100000007.
      expect(r.routes.map((x) => (x.after as { priority: number }).priority)).toEqual([0x340100010005, 0x340100000007]);
    }
  });
});
