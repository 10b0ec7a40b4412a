/**
 * Rules R1-R28 checkable from manifests: each has objects that trigger it and objects that do
 * not (the nearest harmless variant), judged through the whole report.
 */
import { routeReport } from '../../src/routes';
import { parseVersion } from '../../src/model/version';
import { KIC_34, KONG_39 } from './helpers';

type Obj = Record<string, unknown>;
const backend = (name: string) => ({ service: { name, port: { number: 80 } } });
const ingress = (name: string, paths: [string, string][], annotations: Record<string, string> = {}, host = 'a.test'): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default', annotations },
  spec: { ingressClassName: 'kong', rules: [{ ...(host ? { host } : {}), http: { paths: paths.map(([path, pathType]) => ({ path, pathType, backend: backend(name) })) } }] },
});
const httpRoute = (name: string, matches: Obj[], extra: Obj = {}, annotations: Record<string, string> = {}): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name, namespace: 'default', annotations },
  spec: { parentRefs: [{ name: 'kong' }], hostnames: ['a.test'], rules: [{ matches, backendRefs: [{ name, port: 80 }] }], ...extra },
});

/** KIC's IngressClass kong with IngressClassParameters enabling (or not) legacy regex detection (B4). */
const legacyDetection = (on: boolean): Obj[] => [
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'kong' }, spec: { controller: 'ingress-controllers.konghq.com/kong', parameters: { apiGroup: 'configuration.konghq.com', kind: 'IngressClassParameters', name: 'kong', namespace: 'default', scope: 'Namespace' } } },
  { apiVersion: 'configuration.konghq.com/v1alpha1', kind: 'IngressClassParameters', metadata: { name: 'kong', namespace: 'default' }, spec: { enableLegacyRegexDetection: on } },
];
const tlsRoute = (name: string, hostnames: string[]): Obj => ({
  apiVersion: 'gateway.networking.k8s.io/v1alpha2',
  kind: 'TLSRoute',
  metadata: { name, namespace: 'default' },
  spec: { parentRefs: [{ name: 'kong' }], hostnames, rules: [{ backendRefs: [{ name, port: 443 }] }] },
});
const plugin = (name: string, kind: string): Obj => ({ apiVersion: 'configuration.konghq.com/v1', kind: 'KongPlugin', metadata: { name, namespace: 'default' }, plugin: kind });

/** ROUTES.md S11 with Ingresses; `bPath` is b.com's regex (the same as a.com's second route's triggers R7). */
const s11 = (bPath: string): Obj[] => [
  ingress('r1', [['/~/api/.*', 'ImplementationSpecific']], { 'konghq.com/regex-priority': '5' }, 'a.com'),
  ingress('r2', [['/~/api/v1/.*', 'ImplementationSpecific']], {}, 'a.com'),
  ingress('r3', [[bPath, 'ImplementationSpecific']], { 'konghq.com/regex-priority': '10' }, 'b.com'),
  ingress('r4', [['/~/zzz', 'ImplementationSpecific']], {}, 'a.com'),
];

function rulesOf(objects: Obj[], from: 'traditional' | 'traditional_compatible' | 'expressions', to: 'traditional' | 'traditional_compatible' | 'expressions', kic = KIC_34, kong = KONG_39) {
  const r = routeReport({ objects: objects as never, from, to, kong, kic });
  return r.findings.map((f) => f.rule);
}

const cases: { rule: string; from: 'traditional' | 'traditional_compatible' | 'expressions'; to: 'traditional' | 'traditional_compatible' | 'expressions'; triggers: Obj[]; not: Obj[]; kic?: string; kong?: string }[] = [
  { rule: 'R1', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/api', 'ImplementationSpecific']]), ingress('y', [['/api', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET', 'konghq.com/headers.x-env': 'prod' }, '')], not: [ingress('x', [['/api', 'ImplementationSpecific']]), ingress('y', [['/api', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET', 'konghq.com/headers.x-env': 'prod' })] },
  { rule: 'R2', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/~/api/.*', 'ImplementationSpecific']]), ingress('y', [['/api/v1', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET' })], not: [ingress('x', [['/~/api/.*', 'ImplementationSpecific']]), ingress('y', [['/api/v1', 'ImplementationSpecific']])] },
  { rule: 'R3', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/~/.*', 'ImplementationSpecific']], { 'konghq.com/regex-priority': '-10' }), ingress('y', [['/~/api/.*', 'ImplementationSpecific']])], not: [ingress('x', [['/~/.*', 'ImplementationSpecific']], { 'konghq.com/regex-priority': '10' }), ingress('y', [['/~/api/.*', 'ImplementationSpecific']])] },
  { rule: 'R4', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/~/api/.*', 'ImplementationSpecific']], { 'konghq.com/headers.a': '1', 'konghq.com/regex-priority': '4' }), ingress('y', [['/~/api/v.*', 'ImplementationSpecific']], { 'konghq.com/headers.a': '1', 'konghq.com/headers.b': '2' })], not: [ingress('x', [['/~/api/.*', 'ImplementationSpecific']], { 'konghq.com/headers.a': '1', 'konghq.com/regex-priority': '1' }), ingress('y', [['/~/api/v.*', 'ImplementationSpecific']], { 'konghq.com/headers.a': '1', 'konghq.com/headers.b': '2' })] },
  // Four fields, wildcard hosts, plain paths: both collapse to 0x8000000000000000 and the larger UUID (x's, from its name) wins.
  { rule: 'R5', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/api', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET', 'konghq.com/headers.a': '1' }, '*.test'), ingress('z', [['/api', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET', 'konghq.com/headers.a': '1', 'konghq.com/headers.b': '2' }, '*.test')], not: [ingress('x', [['/api', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET', 'konghq.com/headers.a': '1' }, '*.test'), ingress('z', [['/api', 'ImplementationSpecific']], { 'konghq.com/methods': 'GET', 'konghq.com/headers.a': '1', 'konghq.com/headers.b': '2' })] },
  { rule: 'R6', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/api', 'ImplementationSpecific']]), ingress('y', [['/api', 'ImplementationSpecific']])], not: [ingress('x', [['/api', 'ImplementationSpecific']]), ingress('y', [['/web', 'ImplementationSpecific']])] },
  // S11 (Kong#9529): b.com's route shares a.com's regex and its regex_priority makes that regex the first hit; the
  // reducer keeps the smaller candidate list (2 routes with the regex, 3 with host a.com), so a.com's lower-ranked route wins.
  { rule: 'R7', from: 'traditional', to: 'traditional_compatible', triggers: s11('/~/api/v1/.*'), not: s11('/~/api/v1/x.*') },
  { rule: 'R8', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/api', 'Prefix']]), ingress('y', [['/api/v1', 'ImplementationSpecific']])], not: [ingress('x', [['/api', 'ImplementationSpecific']]), ingress('y', [['/api/v1', 'ImplementationSpecific']])] },
  { rule: 'R9', from: 'traditional_compatible', to: 'expressions', triggers: [ingress('x', [['/api', 'ImplementationSpecific']]), httpRoute('y', [{ path: { type: 'PathPrefix', value: '/api/v1' } }])], not: [ingress('x', [['/other', 'ImplementationSpecific']]), httpRoute('y', [{ path: { type: 'PathPrefix', value: '/api/v1' } }])] },
  // Gateway API precedence: the longer PathPrefix wins under expressions; under traditional the route with a method has more fields.
  { rule: 'R10', from: 'traditional', to: 'expressions', triggers: [httpRoute('x', [{ path: { type: 'PathPrefix', value: '/api' }, method: 'GET' }]), httpRoute('y', [{ path: { type: 'PathPrefix', value: '/api/v1' } }])], not: [httpRoute('x', [{ path: { type: 'PathPrefix', value: '/api' } }]), httpRoute('y', [{ path: { type: 'PathPrefix', value: '/api/v1' } }])] },
  { rule: 'R11', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/~/api/.*', 'ImplementationSpecific']], { 'konghq.com/regex-priority': '3' })], not: [ingress('x', [['/~/api/.*', 'ImplementationSpecific']])] },
  { rule: 'R12', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/path-handling': 'v1' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/path-handling': 'v0' })] },
  { rule: 'R13', from: 'traditional', to: 'expressions', triggers: [httpRoute('x', [{ path: { type: 'PathPrefix', value: '/api' } }], {}, { 'konghq.com/methods': 'GET' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/methods': 'GET' })] },
  { rule: 'R14', from: 'traditional_compatible', to: 'expressions', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/headers.x-env': 'Prod' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/headers.x-env': 'prod' })] },
  { rule: 'R15', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/headers.x-env': '~*^Prod$' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/headers.x-env': '~*^prod$' })] },
  { rule: 'R16', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/snis': 'a.test' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/snis': 'a.test', 'konghq.com/protocols': 'https' })] },
  { rule: 'R16', from: 'traditional_compatible', to: 'expressions', triggers: [tlsRoute('t', ['a_b.test'])], not: [tlsRoute('t', ['ab.test'])] },
  { rule: 'R17', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/protocols': 'http' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/protocols': 'http,https' })] },
  { rule: 'R18', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/host-aliases': 'example.*' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/host-aliases': '*.example.com' })] },
  { rule: 'R19', from: 'traditional', to: 'expressions', triggers: [httpRoute('x', [{ path: { type: 'PathPrefix', value: '/foo/' } }])], not: [httpRoute('x', [{ path: { type: 'PathPrefix', value: '/foo' } }])] },
  { rule: 'R20', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/v1.0', 'Prefix']])], not: [ingress('x', [['/v1-0', 'Prefix']])] },
  { rule: 'R21', from: 'traditional', to: 'expressions', triggers: [...legacyDetection(true), ingress('x', [['/api/v[0-9]+', 'ImplementationSpecific']])], not: [...legacyDetection(false), ingress('x', [['/api/v[0-9]+', 'ImplementationSpecific']])] },
  { rule: 'R22', from: 'traditional', to: 'traditional_compatible', triggers: [ingress('x', [['/~/api/(?!internal)', 'ImplementationSpecific']])], not: [ingress('x', [['/~/api/(internal)', 'ImplementationSpecific']])] },
  { rule: 'R23', from: 'expressions', to: 'traditional', triggers: [httpRoute('x', [{ path: { type: 'RegularExpression', value: '(/a|/b)' } }])], not: [httpRoute('x', [{ path: { type: 'RegularExpression', value: '/(a|b)' } }])] },
  { rule: 'R24', from: 'traditional_compatible', to: 'traditional', triggers: [tlsRoute('t', ['*.a.test'])], not: [tlsRoute('t', ['b.a.test'])] },
  { rule: 'R24', from: 'traditional_compatible', to: 'expressions', triggers: [tlsRoute('t', ['*.a.test', 'b.a.test'])], not: [tlsRoute('t', ['b.a.test'])] },
  { rule: 'R25', from: 'traditional', to: 'expressions', triggers: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'g', namespace: 'default' }, spec: { parentRefs: [{ name: 'kong' }], hostnames: ['a.test'], rules: [{ matches: [{ method: { service: 'svc', method: 'Get' } }] }] } }], not: [{ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GRPCRoute', metadata: { name: 'g', namespace: 'default' }, spec: { parentRefs: [{ name: 'kong' }], hostnames: ['a.test'], rules: [{ matches: [{ method: { service: 'svc' } }] }] } }] },
  { rule: 'R26', from: 'traditional', to: 'expressions', triggers: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/protocols': 'grpc' })], not: [ingress('x', [['/api', 'Prefix']], { 'konghq.com/protocols': 'grpc,grpcs' })] },
  { rule: 'R27', from: 'traditional', to: 'expressions', kic: '2.12.0', kong: '3.9.1', triggers: [{ apiVersion: 'configuration.konghq.com/v1beta1', kind: 'TCPIngress', metadata: { name: 't', namespace: 'default' }, spec: { rules: [{ port: 9000, backend: { serviceName: 's', servicePort: 80 } }] } }], not: [ingress('x', [['/api', 'Prefix']])] },
  { rule: 'R28', from: 'traditional', to: 'expressions', triggers: [plugin('mtls', 'mtls-auth'), ingress('x', [['/api', 'Prefix']], { 'konghq.com/snis': 'a.test', 'konghq.com/protocols': 'https', 'konghq.com/plugins': 'mtls' })], not: [plugin('mtls', 'rate-limiting'), ingress('x', [['/api', 'Prefix']], { 'konghq.com/snis': 'a.test', 'konghq.com/protocols': 'https', 'konghq.com/plugins': 'mtls' })] },
];

describe('rules R1-R28: a fixture that triggers each, and its nearest variant that does not', () => {
  test('every rule checkable from manifests has a case (R1-R28)', () => {
    expect([...new Set(cases.map((c) => c.rule))].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))).toEqual(Array.from({ length: 28 }, (_, i) => `R${i + 1}`));
  });
  for (const c of cases) {
    test(`${c.rule} (${c.from} -> ${c.to})`, () => {
      const kic = c.kic ? parseVersion(c.kic)! : KIC_34;
      const kong = c.kong ? parseVersion(c.kong)! : KONG_39;
      expect(rulesOf(c.triggers, c.from, c.to, kic, kong)).toContain(c.rule);
      expect(rulesOf(c.not, c.from, c.to, kic, kong)).not.toContain(c.rule);
    });
  }
});

describe('TLSRoutes (B20, R16, R24)', () => {
  const report = (objects: Obj[], to: 'traditional' | 'expressions') => routeReport({ objects: objects as never, from: 'traditional_compatible', to, kong: KONG_39, kic: KIC_34 });

  test('only invalid hostnames: the expressions translator sends an empty expression and the TLSRoute stops routing', () => {
    const r = report([tlsRoute('t', ['*.a.test', 'b_c.test'])], 'expressions');
    expect(r.routes[0].after).toMatchObject({ name: 'tlsroute.default.t.0', protocols: ['tls'], expression: '', priority: 1 });
    expect(r.routes[0].before).toMatchObject({ snis: ['*.a.test', 'b_c.test'], protocols: ['tls'] });
    expect(r.findings.find((f) => f.rule === 'R24')?.message).toBe('TLSRoute default/t: wildcard hostnames *.a.test are dropped by KIC\'s expressions translator: no SNI is left, so KIC sends an empty expression, which Kong cannot add to its router: the TLSRoute stops routing');
    expect(r.findings.map((f) => f.rule)).toContain('R16');
  });

  test('behind a Passthrough listener the route is tls_passthrough; without hostnames KIC does not route it', () => {
    const gateway = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'kong', namespace: 'default' }, spec: { gatewayClassName: 'kong', listeners: [{ name: 'tls', protocol: 'TLS', port: 8443, tls: { mode: 'Passthrough' } }] } };
    const r = report([gateway, tlsRoute('t', ['a.test']), tlsRoute('none', [])], 'expressions');
    expect(r.routes.find((x) => x.id.includes('.t.'))?.after).toMatchObject({ protocols: ['tls_passthrough'], expression: 'tls.sni == "a.test"' });
    expect(r.findings.find((f) => f.rule === 'KIC')?.message).toBe('TLSRoute default/none: KIC cannot route it: no hostnames provided (today too)');
  });
});

describe("a RequestRedirect filter under KIC's traditional translator (httproute.go@v3.5.13 getRoutesFromMatches)", () => {
  const redirect = (matches: Obj[]): Obj => ({
    ...httpRoute('moved', matches),
    spec: { parentRefs: [{ name: 'kong' }], hostnames: ['a.test'], rules: [{ matches, filters: [{ type: 'RequestRedirect', requestRedirect: { hostname: 'b.test', statusCode: 301 } }] }] },
  });

  test('two matches: two routes of one name, the second with both paths, and Kong refuses the repeated name', () => {
    const r = routeReport({ objects: [redirect([{ path: { type: 'PathPrefix', value: '/a' } }, { path: { type: 'PathPrefix', value: '/b' } }])] as never, from: 'expressions', to: 'traditional_compatible', kong: KONG_39, kic: KIC_34 });
    expect(r.routes.map((x) => (x.after as { paths?: string[] }).paths)).toEqual([['~/a$', '/a/'], ['~/a$', '/a/', '~/b$', '/b/']]);
    const refused = r.findings.find((f) => f.severity === 'rejected');
    expect(refused?.message).toContain("route name httproute.default.moved.0.0 is declared 2 times (Kong: \"uniqueness violation: 'routes' entity with name set to 'httproute.default.moved.0.0' already declared\")");
    expect(refused?.message).toContain('a DB-less gateway then refuses the whole configuration');
  });

  test('one match: one route, accepted', () => {
    const r = routeReport({ objects: [redirect([{ path: { type: 'PathPrefix', value: '/a' } }])] as never, from: 'expressions', to: 'traditional_compatible', kong: KONG_39, kic: KIC_34 });
    expect(r.routes.map((x) => (x.after as { paths?: string[] }).paths)).toEqual([['~/a$', '/a/']]);
    expect(r.findings.filter((f) => f.severity === 'rejected')).toEqual([]);
  });
});

describe('bad input gives findings naming the object, never a crash', () => {
  test('an unparsable regex is refused under every flavor, named with its Ingress', () => {
    const r = routeReport({ objects: [ingress('broken', [['/~/api/(unclosed', 'ImplementationSpecific']])] as never, from: 'traditional', to: 'traditional_compatible', kong: KONG_39, kic: KIC_34 });
    const f = r.findings.find((x) => x.severity === 'rejected');
    expect(f?.message).toContain('Ingress default/broken');
    expect(f?.message).toContain('today too');
  });
  test('an unknown annotation value is a finding naming the object and the allowed values', () => {
    const r = routeReport({ objects: [ingress('odd', [['/api', 'Prefix']], { 'konghq.com/regex-priority': 'high', 'konghq.com/protocols': 'http,ftp' })] as never, from: 'traditional', to: 'expressions', kong: KONG_39, kic: KIC_34 });
    const msgs = r.findings.filter((x) => x.rule === 'KIC').map((x) => x.message);
    expect(msgs).toEqual(expect.arrayContaining([expect.stringContaining('Ingress default/odd: konghq.com/regex-priority "high" is not an integer'), expect.stringContaining('unknown ftp')]));
  });
  test('an object of another class is not read, and the report says why', () => {
    const other = { ...ingress('other', [['/api', 'Prefix']]), spec: { ingressClassName: 'nginx', rules: [] } };
    const r = routeReport({ objects: [other] as never, from: 'traditional', to: 'expressions', kong: KONG_39, kic: KIC_34 });
    expect(r.objects).toBe(0);
    expect(r.findings.map((f) => f.message)).toContain('Ingress default/other is not read: ingressClassName "nginx", not kong');
  });
});
