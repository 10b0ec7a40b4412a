/**
 * The Helm output against the rules of the Kong/charts templates at the chart version a release
 * runs: what `helm upgrade` renders from the phase values (update strategy, replicas with an
 * HPA or a PodDisruptionBudget, the controller restart), the objects the chart names
 * (ServiceAccount), and what is refused (DaemonSets).
 */
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
