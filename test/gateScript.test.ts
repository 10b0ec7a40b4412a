import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { gateScript } from '../src/constructs/FlavorGate';
import { GateCheck } from '../src/plan/types';
import { resolve, specDoc, tempDir } from './helpers';

/**
 * Runs a gate script against a stub `kubectl` that answers from a small table, to check the
 * script's logic without a cluster: it passes when every pod reports the flavor with a
 * configuration, and fails (exit 1, "GATE FAILED") when one does not before the deadline.
 */
function runGate(checks: GateCheck[], answers: Record<string, string>, timeoutSeconds = 1) {
  const dir = tempDir();
  const table = path.join(dir, 'answers');
  fs.writeFileSync(table, Object.entries(answers).map(([k, v]) => `${k}\t${v}`).join('\n') + '\n');
  // The stub prints the answer whose key is a substring of its arguments (first match).
  fs.writeFileSync(
    path.join(dir, 'kubectl'),
    `#!/bin/sh\nargs="$*"\nwhile IFS="$(printf '\\t')" read -r key value; do\n  case "$args" in *"$key"*) printf '%b' "$value"; exit 0;; esac\ndone < "${table}"\nexit 1\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const spec = resolve(specDoc());
  const script = gateScript(spec, '01-test', checks, timeoutSeconds);
  return spawnSync('/bin/sh', ['-c', script], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, encoding: 'utf8', timeout: 20000 });
}

const flavorCheck: GateCheck = { check: 'flavor', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, flavor: 'expressions', replicas: 2 };
const pods = { 'get pods -l app=proxy-kong -o custom-columns': 'p1 <none>\\np2 <none>\\np0 2026-11-24T00:00:00Z\\n' };

describe('gate script (with a stub kubectl)', () => {
  test('passes when every live pod reports the flavor and holds a configuration', () => {
    const r = runGate([flavorCheck], {
      ...pods,
      'pods/https:p1:8444/proxy/status': '{"configuration_hash":"7a9b2c"}',
      'pods/https:p2:8444/proxy/status': '{"configuration_hash":"7a9b2c"}',
      'pods/https:p1:8444/proxy/': '{"configuration":{"router_flavor":"expressions"}}',
      'pods/https:p2:8444/proxy/': '{"configuration":{"router_flavor": "expressions"}}',
    });
    expect(r.stdout).toContain('proxy-kong: 2/2 pods run expressions with a configuration');
    expect(r.status).toBe(0);
  });

  test('fails when a pod still runs the old flavor', () => {
    const r = runGate([flavorCheck], {
      ...pods,
      'pods/https:p1:8444/proxy/status': '{"configuration_hash":"7a9b2c"}',
      'pods/https:p2:8444/proxy/status': '{"configuration_hash":"7a9b2c"}',
      'pods/https:p1:8444/proxy/': '{"configuration":{"router_flavor":"expressions"}}',
      'pods/https:p2:8444/proxy/': '{"configuration":{"router_flavor":"traditional"}}',
    });
    expect(r.stdout).toContain('proxy-kong: p2 does not report router_flavor expressions yet');
    expect(r.stderr).toContain('GATE FAILED: proxy-kong: 1 of 2 pods report router_flavor expressions');
    expect(r.status).toBe(1);
  });

  test('fails when a pod holds no configuration (DB-less, the deadlock the plan avoids)', () => {
    const r = runGate([flavorCheck], {
      ...pods,
      'pods/https:p1:8444/proxy/status': '{"configuration_hash":"00000000000000000000000000000000"}',
      'pods/https:p2:8444/proxy/status': '{"configuration_hash":"7a9b2c"}',
      'pods/https:p1:8444/proxy/': '{"configuration":{"router_flavor":"expressions"}}',
      'pods/https:p2:8444/proxy/': '{"configuration":{"router_flavor":"expressions"}}',
    });
    expect(r.stdout).toContain('p1 holds no configuration yet');
    expect(r.status).toBe(1);
  });

  test('endpoints: passes when the Service selects exactly the Ready live pods', () => {
    const r = runGate([{ check: 'endpoints', service: 'kong-proxy', selector: { app: 'g' } }], {
      'get pods -l app=g -o custom-columns': 'g1 <none>\\ng2 <none>\\n',
      'get pods -l app=g -o jsonpath': 'g1 True \\ng2 True \\n',
      'get endpoints kong-proxy': 'g1\\ng2\\n',
    });
    expect(r.stdout).toContain('kong-proxy: 2 endpoints, all Ready pods of app=g');
    expect(r.status).toBe(0);
  });

  test('endpoints: fails while a blue pod is still behind the Service', () => {
    const r = runGate([{ check: 'endpoints', service: 'kong-proxy', selector: { app: 'g' } }], {
      'get pods -l app=g -o custom-columns': 'g1 <none>\\n',
      'get pods -l app=g -o jsonpath': 'g1 True \\n',
      'get endpoints kong-proxy': 'g1\\nb1\\n',
    });
    expect(r.stderr).toContain('GATE FAILED: kong-proxy: 2 endpoints (1 not selected by app=g)');
    expect(r.status).toBe(1);
  });

  test('scaled-down: passes when no live pod is left, fails closed when pods cannot be listed', () => {
    const check: GateCheck = { check: 'scaled-down', deployment: 'ingress-kong', selector: { app: 'ingress-kong' } };
    const gone = runGate([check], { 'get pods -l app=ingress-kong -o custom-columns': 'i0 2026-11-24T00:00:00Z\\n' });
    expect(gone.stdout).toContain('ingress-kong: no pods left');
    expect(gone.status).toBe(0);
    // The stub answers nothing for the listing: kubectl exits 1 (RBAC, network), which is not "no pods".
    const unreadable = runGate([check], { 'a call the gate never makes': '' });
    expect(unreadable.stdout).toContain('ingress-kong: cannot list pods');
    expect(unreadable.stderr).toContain('GATE FAILED: ingress-kong still has pods (or they cannot be listed)');
    expect(unreadable.status).toBe(1);
  });

  test('removed: "not found" passes, an error reading the object fails closed', () => {
    const check: GateCheck = { check: 'removed', kind: 'Deployment', name: 'proxy-kong' };
    const gone = runGate([check], { 'get deployment proxy-kong --ignore-not-found': '' });
    expect(gone.stdout).toContain('deployment proxy-kong: gone');
    expect(gone.status).toBe(0);
    const unreadable = runGate([check], { 'a call the gate never makes': '' });
    expect(unreadable.stderr).toContain('GATE FAILED: deployment proxy-kong still exists (or cannot be read)');
    expect(unreadable.status).toBe(1);
  });

  test('rollout waits share the gate deadline (kubectl gets the seconds left, not the whole timeout again)', () => {
    const spec = resolve(specDoc());
    const script = gateScript(spec, '01-test', [{ check: 'rollout', deployment: 'proxy-kong' }, { check: 'rollout', deployment: 'ingress-kong' }], 600);
    expect(script).toContain('kubectl -n "$NS" rollout status deployment/proxy-kong --timeout="$(left)s"');
    expect(script).not.toMatch(/--timeout=600s/);
  });

  test('routes (DB-less, every pod): passes only when each pod serves routes of the new shape', () => {
    const check: GateCheck = { check: 'routes', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, shape: 'expressions', everyPod: true };
    const expressionRoutes = '{"data":[{"name":"r1","expression":"http.path ^= \\\\"/a\\\\"","paths":null}],"next":null}';
    const fieldsRoutes = '{"data":[{"name":"r1","paths":["/a"],"expression":null}],"next":null}';
    const ok = runGate([check], { ...pods, 'p1:8444/proxy/routes': expressionRoutes, 'p2:8444/proxy/routes': expressionRoutes });
    expect(ok.stdout).toContain('proxy-kong: the routes are all expressions routes (2 of 2 pods read)');
    expect(ok.status).toBe(0);
    const stale = runGate([check], { ...pods, 'p1:8444/proxy/routes': expressionRoutes, 'p2:8444/proxy/routes': fieldsRoutes });
    expect(stale.stdout).toContain('proxy-kong: p2 serves routes of the other shape');
    expect(stale.status).toBe(1);
  });

  test('routes: reads every page ("next"), so a stale route past the first 1000 is found', () => {
    const check: GateCheck = { check: 'routes', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, shape: 'expressions', everyPod: true };
    const page1 = '{"data":[{"name":"r1","expression":"true"}],"next":"\\\\/routes?offset=b2s%3D"}';
    const stale = '{"data":[{"name":"r2","paths":["/b"]}],"next":null}';
    const clean = '{"data":[{"name":"r2","expression":"true"}],"next":null}';
    const first = { ...pods, 'p1:8444/proxy/routes?size=1000': page1, 'p2:8444/proxy/routes?size=1000': page1 };
    const bad = runGate([check], { ...first, 'p1:8444/proxy/routes?offset=b2s%3D': clean, 'p2:8444/proxy/routes?offset=b2s%3D': stale });
    expect(bad.stdout).toContain('proxy-kong: p2 serves routes of the other shape');
    expect(bad.status).toBe(1);
    const good = runGate([check], { ...first, 'p1:8444/proxy/routes?offset=b2s%3D': clean, 'p2:8444/proxy/routes?offset=b2s%3D': clean });
    expect(good.status).toBe(0);
  });
});
