/**
 * The Helm output against the rules of the Kong/charts templates at the chart version a release
 * runs: what `helm upgrade` renders from the phase values (update strategy, replicas with an
 * HPA or a PodDisruptionBudget, the controller restart), the objects the chart names
 * (ServiceAccount), and what is refused (DaemonSets).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT, run } from '../src/cli';
import { specFromText } from '../src/spec/load';
import { synthesize } from '../src/synth';
import { tempDir } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A spec file reading one release of `chart` with `values`; returns its path. */
function writeSpec(chart: 'kong' | 'ingress', values: Any, spec: Any = {}, version = chart === 'ingress' ? '0.24.0' : '3.4.1'): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(values));
  const file = path.join(dir, 'spec.yaml');
  fs.writeFileSync(
    file,
    YAML.stringify({
      apiVersion: 'kong-flavor-migrator/v1alpha1',
      kind: 'RouterFlavorMigration',
      metadata: { name: 'chart-rules' },
      spec: { to: 'expressions', ...spec, source: { helm: { chart, release: 'kong', namespace: 'kong', version, values: 'values.yaml' } } },
    }),
  );
  return file;
}

const load = (file: string) => specFromText(fs.readFileSync(file, 'utf8'), file);
const valuesOf = (files: { get(p: string): string | undefined }, name: string): Any => YAML.parse(files.get(name)!);

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('updateStrategy.type: Recreate', () => {
  const values = { gateway: { replicaCount: 3, updateStrategy: { type: 'Recreate' } } };

  test('every phase sets RollingUpdate with maxUnavailable 0, with a warning; values-final leaves the user its Recreate', async () => {
    const file = writeSpec('ingress', values);
    const { plan, files } = synthesize(load(file));
    expect(plan.strategy).toBe('rolling');
    for (const p of plan.phases) {
      expect(valuesOf(files, `helm/values-${p.id}.yaml`).gateway.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    }
    expect(valuesOf(files, 'helm/values-final.yaml').gateway.updateStrategy).toBeUndefined();
    // helm rollback to the revision before the migration would render Recreate: phase 01 rolls back by an upgrade with RollingUpdate.
    const lines = shellLines(files.get('RUNBOOK.md')!);
    expect(lines).toContain('helm upgrade kong kong/ingress --version 0.24.0 -n kong -f kong-values-before.yaml -f helm/values-00-rollback-rolling-update.yaml --wait --timeout 720s');
    expect(lines.filter((l) => l.startsWith('helm rollback kong "$REV_KONG_01"'))).toEqual([]);
    expect(lines.filter((l) => l.startsWith('helm rollback kong "$REV_KONG_02"'))).toHaveLength(1);
    expect(valuesOf(files, 'helm/values-00-rollback-rolling-update.yaml')).toEqual({ gateway: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } } } });
    const planned = await cli('plan', file);
    expect(planned.code).toBe(EXIT.ok);
    expect(planned.out + planned.err).toMatch(/gateway\.updateStrategy\.type: Recreate: Deployment kong-gateway would stop every pod/);
  });

  test('kong/kong (one phase): the phase that rolls the gateways sets RollingUpdate', () => {
    const { plan, files } = synthesize(load(writeSpec('kong', { replicaCount: 2, updateStrategy: { type: 'Recreate' } })));
    expect(plan.phases).toHaveLength(1);
    expect(valuesOf(files, `helm/values-${plan.phases[0].id}.yaml`).updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
  });
});

describe('the ServiceAccount the chart names', () => {
  const sa = (o: Any) => o.spec.template.spec.serviceAccountName;
  test('kong/ingress: each Deployment runs as the chart fullname (deployment.serviceAccount.create is the default)', () => {
    const spec = load(writeSpec('ingress', {}));
    expect(sa(spec.base.gatewayDeployment)).toBe('kong-gateway');
    expect(sa(spec.base.controllerDeployment!)).toBe('kong-controller');
    const { plan, files } = synthesize(spec);
    const phaseFiles = files.paths().filter((f) => /^(phases|kustomize|argocd)\/.*deployment/.test(f));
    expect(phaseFiles.length).toBeGreaterThan(0);
    for (const f of phaseFiles) expect(files.get(f)).not.toContain('kong-serviceaccount');
    expect(plan.phases.length).toBeGreaterThan(0);
  });

  test('deployment.serviceAccount.name wins; create: false without a name names none', () => {
    expect(sa(load(writeSpec('kong', { deployment: { serviceAccount: { create: true, name: 'edge' } } })).base.gatewayDeployment)).toBe('edge');
    expect(sa(load(writeSpec('kong', { deployment: { serviceAccount: { create: false } } })).base.gatewayDeployment)).toBeUndefined();
    expect(sa(load(writeSpec('kong', { deployment: { serviceAccount: { create: false, name: 'shared' } } })).base.gatewayDeployment)).toBe('shared');
  });

  test('kong/kong before 2.4.0 reads ingressController.serviceAccount', () => {
    const spec = load(writeSpec('kong', { image: { tag: "3.4" }, ingressController: { image: { tag: "2.12" }, serviceAccount: { name: 'old-sa' } } }, { to: 'traditional_compatible' }, '2.3.0'));
    expect(sa(spec.base.gatewayDeployment)).toBe('old-sa');
  });
});

describe('replicaCount 0 with an HPA or a PodDisruptionBudget', () => {
  const pg = { gateway: { replicaCount: 2, env: { database: 'postgres' } }, controller: { replicaCount: 2 } };

  test('the Postgres freeze turns the controller PDB off while it runs 0 replicas; the next phase restores it', () => {
    const { plan, files } = synthesize(load(writeSpec('ingress', { ...pg, controller: { replicaCount: 2, podDisruptionBudget: { enabled: true } } })));
    expect(plan.phases[0].id).toBe('01-freeze-controller');
    const freeze = valuesOf(files, 'helm/values-01-freeze-controller.yaml').controller;
    expect(freeze.replicaCount).toBe(0);
    expect(freeze.podDisruptionBudget).toEqual({ enabled: false });
    expect(valuesOf(files, `helm/values-${plan.phases[1].id}.yaml`).controller.podDisruptionBudget).toEqual({ enabled: false });
    const last = valuesOf(files, `helm/values-${plan.phases[plan.phases.length - 1].id}.yaml`).controller;
    expect(last.replicaCount).toBeUndefined();
    expect(last.podDisruptionBudget).toBeUndefined();
  });

  test('controller.autoscaling: the freeze turns the HPA off with an explicit replicaCount 0, with a warning', () => {
    const spec = load(writeSpec('ingress', { ...pg, controller: { replicaCount: 2, autoscaling: { enabled: true, minReplicas: 2 } } }));
    expect(spec.warnings.join('\n')).toMatch(/controller\.autoscaling\.enabled: the HPA owns the replica count of kong-controller/);
    const { plan, files } = synthesize(spec);
    expect(valuesOf(files, 'helm/values-01-freeze-controller.yaml').controller).toMatchObject({ replicaCount: 0, autoscaling: { enabled: false } });
    expect(valuesOf(files, `helm/values-${plan.phases[plan.phases.length - 1].id}.yaml`).controller.autoscaling).toBeUndefined();
  });

  test('maintenance with autoscaling and a PDB: the gateways are really scaled to 0 (HPA and PDB off), then both come back', () => {
    const values = { replicaCount: 2, env: { database: 'postgres', router_flavor: 'expressions' }, autoscaling: { enabled: true, minReplicas: 2 }, podDisruptionBudget: { enabled: true } };
    const { plan, files } = synthesize(load(writeSpec('kong', values, { to: 'traditional', allowDowntime: true })));
    expect(plan.strategy).toBe('maintenance');
    const first = valuesOf(files, `helm/values-${plan.phases[0].id}.yaml`);
    expect(first).toMatchObject({ replicaCount: 0, autoscaling: { enabled: false }, podDisruptionBudget: { enabled: false } });
    const last = valuesOf(files, `helm/values-${plan.phases[plan.phases.length - 1].id}.yaml`);
    expect(last.replicaCount).toBeUndefined();
    expect(last.autoscaling).toBeUndefined();
    expect(last.podDisruptionBudget).toBeUndefined();
    // The preflight does not ask to pause an HPA the next helm upgrade would render again.
    expect(files.get('RUNBOOK.md')).toContain('get hpa   # one the chart renders (autoscaling.enabled) is turned off by the phases that scale');
  });
});

describe('deployment.daemonset', () => {
  test.each([
    ['kong', { deployment: { daemonset: true } }, /spec\.source\.helm\.values: deployment\.daemonset is true: the chart runs kong-kong as a DaemonSet/],
    ['ingress', { gateway: { deployment: { daemonset: true } } }, /spec\.source\.helm\.values: gateway\.deployment\.daemonset is true: the chart runs kong-gateway as a DaemonSet/],
  ] as const)('%s: refused with exit 2, naming the field and why', async (chart, values, message) => {
    const r = await cli('plan', writeSpec(chart, values));
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/plans, verifies and gates Deployments only/);
  });
});

describe('the restart annotation already at the target', () => {
  test('a release whose controller already has restart-for: expressions gets another value, so it restarts', () => {
    const values = { controller: { podAnnotations: { 'kong-flavor-migrator/restart-for': 'expressions' } } };
    const { plan, files } = synthesize(load(writeSpec('ingress', values)));
    const restart = plan.phases.find((p) => p.restartsController)!;
    const annotations = valuesOf(files, `helm/values-${restart.id}.yaml`).controller.podAnnotations;
    expect(annotations['kong-flavor-migrator/restart-for']).toBeDefined();
    expect(annotations['kong-flavor-migrator/restart-for']).not.toBe('expressions');
  });
});

/** Runs shell lines with a fake `helm` on PATH that prints `helmOutput` whatever it is asked (jq is real). */
function withFakeHelm(lines: readonly string[], helmOutput: string, cwd: string): string {
  const bin = tempDir();
  fs.writeFileSync(path.join(bin, 'helm-output'), helmOutput);
  fs.writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\ncat '${path.join(bin, 'helm-output')}'\n`, { mode: 0o755 });
  return execFileSync('bash', ['-c', lines.join('\n')], { cwd, encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
}

/** The lines of the sh blocks of a markdown text. */
const shellLines = (md: string) => [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.trim()));

/** Writes the output files under a fresh folder (the RUNBOOK's commands run from there). */
function outputDir(files: { paths(): string[]; get(p: string): string | undefined }): string {
  const dir = tempDir();
  for (const p of files.paths()) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), files.get(p)!);
  }
  return dir;
}

describe('RUNBOOK for a Helm source', () => {
  const plugin = { apiVersion: 'configuration.konghq.com/v1', kind: 'KongClusterPlugin', metadata: { name: '{{ .Release.Name }}-limit' }, plugin: 'rate-limiting', config: { minute: 5 } };
  const values = { controller: { extraObjects: [plugin] } };
  const { plan, files } = synthesize(load(writeSpec('ingress', values)));
  const md = files.get('RUNBOOK.md')!;
  const phases = md.slice(md.indexOf('## Phase by phase'), md.indexOf('## After the last phase'));

  test('Helm is the delivery path: no kubectl apply of the modelled phases, no Argo CD promotion; the helm upgrade of each phase', () => {
    expect(shellLines(phases).filter((l) => /kubectl apply|argocd app sync|kustomize/.test(l))).toEqual([]);
    expect(md).not.toContain('## Argo CD: one Application per phase');
    expect(md).toMatch(/`phases\/`, `kustomize\/` and `argocd\/` model the chart's Deployments .* a reference for review/);
    for (const p of plan.phases) expect(phases).toContain(`-f helm/values-${p.id}.yaml --wait`);
  });

  test('the values are saved once, before phase 01, never overwritten; the revision noted is the last deployed one', () => {
    const save = '[ -s kong-values-before.yaml ] || helm get values kong -n kong -o yaml > kong-values-before.yaml';
    expect(md.indexOf(save)).toBeGreaterThan(md.indexOf('## Before you start'));
    expect(md.indexOf(save)).toBeLessThan(md.indexOf('## Phase by phase'));
    expect(phases).not.toContain('helm get values');
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'kong-values-before.yaml'), 'gateway: {}\n');
    withFakeHelm([save], 'gateway:\n  replicaCount: 9\n', dir);
    expect(fs.readFileSync(path.join(dir, 'kong-values-before.yaml'), 'utf8')).toBe('gateway: {}\n');
    // A failed phase-01 upgrade leaves revision 3 failed and 2 deployed: a re-run notes 2 again.
    const capture = shellLines(phases).find((l) => l.startsWith('REV_KONG_01='))!;
    const history = JSON.stringify([{ revision: 1, status: 'superseded' }, { revision: 2, status: 'deployed' }, { revision: 3, status: 'failed' }]);
    expect(withFakeHelm([capture], history, dir)).toContain('phase 01 rolls kong back to revision 2\n');
  });

  test("before phase 01 the release's extraObjects must be the spec's: the check passes when they agree and says STOP when the release has more", () => {
    expect(JSON.parse(files.get('helm/kong-replaced-values.json')!)).toEqual({ 'controller.extraObjects': [plugin] });
    expect(files.get(`helm/values-${plan.phases[0].id}.yaml`)).toMatch(/# Helm replaces a list or a string from a later -f whole: controller\.extraObjects here is what the spec's values \(values\.yaml\) hold/);
    const before = md.slice(md.indexOf('## Before you start'), md.indexOf('## Phase by phase'));
    const check = shellLines(before).filter((l) => l.includes('replaced'));
    expect(check).toHaveLength(2);
    const dir = outputDir(files);
    const same = withFakeHelm(check, JSON.stringify({ controller: { extraObjects: [plugin] }, gateway: { replicaCount: 2 } }), dir);
    expect(same).toContain("kong: controller.extraObjects as in the spec's values");
    const more = withFakeHelm(check, JSON.stringify({ controller: { extraObjects: [plugin, { kind: 'Secret', metadata: { name: 'only-in-the-release' } }] } }), dir);
    expect(more).toMatch(/STOP: release kong runs other controller\.extraObjects than the spec's values files/);
  });

  test("after the last phase, the comparison drops only the plan's gate hooks: the last phase's values then equal the merged values", () => {
    const last = valuesOf(files, `helm/values-${plan.phases[plan.phases.length - 1].id}.yaml`);
    const final = valuesOf(files, 'helm/values-final.yaml');
    const after = md.slice(md.indexOf('## After the last phase'));
    const compare = shellLines(after).find((l) => l.startsWith('helm get values kong'))!;
    const shown = JSON.parse(withFakeHelm([compare], JSON.stringify(last), tempDir()));
    expect(shown).toEqual({ ...final, controller: { ...final.controller, extraObjects: [plugin] } });
  });
});

describe('feature_gates, a string the phases replace whole', () => {
  test("the check before phase 01 stops when the release runs other feature gates than the spec's values", () => {
    const values = { gateway: { replicaCount: 3, env: { router_flavor: 'expressions' } }, controller: { ingressController: { image: { tag: '2.12' }, env: { feature_gates: 'ExpressionRoutes=true' } } } };
    const { plan, files } = synthesize(load(writeSpec('ingress', values, { to: 'traditional' })));
    expect(valuesOf(files, `helm/values-${plan.phases[0].id}.yaml`).controller.ingressController.env.feature_gates).toBe('ExpressionRoutes=false');
    expect(JSON.parse(files.get('helm/kong-replaced-values.json')!)).toMatchObject({ 'controller.ingressController.env.feature_gates': 'ExpressionRoutes=true' });
    const md = files.get('RUNBOOK.md')!;
    const check = shellLines(md.slice(0, md.indexOf('## Phase by phase'))).filter((l) => l.includes('replaced'));
    const dir = outputDir(files);
    const release = (gates: string) => JSON.stringify({ controller: { ingressController: { env: { feature_gates: gates } } } });
    expect(withFakeHelm(check, release('ExpressionRoutes=true'), dir)).toContain('as in the spec');
    expect(withFakeHelm(check, release('ExpressionRoutes=true,FillIDs=true'), dir)).toMatch(/STOP: release kong runs other controller\.extraObjects \/ controller\.ingressController\.env\.feature_gates/);
  });
});

describe('kong/kong before 2.12.0 has no extraObjects', () => {
  test('the gate is not dropped: it is written for kubectl and the RUNBOOK applies and waits for it after the upgrade', () => {
    const values = { image: { tag: '3.4' }, ingressController: { image: { tag: '2.12' } } };
    const { plan, files } = synthesize(load(writeSpec('kong', values, {}, '2.11.0')));
    const phase = plan.phases[0];
    expect(valuesOf(files, `helm/values-${phase.id}.yaml`).extraObjects).toBeUndefined();
    expect(files.get(`helm/values-${phase.id}.yaml`)).toMatch(/kong\/kong 2\.11\.0 renders no extraObjects/);
    const gate = YAML.parseAllDocuments(files.get(`helm/gates/${phase.id}.yaml`)!).map((d) => d.toJS());
    expect(gate.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
    const job = gate[3];
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    const lines = shellLines(files.get('RUNBOOK.md')!);
    const upgrade = lines.findIndex((l) => l.startsWith(`helm upgrade kong kong/kong --version 2.11.0`));
    expect(upgrade).toBeGreaterThan(-1);
    expect(lines[upgrade + 1]).toBe(`kubectl apply -f helm/gates/${phase.id}.yaml`);
    expect(lines[upgrade + 2]).toMatch(new RegExp(`^gate_wait kong ${job.metadata.name} \\d+$`));
  });
});
