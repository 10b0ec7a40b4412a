import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { gateScript } from '../src/constructs/FlavorGate';
import { ObjectRemoval } from '../src/constructs/ObjectRemoval';
import { StagedApply } from '../src/constructs/StagedApply';
import { SyncFailReport } from '../src/constructs/SyncFailReport';
import { shellQuote } from '../src/constructs/shell';
import { GateCheck } from '../src/plan/types';
import { KubeObject, ResolvedSpec } from '../src/spec/types';
import { runScript } from './busybox';
import { resolve, specDoc } from './helpers';

/**
 * The second wall behind input validation: every value a generated script interpolates goes
 * through one quoting function, so hostile names run nothing. Each payload would create the file
 * PWNED in the script's folder if a shell ever evaluated it; each must reach kubectl as one
 * argument, byte for byte. Run under BusyBox `sh`, the hook image's shell.
 */
const PAYLOADS = [
  '$(touch PWNED)',
  '`touch PWNED`',
  'a;touch PWNED',
  "x' ; touch PWNED ; '",
  '"$(touch PWNED)"',
  'a\ntouch PWNED',
  'a && touch PWNED || b',
  '$(touch${IFS}PWNED)',
  '*',
  "'\"'\"'$(touch PWNED)",
];

const base = resolve(specDoc());
const hostileSpec = (v: string): ResolvedSpec =>
  ({ ...base, name: v, namespace: v, gateway: { ...base.gateway, container: v } }) as ResolvedSpec;

/** Runs a script with a fake kubectl that answers every call with `answer`; checks nothing ran. */
function runHostile(script: string, answer = '') {
  const r = runScript(script, [['', [answer]]], { timeoutMs: 20000 });
  expect(fs.existsSync(path.join(r.cwd, 'PWNED'))).toBe(false);
  return r;
}

/** The script of the first Job in a chart. */
function jobScript(build: (chart: Chart) => void): string {
  const chart = new Chart(Testing.app(), 'c');
  build(chart);
  const job = chart.toJson().find((o: KubeObject) => o.kind === 'Job') as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  return job.spec.template.spec.containers[0].command[2];
}

describe('shellQuote', () => {
  test('safe words stay as they are; everything else is single-quoted', () => {
    expect(shellQuote('proxy-kong')).toBe('proxy-kong');
    expect(shellQuote('app.kubernetes.io/name=gateway,x=y')).toBe('app.kubernetes.io/name=gateway,x=y');
    expect(shellQuote(600)).toBe('600');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('a b')).toBe("'a b'");
  });
});

describe.each(PAYLOADS)('hostile value %j', (v) => {
  const spec = hostileSpec(v);
  const checks: GateCheck[] = [
    { check: 'admin-reachable', deployment: v, selector: { app: v } },
    { check: 'rollout', deployment: v },
    { check: 'flavor', deployment: v, selector: { [v]: v }, flavor: 'expressions', replicas: 1 },
    { check: 'scaled-down', deployment: v, selector: { app: v } },
    { check: 'endpoints', service: v, selector: { app: v }, soakSeconds: 0 },
    { check: 'removed', kind: 'Service', name: v },
    { check: 'routes', deployment: v, selector: { app: v }, shape: 'fields', filterTag: v },
  ];

  test.each(checks.map((c) => [c.check, c] as const))('gate check %s: reaches kubectl as one argument, runs nothing', (_, check) => {
    const r = runHostile(gateScript(spec, v, [check], 1), `${v} <none> Running True\n`);
    const args = r.calls.flat();
    expect(args).toContain(v); // the namespace after -n, at least
    expect(r.stdout).toContain(`gate ${v}: 1 checks`);
  });

  test('sidecar flavor check (container name in a jsonpath)', () => {
    const sidecar = { ...spec, gateway: { ...spec.gateway, adminReachable: false } } as ResolvedSpec;
    const r = runHostile(gateScript(sidecar, 'x', [checks[2]], 1), `p1 <none> Running True\n`);
    expect(r.calls.some((c) => c.includes(v))).toBe(true);
  });

  test('removal, staged apply and sync-fail report Jobs', () => {
    const removal = runHostile(jobScript((c) => new ObjectRemoval(c, 'r', { spec, name: 'r', objects: [{ kind: 'Deployment', name: v }, { kind: 'Service', name: v }], description: 'd' })));
    expect(removal.calls.map((c) => c.slice(2, 5))).toEqual([
      ['delete', 'deployment', v],
      ['delete', 'service', v],
    ]);
    const obj: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: v, namespace: v } };
    const staged = runHostile(jobScript((c) => new StagedApply(c, 's', { spec, name: 's', phaseId: v, objects: [obj] })));
    expect(staged.calls[0]).toEqual(['-n', v, 'apply', '-f', '-']);
    const report = runHostile(jobScript((c) => new SyncFailReport(c, 'f', { spec, name: 'f', deployments: [v] })));
    expect(report.calls[0]).toEqual(['-n', v, 'get', 'deployment', v, '-o', 'wide']);
  });
});
