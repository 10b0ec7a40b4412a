import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { loadSpec } from '../src/spec/load';
import { writeOutput } from '../src/render/write';
import { synthesize } from '../src/synth';
import { runScript } from './busybox';
import { ROOT, resolve, sourced, specDoc, tempDir, yamlObjects } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
const example = (file: string) => synthesize(loadSpec(path.join(ROOT, 'examples', file)));

/** The lines of the sh code blocks of a markdown text. */
const shellLines = (md: string): string[] =>
  [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.trim()));

describe.each(EXAMPLES)('RUNBOOK and plan of example %s', (file) => {
  const { plan, files } = example(file);
  const md = files.get('RUNBOOK.md')!;

  test('has the before and after parts (RUNBOOK, plan.json), and never a cascading delete', () => {
    if (plan.phases.length === 0) {
      expect(md).toContain('Nothing to do.');
      return;
    }
    expect(md).toContain('## Before you start');
    expect(md).toContain('## After the last phase');
    expect(md.indexOf('## Before you start')).toBeLessThan(md.indexOf('## Phase by phase'));
    expect(md.indexOf('## After the last phase')).toBeGreaterThan(md.indexOf('## Phase by phase'));
    const json = JSON.parse(files.get('plan.json')!);
    expect(json.before.map((s: Any) => s.title)).toEqual(['Pause whatever else deploys these objects', 'Preflight', 'Save what runs now']);
    expect(json.after.map((s: Any) => s.title)).toEqual([expect.stringMatching(/^Write the final state into your/), 'Re-enable what you paused', "Remove the plan's Jobs and RBAC"]);
    expect(md).toContain('argocd app set <owning-app> --sync-policy none');
    expect(md).toContain(`kubectl -n ${plan.namespace} delete job,serviceaccount,role,rolebinding -l kong-flavor-migrator/plan=${plan.name}`);
    // Commands: every argocd app delete is non-cascading; prose names the plain one only to forbid it.
    for (const line of shellLines(md)) if (/argocd app delete/.test(line)) expect(line).toMatch(/argocd app delete \S+ --cascade=false/);
    for (const m of md.matchAll(/`argocd app delete [^`]*`/g)) {
      if (m[0].includes('--cascade=false')) continue;
      expect(md.slice(Math.max(0, m.index! - 40), m.index!)).toMatch(/Never a plain|cascades by default/);
    }
    expect(md).not.toMatch(/the objects stay/);
    // Promotion never rests on health alone (hook Jobs do not count toward it).
    expect(shellLines(md).filter((l) => /argocd app wait/.test(l))).toEqual([]);
  });

  test('every gate wait returns on failure as well as success (gate_wait), with the phase deadline', () => {
    if (plan.phases.length === 0) return;
    expect(md).not.toMatch(/kubectl -n \S+ wait --for=condition=complete/);
    // A Helm source's gates are post-upgrade hooks: helm upgrade --wait waits for them, within its timeout.
    const byHelm = files.paths().some((f) => f.startsWith('helm/'));
    for (const p of plan.phases) {
      if (p.gate.checks.length === 0) continue;
      if (byHelm) expect(md).toMatch(new RegExp(`-f helm/(\\S+/)?values-${p.id}\\.yaml --wait --timeout ${p.gate.timeoutSeconds + 120}s\\n`));
      else expect(md).toMatch(new RegExp(`gate_wait ${plan.namespace} \\S+-gate-${p.id.slice(0, 2)} ${p.estimatedSeconds + p.gate.timeoutSeconds + 60}\\n`));
    }
  });
});

describe('gate_wait (the RUNBOOK function) under BusyBox sh', () => {
  const md = example('dbless-to-expressions.yaml').files.get('RUNBOOK.md')!;
  const fn = md.slice(md.indexOf('gate_wait() {'), md.indexOf('\n}\n', md.indexOf('gate_wait() {')) + 3);
  const run = (conditions: string[], seconds = 30) =>
    runScript(`${fn}\ngate_wait kong gate-01 ${seconds}\n`, [
      ['get job gate-01', conditions],
      ['logs job/gate-01', ['gate 01-x: passed\n']],
    ]);

  test('returns 0 when the Job completes', () => {
    const r = run(['', '', 'SuccessCriteriaMet Complete']);
    expect(r.stdout).toContain('job gate-01 completed');
    expect(r.status).toBe(0);
  });

  test('returns 1 at once when the Job fails, not at its timeout', () => {
    const r = run(['', 'FailureTarget Failed'], 600);
    expect(r.stdout).toContain('job gate-01 FAILED');
    expect(r.status).toBe(1);
    expect(r.seconds).toBeLessThan(10);
  });

  test('returns 1 when time runs out', () => {
    const r = run([''], 1);
    expect(r.stdout).toContain('job gate-01 did not finish in 1 s');
    expect(r.status).toBe(1);
  });
});

describe('after the last phase: the final state for the source of truth', () => {
  test('Helm: helm/values-final.yaml holds only what the target needs, no hooks, the user strategy back', () => {
    const { files } = example('from-helm-ingress.yaml');
    const final = YAML.parse(files.get('helm/values-final.yaml')!);
    expect(final.gateway).toEqual({ env: { router_flavor: 'expressions' } });
    expect(JSON.stringify(final)).not.toContain('extraObjects');
    expect(final.controller.podAnnotations).toEqual({ 'kong-flavor-migrator/restart-for': 'expressions' });
    expect(files.get('helm/values-final.yaml')).toMatch(/^# The final state of release kong/);
  });

  test('manifests: final/ holds every object of the user manifests at its final state, their own strategy back', () => {
    const spec = loadSpec(path.join(ROOT, 'examples', 'from-manifests.yaml'));
    const { plan, files } = synthesize(spec);
    const objs = files.paths().filter((p) => p.startsWith('final/')).flatMap((p) => yamlObjects(files.get(p)!));
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(spec.base.all.filter((o) => o.kind !== 'Secret').map((o) => `${o.kind}/${o.metadata.name}`).sort());
    const gw = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === spec.gateway.deployment)!;
    const env = gw.spec.template.spec.containers.find((c: Any) => c.name === spec.gateway.container).env;
    expect(env.find((e: Any) => e.name === 'KONG_ROUTER_FLAVOR').value).toBe('expressions');
    const own = spec.base.gatewayDeployment.spec as Any;
    expect(gw.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: own.strategy?.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: own.strategy?.rollingUpdate?.maxUnavailable ?? '25%' } });
    expect(files.get('RUNBOOK.md')).toContain('kubectl diff -f final/');
    expect(plan.after[0].title).toBe('Write the final state into your manifests');
  });

  test.each(['from-manifests.yaml', 'from-manifests-routes.yaml'])('%s: every object a phase applied last is exactly its final/ copy, so `kubectl diff -f final/` shows nothing', (file) => {
    const { files } = example(file);
    const lastApplied = new Map<string, Any>();
    for (const p of files.paths().filter((f) => /^phases\/[^/]+\/[^/]+\.yaml$/.test(f)).sort()) {
      for (const o of yamlObjects(files.get(p)!)) if (o.kind === 'Deployment' || o.kind === 'Service') lastApplied.set(`${o.kind}/${o.metadata.name}`, o);
    }
    const finals = new Map(files.paths().filter((f) => f.startsWith('final/')).flatMap((f) => yamlObjects(files.get(f)!)).map((o) => [`${o.kind}/${o.metadata.name}`, o]));
    expect(lastApplied.size).toBeGreaterThan(0);
    for (const [k, o] of lastApplied) expect([k, finals.get(k)]).toEqual([k, o]);
  });

  test('blue-green from manifests: the deleted blue objects are not in final/, the green ones are, and the RUNBOOK names what to remove', () => {
    const dir = tempDir();
    const src = fs.readFileSync(path.join(ROOT, 'examples', 'manifests', 'kong.yaml'), 'utf8').replace(/(name: KONG_ROUTER_FLAVOR\n\s*value: )traditional/, '$1expressions');
    fs.writeFileSync(path.join(dir, 'kong.yaml'), src);
    fs.writeFileSync(path.join(dir, 'spec.yaml'), YAML.stringify({ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'bg' }, spec: { to: 'traditional', source: { manifests: 'kong.yaml' } } }));
    const spec = loadSpec(path.join(dir, 'spec.yaml'));
    const { plan, files } = synthesize(spec);
    expect(plan.strategy).toBe('blue-green');
    const names = files.paths().filter((p) => p.startsWith('final/')).flatMap((p) => yamlObjects(files.get(p)!)).map((o) => `${o.kind}/${o.metadata.name}`);
    expect(names).toContain(`Deployment/${spec.gateway.greenDeployment}`);
    expect(names).not.toContain(`Deployment/${spec.gateway.deployment}`);
    expect(files.get('RUNBOOK.md')).toContain(`Remove from it what the plan deleted: Deployment ${spec.gateway.deployment}`);
  });
});

describe('app-per-phase: cumulative overlays, promoted by a sync that fails with its gate', () => {
  const spec = resolve(sourced(specDoc({ spec: { database: 'postgres' } })));
  const { plan, files } = synthesize(spec);
  const out = path.join(tempDir(), spec.name);
  writeOutput(out, files);
  const build = (id: string): Any[] => YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(out, 'kustomize', 'overlays', id)], { encoding: 'utf8' })).map((d) => d.toJS());

  test('each Application points at its phase (or rollback) overlay, without automated sync', () => {
    for (const p of plan.phases) {
      for (const id of [p.id, `${p.id}-rollback`]) {
        const app = YAML.parse(files.get(`argocd/app-per-phase/${id}.yaml`)!);
        expect(app.spec.source.path).toBe(`dist/${spec.name}/kustomize/overlays/${id}`);
        expect(app.spec.source.directory).toBeUndefined();
        expect(app.spec.syncPolicy.automated).toBeUndefined();
      }
    }
  });

  test('overlays are cumulative: phase 02 still holds the controller frozen in phase 01, and only its own gate', () => {
    const two = build(plan.phases[1].id);
    const ctrl = two.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong');
    expect(ctrl.spec.replicas).toBe(0);
    const gw = two.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    expect(gw.spec.template.spec.containers[0].env.find((e: Any) => e.name === 'KONG_ROUTER_FLAVOR').value).toBe('expressions');
    expect(two.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['test-kong-gate-02']);
  });

  test('a rollback overlay is the state before its phase, with the rollback gate', () => {
    const back = build(`${plan.phases[1].id}-rollback`);
    const gw = back.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    expect(gw.spec.template.spec.containers[0].env.find((e: Any) => e.name === 'KONG_ROUTER_FLAVOR').value).toBe('traditional_compatible');
    expect(back.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong').spec.replicas).toBe(0);
    expect(back.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['test-kong-gate-02-rollback']);
  });

  test('the RUNBOOK promotes with argocd app sync --revision --timeout and checks the operation for that commit', () => {
    const md = files.get('RUNBOOK.md')!;
    for (const p of plan.phases) {
      expect(md).toContain(`kubectl -n argocd apply -f argocd/app-per-phase/${p.id}.yaml`);
      expect(md).toContain(`argocd app sync kong-flavor-test-kong --revision "$REV" --timeout ${p.estimatedSeconds + p.gate.timeoutSeconds + 120}\n`);
    }
    expect(md).toContain("jsonpath='{.status.operationState.phase} {.status.operationState.syncResult.revision}{\"\\n\"}'   # must print: Succeeded $REV");
  });
});

describe('RUNBOOK details', () => {
  test('a phase whose rollback depends on what the controller detected says how to tell', () => {
    const md = synthesize(resolve(specDoc())).files.get('RUNBOOK.md')!;
    const one = md.slice(md.indexOf('### 01-'), md.indexOf('### 02-'));
    expect(one).toContain('**Is rolling back still safe?**');
    expect(one).toContain(`grep -Eq '"expression" *: *"'`);
    expect(md.slice(md.indexOf('### 02-'))).not.toContain('**Is rolling back still safe?**');
    // Postgres: the routes the controller manages, by its filter tag.
    const pg = synthesize(resolve(specDoc({ spec: { database: 'postgres' } }))).files.get('RUNBOOK.md')!;
    expect(pg).toContain('/proxy/routes?size=1000&tags=managed-by-ingress-controller');
  });

  test('Postgres: the watch text and the gate log claim no configuration check (only DB-less gateways hold one)', () => {
    const { files } = synthesize(resolve(specDoc({ spec: { database: 'postgres' } })));
    const md = files.get('RUNBOOK.md')!;
    expect(md).toMatch(/answers GET \/ on the admin API with router_flavor "expressions", as many as/);
    expect(md).not.toContain('holds a configuration');
    const gate = files.paths().find((p) => /phases\/02-[^/]+\/\d+-job-.*-gate-02\.yaml$/.test(p))!;
    expect(files.get(gate)).not.toContain('with a configuration');
    expect(synthesize(resolve(specDoc())).files.get('RUNBOOK.md')).toContain('and holds a configuration');
  });

  test('the RUNBOOK says where its relative paths start (the folder synth wrote)', () => {
    const md = synthesize(resolve(specDoc())).files.get('RUNBOOK.md')!;
    const at = md.indexOf('Run the commands of this runbook from the folder that holds this file (`cd dist/test-kong`');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(md.indexOf('phases/01-'));
  });

  test('"Save what runs now" names kind/name pairs, so kubectl finds every object and nothing it does not have', () => {
    const md = synthesize(resolve(specDoc())).files.get('RUNBOOK.md')!;
    const line = md.split('\n').map((l) => l.trim()).find((l) => l.includes('-before.yaml') && l.startsWith('kubectl'))!;
    expect(line).toMatch(/^kubectl -n kong get deployment\/proxy-kong deployment\/ingress-kong service\/\S+ .* -o yaml > /);
    expect(line).not.toMatch(/get deployment,service/);
  });

  test('sidecar: the watch text and command read what its gate reads (env and readiness, not the admin API)', () => {
    const md = example('sidecar-dbless.yaml').files.get('RUNBOOK.md')!;
    const watch = md.slice(md.indexOf('**Watch**'));
    expect(watch).toMatch(/runs KONG_ROUTER_FLAVOR=\S+ and is Ready/);
    expect(watch).not.toContain('GET / on the admin API');
    expect(watch).toContain('env[?(@.name=="KONG_ROUTER_FLAVOR")].value,READY:.status.conditions[?(@.type=="Ready")].status');
  });

  test('the preflight opens the before part and gate 01', () => {
    const { plan, files } = synthesize(resolve(specDoc()));
    expect(plan.phases[0].gate.checks[0]).toEqual({ check: 'admin-reachable', deployment: 'proxy-kong', selector: { app: 'proxy-kong' } });
    expect(plan.phases.slice(1).some((p) => p.gate.checks.some((c) => c.check === 'admin-reachable'))).toBe(false);
    expect(files.get('RUNBOOK.md')).toContain(`kubectl get --raw "/api/v1/namespaces/kong/pods/https:$POD:8444/proxy/" | grep -o '"router_flavor": *"[a-z_]*"'`);
  });
});
