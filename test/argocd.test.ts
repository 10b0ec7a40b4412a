import * as fs from 'fs';
import * as YAML from 'yaml';
import { objectsOf } from '../src/constructs/objectStates';
import { wavesLayout } from '../src/constructs/WavesChart';
import { synthesize } from '../src/synth';
import { resolve, sourced, specDoc, yamlObjects } from './helpers';
import { validateObject } from './validate';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WAVE = 'argocd.argoproj.io/sync-wave';
const wave = (o: Any) => Number(o.metadata.annotations?.[WAVE] ?? 0);

function folder(files: ReturnType<typeof synthesize>['files'], dir: string): Any[] {
  return files
    .paths()
    .filter((p) => p.startsWith(`${dir}/`) && !p.slice(dir.length + 1).includes('/'))
    .flatMap((p) => yamlObjects(files.get(p)!));
}

describe('Argo CD output', () => {
  const spec = resolve(sourced(specDoc({ spec: { output: { argocd: { repoURL: 'https://github.com/acme/platform.git', targetRevision: 'v1', path: 'kong/migration' } } } })));
  const { plan, files } = synthesize(spec);

  test('both modes are emitted and every object validates (Argo CD schema and Kubernetes)', () => {
    const apps = files.paths().filter((p) => p.startsWith('argocd/') && p.endsWith('.yaml'));
    expect(apps).toContain('argocd/waves-application.yaml');
    expect(apps).toContain('argocd/app-per-phase/01-gateways-to-expressions.yaml');
    for (const p of apps) for (const o of yamlObjects(files.get(p)!)) validateObject(o);
  });

  test('Applications take repo URL, path and revision from spec.output.argocd', () => {
    const waves = YAML.parse(files.get('argocd/waves-application.yaml')!);
    expect(waves.spec.source).toEqual({ repoURL: 'https://github.com/acme/platform.git', targetRevision: 'v1', path: 'kong/migration/argocd/waves', directory: { recurse: false } });
    const p2 = YAML.parse(files.get('argocd/app-per-phase/02-restart-controller.yaml')!);
    expect(p2.metadata.name).toBe(waves.metadata.name); // one Application, promoted by changing its path
    // app-per-phase: the cumulative Kustomize overlay (Argo CD builds it), promoted by hand.
    expect(p2.spec.source).toEqual({ repoURL: 'https://github.com/acme/platform.git', targetRevision: 'v1', path: 'kong/migration/kustomize/overlays/02-restart-controller' });
    expect(p2.spec.syncPolicy.automated).toBeUndefined();
    const r2 = YAML.parse(files.get('argocd/app-per-phase/02-restart-controller-rollback.yaml')!);
    expect(r2.spec.source.path).toBe('kong/migration/kustomize/overlays/02-restart-controller-rollback');
  });

  test('waves mode: gateways roll (wave 11), gate 1 (15), controller restarts (21), gate 2 (25), SyncFail report', () => {
    const objs = folder(files, 'argocd/waves');
    const gw = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    const ctrl = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong');
    const gates = objs.filter((o) => o.kind === 'Job' && o.metadata.annotations['argocd.argoproj.io/hook'] === 'Sync');
    expect(wave(gw)).toBe(11);
    expect(wave(ctrl)).toBe(21);
    expect(gates.map(wave)).toEqual([15, 25]);
    expect(ctrl.spec.template.metadata.annotations['kong-flavor-migrator/restart-for']).toBe('expressions');
    expect(objs.filter((o) => o.kind === 'Job' && o.metadata.annotations['argocd.argoproj.io/hook'] === 'SyncFail')).toHaveLength(1);
    expect(plan.phases).toHaveLength(2);
  });

  test('waves mode walks through every phase state: earlier states of objects changed twice are applied by hooks', () => {
    const pg = resolve(sourced(specDoc({ spec: { database: 'postgres', gateway: { replicas: 4, maxSurge: '25%', maxUnavailable: '25%' } } })));
    const r = synthesize(pg);
    const layout = wavesLayout(r.plan);
    // The controller is frozen (phase 1) before it is declared at its final state (phase 3).
    expect([...layout.staged.entries()].sort((a, b) => a[0] - b[0]).map(([k, objs]) => [k, objs.map((o) => `${o.name}:${o.kind}`)])).toEqual([
      [0, ['ingress-kong:Deployment']],
      [1, ['proxy-kong:Deployment']],
    ]);
    expect(layout.declared.map((d) => [d.phase, d.object.name])).toEqual([
      [2, 'proxy-kong'],
      [2, 'ingress-kong'],
    ]);
    const objs = folder(r.files, 'argocd/waves');
    const staged = objs.find((o) => o.kind === 'Job' && o.metadata.name.endsWith('apply-01'));
    expect(wave(staged)).toBe(11);
    expect(staged.spec.template.spec.containers[0].command[2]).toContain('replicas: 0');
    const role = objs.find((o) => o.kind === 'Role' && o.metadata.name.endsWith('apply-01'));
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'], resourceNames: ['ingress-kong'] }]);
  });

  test('blue-green in one sync: green declared in wave 11, cutover 20, blue scaled by a hook in 31 and deleted in 42', () => {
    const bg = synthesize(resolve(sourced(specDoc({ spec: { from: 'expressions', to: 'traditional' } }))));
    const objs = folder(bg.files, 'argocd/waves');
    const byName = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
    expect(wave(byName('Deployment', 'proxy-kong-green'))).toBe(11);
    expect(wave(byName('Service', 'kong-proxy'))).toBe(20);
    expect(byName('Deployment', 'proxy-kong')).toBeUndefined();
    expect(wave(byName('Job', 'test-kong-apply-03'))).toBe(31);
    expect(wave(byName('Job', 'test-kong-remove-04'))).toBe(42);
  });
});

describe('Argo CD waves: objects the plan creates walk through every verified state', () => {
  /** A blue-green spec whose source controller syncs to Konnect. */
  function konnectBlueGreen() {
    const doc = sourced(specDoc({ spec: { from: 'expressions', to: 'traditional' } })) as Any;
    const file = doc.spec.source.manifests as string;
    const objs = yamlObjects(fs.readFileSync(file, 'utf8'));
    const ctrl = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong')!;
    ctrl.spec.template.spec.containers[0].env.push({ name: 'CONTROLLER_KONNECT_SYNC_ENABLED', value: 'true' });
    fs.writeFileSync(file, objs.map((o) => YAML.stringify(o)).join('---\n'));
    const spec = resolve(doc);
    expect(spec.controller!.konnectSync).toBe(true);
    return synthesize(spec);
  }
  const env = (containers: Any[], name: string) => (containers[0].env as Any[]).find((e) => e.name === name)?.value;

  test('blue-green with Konnect: green controller declared at wave 11 with Konnect sync and status updates off, turned on by patch Jobs only after blue has no pods', () => {
    const { plan, files } = konnectBlueGreen();
    expect(plan.strategy).toBe('blue-green');
    const objs = folder(files, 'argocd/waves');
    const green = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong-green')!;
    expect(wave(green)).toBe(11);
    expect(env(green.spec.template.spec.containers, 'CONTROLLER_KONNECT_SYNC_ENABLED')).toBe('false');
    expect(env(green.spec.template.spec.containers, 'CONTROLLER_UPDATE_STATUS')).toBe('false');
    // Each later state of green comes from a hook Job that patches it, in the wave of the phase that changes it.
    const patchOf = (jobName: string) => {
      const job = objs.find((o) => o.kind === 'Job' && o.metadata.name === jobName);
      const script: string = job?.spec.template.spec.containers[0].command[2] ?? '';
      const line = script.split('\n').find((l) => l.startsWith("kubectl -n kong patch deployment 'ingress-kong-green'") || l.startsWith('kubectl -n kong patch deployment ingress-kong-green'));
      return { job, patch: line ? JSON.parse(line.slice(line.indexOf("-p '") + 4, -1)) : undefined };
    };
    const blueDown = plan.phases.findIndex((p) => p.state.gateways.some((g) => g.name === 'proxy-kong' && g.replicas === 0));
    const konnectOn = plan.phases.findIndex((p) => p.state.controllers.some((c) => c.name === 'ingress-kong-green' && c.konnectSync === true));
    expect(konnectOn).toBeGreaterThan(blueDown);
    const on = patchOf(`test-kong-apply-0${konnectOn + 1}`);
    expect(wave(on.job)).toBe((konnectOn + 1) * 10 + 1);
    expect(env(on.patch.spec.template.spec.containers, 'CONTROLLER_KONNECT_SYNC_ENABLED')).toBe('true');
    // Blue has no pods by then: its scale-down and that phase's gate are in earlier waves.
    const gateBlueDown = objs.find((o) => o.kind === 'Job' && o.metadata.name === `test-kong-gate-0${blueDown + 1}`)!;
    expect(wave(gateBlueDown)).toBeLessThan(wave(on.job));
    const statusOn = plan.phases.findIndex((p) => p.state.controllers.some((c) => c.name === 'ingress-kong-green' && c.updateStatus !== false));
    expect(statusOn).toBeGreaterThanOrEqual(blueDown);
    for (let i = 1; i < konnectOn; i++) {
      const p = patchOf(`test-kong-apply-0${i + 1}`);
      if (p.patch) expect(env(p.patch.spec.template.spec.containers, 'CONTROLLER_KONNECT_SYNC_ENABLED')).not.toBe('true');
    }
    // RBAC: get and patch on exactly the objects the Job changes.
    const role = objs.find((o) => o.kind === 'Role' && o.metadata.name === `test-kong-apply-0${konnectOn + 1}`)!;
    expect(role.rules.flatMap((r: Any) => r.resourceNames)).toContain('ingress-kong-green');
    for (const r of role.rules) expect(r.verbs).toEqual(['get', 'patch']);
  });

  test('the layout declares a created object at its first state, never folded to its final one', () => {
    const { plan } = konnectBlueGreen();
    const layout = wavesLayout(plan);
    const green = layout.declared.find((d) => d.object.name === 'ingress-kong-green')!;
    expect(green.phase).toBe(0);
    expect(green.object.state).toEqual(plan.phases[0].state.controllers.find((c) => c.name === 'ingress-kong-green'));
    const later = [...layout.patched.entries()].flatMap(([k, ps]) => ps.filter((p) => p.after.name === 'ingress-kong-green').map(() => k));
    expect(later.length).toBeGreaterThan(0);
  });
});

describe.each([
  ['rolling', {}],
  ['postgres freeze', { spec: { database: 'postgres', gateway: { replicas: 4, maxSurge: '25%', maxUnavailable: '25%' } } }],
  ['blue-green', { spec: { from: 'expressions', to: 'traditional' } }],
  ['maintenance', { spec: { strategy: 'maintenance', allowDowntime: true } }],
  ['KIC 2.x controller first', { spec: { from: 'expressions', to: 'traditional', controller: { image: 'kong/kubernetes-ingress-controller:2.12', featureGates: 'ExpressionRoutes=true' } } }],
])('the waves layout reaches every verified state at its gate (%s)', (_name, patch) => {
  test('replaying declared objects, staged applies, patches and removals wave by wave gives each phase state exactly', () => {
    const { plan } = synthesize(resolve(specDoc(patch)));
    const layout = wavesLayout(plan);
    const live = new Map([...objectsOf(plan.initial)].map(([k, o]) => [k, o.state as unknown]));
    const key = (o: { kind: string; name: string }) => `${o.kind}/${o.name}`;
    plan.phases.forEach((phase, i) => {
      for (const d of layout.declared.filter((x) => x.phase === i)) live.set(key(d.object), d.object.state);
      for (const o of layout.staged.get(i) ?? []) live.set(key(o), o.state);
      for (const { before, after } of layout.patched.get(i) ?? []) {
        expect(live.get(key(before))).toEqual(before.state); // a patch applies to the state it was made from
        live.set(key(after), after.state);
      }
      for (const o of layout.removed.get(i) ?? []) live.delete(key(o));
      const want = new Map([...objectsOf(phase.state)].map(([k, o]) => [k, o.state as unknown]));
      expect([phase.id, Object.fromEntries(live)]).toEqual([phase.id, Object.fromEntries(want)]);
    });
  });
});

describe('RUNBOOK.md', () => {
  test('renders a mermaid diagram of the phases and gates and per-phase commands', () => {
    const { files, plan } = synthesize(resolve(specDoc({ spec: { from: 'expressions', to: 'traditional' } })));
    const md = files.get('RUNBOOK.md')!;
    expect(md).toContain('```mermaid\nflowchart TD');
    for (const [i, p] of plan.phases.entries()) {
      expect(md).toContain(`p${i + 1}["${p.id}<br/>`);
      expect(md).toContain(`g${i + 1}{"gate ${p.id.slice(0, 2)}"}`);
      expect(md).toContain(`kubectl apply -f phases/${p.id}/`);
      expect(md).toContain(`kubectl apply -f phases/${p.id}/rollback/`);
    }
    expect(md).toContain('## Why this strategy');
    expect(md).toMatch(/Extra capacity: 4 more pods/);
  });

  test('kubectl commands delete the finished hook Jobs before each apply, so a re-applied gate runs again', () => {
    const { files, plan } = synthesize(resolve(sourced(specDoc())));
    const md = files.get('RUNBOOK.md')!;
    for (const p of plan.phases) {
      for (const folder of [`phases/${p.id}/`, `phases/${p.id}/rollback/`]) {
        expect(md).toContain(`kubectl -n kong delete job -l kong-flavor-migrator/plan=${plan.name} --ignore-not-found\nkubectl apply -f ${folder}\n`);
      }
    }
  });

  test('rollbacks past one phase point to the reverse migration, not to chaining unverified rollbacks', () => {
    const { files } = synthesize(resolve(specDoc({ spec: { database: 'postgres' } })));
    const md = files.get('RUNBOOK.md')!;
    expect(md).not.toMatch(/reverse order/);
    expect(md).toMatch(/chaining the earlier phases' rollbacks after it is not verified\. To go further back, plan the reverse migration \(`to: traditional_compatible`\)/);
    // Phase 03's rollback re-applies the freeze, it does not "change nothing".
    expect(md).toMatch(/Re-apply the previous ingress-kong: it scales to 0 again \(the freeze\)/);
  });

  test('the waves section says to sync once, and that created objects are patched to their later states', () => {
    const md = synthesize(resolve(specDoc({ spec: { from: 'expressions', to: 'traditional' } }))).files.get('RUNBOOK.md')!;
    expect(md).toContain('Sync it once. Every sync runs the hooks again');
    expect(md).not.toContain('declared once at its final state');
    expect(md).toContain('objects the plan creates are declared at their first state and patched by hook Jobs');
  });
});
