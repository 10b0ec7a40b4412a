import { gateRules, gateScript } from '../src/constructs/FlavorGate';
import { GateCheck } from '../src/plan/types';
import { ResolvedSpec } from '../src/spec/types';
import { Scenario, runScript } from './busybox';
import { resolve, specDoc } from './helpers';

/**
 * Gate scripts run under BusyBox `sh` (the hook image's shell) against a fake kubectl that plays
 * what a cluster does: lingering Failed pods, transient API errors, paged routes, an empty
 * configuration hash, an admin API that wants a client certificate, endpoints that lag. Each
 * scenario must pass or fail the gate as it should, within its deadline.
 */
const dbless = resolve(specDoc());
const postgres = resolve(specDoc({ spec: { database: 'postgres' } }));

function gate(checks: GateCheck[], scenario: Scenario, timeoutSeconds = 3, spec: ResolvedSpec = dbless) {
  const r = runScript(gateScript(spec, '01-test', checks, timeoutSeconds), scenario);
  // Every run ends within its deadline (plus the last poll and BusyBox's start-up).
  expect(r.seconds).toBeLessThan(timeoutSeconds + 8);
  return r;
}

const flavorCheck: GateCheck = { check: 'flavor', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, flavor: 'expressions', replicas: 2 };
const PODS = 'get pods -l app=proxy-kong';
const live2 = 'p1 <none> Running True\np2 <none> Running True\n';
const hash = '{"configuration_hash":"7a9b2c000000000000000000000000ff"}';
const root = (flavor: string) => `{"configuration":{"router_flavor": "${flavor}"}}`;
const replicas = (n: number): [string, string[]] => ['get deployment proxy-kong -o jsonpath={.spec.replicas}', [String(n)]];
const healthy: Scenario = [
  replicas(2),
  [PODS, [live2]],
  ['pods/https:p1:8444/proxy/status', [hash]],
  ['pods/https:p2:8444/proxy/status', [hash]],
  ['pods/https:p1:8444/proxy/', [root('expressions')]],
  ['pods/https:p2:8444/proxy/', [root('expressions')]],
];

describe('gate script under BusyBox sh (fake kubectl)', () => {
  test('passes when every live pod reports the flavor and holds a configuration', () => {
    const r = gate([flavorCheck], healthy);
    expect(r.stdout).toContain('proxy-kong: 2/2 pods run expressions with a configuration');
    expect(r.status).toBe(0);
  });

  test('lingering Failed and Succeeded pods (evicted, node shutdown) and terminating ones are not counted', () => {
    const pods = 'p0 <none> Failed False\np1 <none> Running True\np9 <none> Succeeded False\np2 <none> Running True\np3 2026-11-24T00:00:00Z Running True\n';
    const r = gate([flavorCheck], [[PODS, [pods]], ...healthy]);
    expect(r.stdout).toContain('proxy-kong: 2/2 pods run expressions with a configuration');
    expect(r.calls.some((c) => c.join(' ').includes('p0:8444'))).toBe(false);
    expect(r.status).toBe(0);
  });

  test('compares against what the Deployment asks for, not only the planned count', () => {
    // An HPA scaled to 3 while only 2 pods are live: not done.
    const r = gate([flavorCheck], [replicas(3), ...healthy]);
    expect(r.stdout).toContain('proxy-kong: the Deployment asks for 3 replicas (the plan has 2)');
    expect(r.stderr).toContain('GATE FAILED: proxy-kong: 2 of 3 pods run expressions with a configuration (2 live; an admin API that needs a client certificate');
    expect(r.status).toBe(1);
  });

  test('fails when a pod still runs the old flavor', () => {
    const r = gate([flavorCheck], [['pods/https:p2:8444/proxy/', [root('traditional')]], ...healthy]);
    expect(r.stdout).toContain('proxy-kong: p2 does not report router_flavor expressions yet');
    expect(r.stderr).toContain('GATE FAILED: proxy-kong: 1 of 2 pods run expressions with a configuration');
    expect(r.status).toBe(1);
  });

  test.each([
    ['all zeros', '{"configuration_hash":"00000000000000000000000000000000"}'],
    ['empty', '{"configuration_hash":""}'],
    ['absent', '{"database":{"reachable":true}}'],
  ])('a configuration hash that is %s means no configuration (DB-less)', (_, status) => {
    const r = gate([flavorCheck], [['pods/https:p1:8444/proxy/status', [status]], ...healthy]);
    expect(r.stdout).toContain('p1 holds no configuration yet');
    expect(r.status).toBe(1);
  });

  test('sidecar (admin API on localhost): each live pod\'s gateway container runs the flavor and is Ready', () => {
    const sidecar = { ...dbless, gateway: { ...dbless.gateway, adminReachable: false, container: 'proxy' } } as ResolvedSpec;
    const pod = (name: string): string => `get pod ${name} -o jsonpath={.spec.containers[?(@.name=="proxy")].env[?(@.name=="KONG_ROUTER_FLAVOR")].value}`;
    const ok = gate([flavorCheck], [replicas(2), [PODS, [live2]], [pod('p1'), ['expressions True']], [pod('p2'), ['expressions True']]], 3, sidecar);
    expect(ok.stdout).toContain('proxy-kong: 2/2 pods run expressions and are Ready');
    expect(ok.calls.some((c) => c.join(' ').includes('/proxy'))).toBe(false);
    expect(ok.status).toBe(0);
    const old = gate([flavorCheck], [replicas(2), [PODS, [live2]], [pod('p1'), ['expressions True']], [pod('p2'), ['traditional True']]], 2, sidecar);
    expect(old.stdout).toContain('proxy-kong: p2 is not Ready on expressions yet (traditional True)');
    expect(old.stderr).toContain('GATE FAILED: proxy-kong: 1 of 2 pods run expressions and are Ready (2 live)');
    expect(old.status).toBe(1);
  });

  test('transient kubectl errors are retried until the deadline, never abort the gate', () => {
    const err = { status: 1, out: 'Error from server (InternalError): etcdserver: leader changed' };
    const r = gate(
      [{ check: 'rollout', deployment: 'proxy-kong' }, flavorCheck],
      [
        ['rollout status deployment/proxy-kong', [err, 'deployment "proxy-kong" successfully rolled out']],
        ['get deployment proxy-kong -o jsonpath={.spec.replicas}', [err, '2']],
        [PODS, [err, live2]],
        ['pods/https:p1:8444/proxy/status', [err, hash]],
        ...healthy.slice(2),
      ],
      20,
    );
    expect(r.stdout).toContain('proxy-kong: rollout status failed (retrying)');
    expect(r.stdout).toContain('proxy-kong: cannot read the Deployment (retrying)');
    expect(r.stdout).toContain('proxy-kong: 2/2 pods run expressions with a configuration');
    expect(r.status).toBe(0);
  });

  test('preflight: an admin API that answers 400 (client certificate required) fails gate 01 at once, saying why', () => {
    const cert = { status: 1, out: 'Error from server (BadRequest): the server rejected our request: 400 No required SSL certificate was sent' };
    const preflight: GateCheck = { check: 'admin-reachable', deployment: 'proxy-kong', selector: { app: 'proxy-kong' } };
    const spec = { ...dbless } as ResolvedSpec;
    const script = gateScript(spec, '01-test', [preflight, flavorCheck], 600).replace('PREFLIGHT=120', 'PREFLIGHT=2');
    const r = runScript(script, [['pods/https:', [cert]], ...healthy]);
    expect(r.seconds).toBeLessThan(10);
    expect(r.stderr).toMatch(/GATE FAILED: preflight: the API server cannot read the admin API \(https, port 8444\) of any proxy-kong pod through the pod proxy: p\d: Error from server \(BadRequest\).*400 No required SSL certificate/);
    expect(r.stderr).toContain('client certificate');
    expect(r.status).toBe(1);
    // Reachable: the preflight passes and the gate goes on.
    const ok = runScript(gateScript(spec, '01-test', [preflight, flavorCheck], 60), healthy);
    expect(ok.stdout).toContain('preflight: the API server reads the admin API of p1');
    expect(ok.status).toBe(0);
  });

  test('the same 400 on a flavor check is logged with the reason, and the gate fails at its deadline', () => {
    const cert = { status: 1, out: 'Error from server (BadRequest): 400 No required SSL certificate was sent' };
    const r = gate([flavorCheck], [['pods/https:p1:8444/proxy/', [cert]], ...healthy]);
    expect(r.stdout).toContain('proxy-kong: p1: cannot read GET /: Error from server (BadRequest): 400 No required SSL certificate was sent');
    expect(r.status).toBe(1);
  });

  describe('cutover endpoints (EndpointSlices, soak)', () => {
    const check: GateCheck = { check: 'endpoints', service: 'kong-proxy', selector: { app: 'g' }, soakSeconds: 1 };
    const slices = 'get endpointslices -l kubernetes.io/service-name=kong-proxy';
    const greenPods: [string, string[]] = ['get pods -l app=g', ['g1 <none> Running True\ng2 <none> Running True\ng0 <none> Failed False\n']];

    test('waits while blue endpoints linger, then passes once only green pods are ready endpoints for the soak', () => {
      const r = gate([check], [greenPods, [slices, ['b1 true\ng1 true\n', 'b1 false\ng1 true\ng2 true\n', 'g1 true\ng2 true\ng1 true\n']]], 10);
      expect(r.stdout).toContain('kong-proxy: 2 ready endpoints (1 not Ready pods of app=g), 2 Ready pods');
      expect(r.stdout).toContain('kong-proxy: 2 ready endpoints, all Ready pods of app=g; soaking 1 s');
      expect(r.stdout).toContain('kong-proxy: 2 ready endpoints, all Ready pods of app=g, for 1 s');
      expect(r.status).toBe(0);
    });

    test('fails when a blue pod stays behind the Service', () => {
      const r = gate([check], [greenPods, [slices, ['b1 true\ng1 true\ng2 true\n']]], 2);
      expect(r.stderr).toContain('GATE FAILED: kong-proxy: its ready endpoints are not exactly the Ready pods of app=g for 1 s');
      expect(r.status).toBe(1);
    });

    test('a change during the soak starts it again', () => {
      const ok = 'g1 true\ng2 true\n';
      const r = gate([{ ...check, soakSeconds: 2 }], [greenPods, [slices, [ok, 'g1 true\n', ok]]], 10);
      expect(r.stdout).toContain('kong-proxy: the endpoints changed during the soak');
      expect(r.status).toBe(0);
    });
  });

  test('scaled-down: passes when only terminal pods are left, fails closed when pods cannot be listed', () => {
    const check: GateCheck = { check: 'scaled-down', deployment: 'ingress-kong', selector: { app: 'ingress-kong' } };
    const gone = gate([check], [['get pods -l app=ingress-kong', ['i0 2026-11-24T00:00:00Z Running True\ni1 <none> Failed False\n']]]);
    expect(gone.stdout).toContain('ingress-kong: no pods left');
    expect(gone.status).toBe(0);
    const unreadable = gate([check], [['a call the gate never makes', ['']]], 2);
    expect(unreadable.stdout).toContain('ingress-kong: cannot list pods (retrying)');
    expect(unreadable.stderr).toContain('GATE FAILED: ingress-kong still has pods (or they cannot be listed)');
    expect(unreadable.status).toBe(1);
  });

  test('removed: "not found" passes, an error reading the object fails closed', () => {
    const check: GateCheck = { check: 'removed', kind: 'Deployment', name: 'proxy-kong' };
    const gone = gate([check], [['get deployment proxy-kong --ignore-not-found', ['']]]);
    expect(gone.stdout).toContain('deployment proxy-kong: gone');
    expect(gone.status).toBe(0);
    const unreadable = gate([check], [['a call the gate never makes', ['']]], 2);
    expect(unreadable.stderr).toContain('GATE FAILED: deployment proxy-kong still exists (or cannot be read)');
    expect(unreadable.status).toBe(1);
  });

  test('rollout waits share the gate deadline (kubectl gets the seconds left, not the whole timeout again)', () => {
    const script = gateScript(dbless, '01-test', [{ check: 'rollout', deployment: 'proxy-kong' }, { check: 'rollout', deployment: 'ingress-kong' }], 600);
    expect(script).toContain('kubectl -n "$NS" rollout status "deployment/$1" --timeout="$(left)s"');
    expect(script).not.toMatch(/--timeout=600s/);
  });

  describe('routes', () => {
    const everyPod: GateCheck = { check: 'routes', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, shape: 'expressions', everyPod: true };
    const expressionRoutes = '{"data":[{"name":"r1","expression":"http.path ^= \\"/a\\"","paths":null}],"next":null}';
    const fieldsRoutes = '{"data":[{"name":"r1","paths":["/a"],"expression":null}],"next":null}';

    test('DB-less, every pod: passes only when each live pod serves routes of the new shape', () => {
      const ok = gate([everyPod], [[PODS, [live2]], ['p1:8444/proxy/routes', [expressionRoutes]], ['p2:8444/proxy/routes', [expressionRoutes]]]);
      expect(ok.stdout).toContain('proxy-kong: the routes are all expressions routes (2 of 2 pods read)');
      expect(ok.status).toBe(0);
      const stale = gate([everyPod], [[PODS, [live2]], ['p1:8444/proxy/routes', [expressionRoutes]], ['p2:8444/proxy/routes', [fieldsRoutes]]]);
      expect(stale.stdout).toContain('proxy-kong: p2 serves routes of the other shape');
      expect(stale.status).toBe(1);
    });

    test('stream routes (sources, destinations) are fields routes', () => {
      const stream = '{"data":[{"name":"tcp","protocols":["tcp"],"destinations":[{"port":9000}],"expression":null}],"next":null}';
      const r = gate([everyPod], [[PODS, [live2]], ['proxy/routes', [stream]]]);
      expect(r.stdout).toContain('serves routes of the other shape');
      expect(r.status).toBe(1);
    });

    test('reads every page ("next"), so a stale route past the first 1000 is found', () => {
      const page1 = '{"data":[{"name":"r1","expression":"true"}],"next":"\\/routes?offset=b2s%3D"}';
      const stale = '{"data":[{"name":"r2","paths":["/b"]}],"next":null}';
      const clean = '{"data":[{"name":"r2","expression":"true"}],"next":null}';
      const first: Scenario = [[PODS, [live2]], ['p1:8444/proxy/routes?size=1000', [page1]], ['p2:8444/proxy/routes?size=1000', [page1]]];
      const bad = gate([everyPod], [...first, ['p1:8444/proxy/routes?offset=b2s%3D', [clean]], ['p2:8444/proxy/routes?offset=b2s%3D', [stale]]]);
      expect(bad.stdout).toContain('proxy-kong: p2 serves routes of the other shape');
      expect(bad.status).toBe(1);
      const good = gate([everyPod], [...first, ['p1:8444/proxy/routes?offset=b2s%3D', [clean]], ['p2:8444/proxy/routes?offset=b2s%3D', [clean]]]);
      expect(good.status).toBe(0);
    });

    test("Postgres: only the controller's routes (its filter tag, on every page), read through the first pod that answers", () => {
      const check: GateCheck = { check: 'routes', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, shape: 'expressions', filterTag: 'managed-by-ingress-controller' };
      const page1 = '{"data":[{"name":"r1","expression":"true"}],"next":"/routes?offset=b2s%3D"}';
      const page2 = '{"data":[{"name":"r2","expression":"true"}],"next":null}';
      const r = gate(
        [check],
        [
          [PODS, ['p0 <none> Failed False\np1 <none> Running True\np2 <none> Running True\n']],
          ['p1:8444/proxy/routes', [{ status: 1, out: 'Error from server (ServiceUnavailable): the server is currently unable to handle the request' }]],
          ['p2:8444/proxy/routes?size=1000&tags=managed-by-ingress-controller', [page1]],
          ['p2:8444/proxy/routes?offset=b2s%3D&tags=managed-by-ingress-controller', [page2]],
        ],
        3,
        postgres,
      );
      expect(r.stdout).toContain('proxy-kong: the routes are all expressions routes (1 of 1 pods read)');
      expect(r.status).toBe(0);
      expect(r.calls.some((c) => c.join(' ').includes('p0:8444'))).toBe(false);
    });
  });

  test('RBAC: reads only; EndpointSlices listed, Deployments named', () => {
    const rules = gateRules([flavorCheck, { check: 'endpoints', service: 'kong-proxy', selector: { app: 'g' }, soakSeconds: 60 }]);
    expect(rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch'], resourceNames: ['proxy-kong'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
    ]);
  });

  test('RBAC: a sidecar gateway (admin API on localhost) gets no pods/proxy, which would let the gate GET any port of any pod', () => {
    const rules = gateRules([{ check: 'rollout', deployment: 'proxy-kong' }, flavorCheck], false);
    expect(rules.flatMap((r) => r.resources ?? [])).not.toContain('pods/proxy');
    expect(gateRules([flavorCheck], true).flatMap((r) => r.resources ?? [])).toContain('pods/proxy');
  });
});
