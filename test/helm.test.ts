import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { INGRESS_CHART_VALUES, KONG_CHART_DEFAULTS } from '../src/spec/source/chartDefaults';
import { chartFullname, helmMerge, valueAt } from '../src/spec/source/helm';
import { specFromText } from '../src/spec/load';
import { synthesize } from '../src/synth';
import { planMigration } from '../src/plan/planner';
import { FIXTURES, describeWithFixtures, tempDir } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHARTS = path.join(FIXTURES, 'kong-charts');

function helmSpec(chart: 'kong' | 'ingress', values: Any | undefined, extra: Any = {}, source: Any = {}) {
  const dir = tempDir();
  if (values) fs.writeFileSync(path.join(dir, 'values.yaml'), YAML.stringify(values));
  const text = YAML.stringify({
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: `${chart}-chart` },
    spec: { to: 'expressions', ...extra, source: { helm: { chart, release: 'kong', namespace: 'kong', ...(values ? { values: 'values.yaml' } : {}), ...source } } },
  });
  return specFromText(text, path.join(dir, 'spec.yaml'));
}

describe('Helm values merge and chart naming', () => {
  test('merges as Helm: maps by key, null deletes, lists replace', () => {
    expect(helmMerge({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { c: null, d: 3 }, l: [3] })).toEqual({ a: { b: 1, d: 3 }, l: [3] });
  });

  test('fullname: <release>-<chart>, nameOverride, fullnameOverride, 63 characters', () => {
    expect(chartFullname('kong', 'kong', {})).toBe('kong-kong');
    expect(chartFullname('kong', 'gateway', {})).toBe('kong-gateway');
    expect(chartFullname('edge', 'kong', { nameOverride: 'gw' })).toBe('edge-gw');
    expect(chartFullname('edge', 'kong', { fullnameOverride: 'my-kong' })).toBe('my-kong');
    expect(chartFullname('x'.repeat(60), 'kong', {})).toHaveLength(63);
  });
});

describeWithFixtures('Helm chart defaults match the published charts', () => {
  const kong = YAML.parse(fs.readFileSync(path.join(CHARTS, 'kong-3.4.1-values.yaml'), 'utf8'));
  const ingress = YAML.parse(fs.readFileSync(path.join(CHARTS, 'ingress-0.24.0-values.yaml'), 'utf8'));

  test.each([
    'deployment.kong.enabled',
    'env.database',
    'env.router_flavor',
    'image.repository',
    'image.tag',
    'admin.enabled',
    'admin.tls.containerPort',
    'ingressController.enabled',
    'ingressController.image.repository',
    'ingressController.image.tag',
    'ingressController.gatewayDiscovery.enabled',
    'ingressController.ingressClass',
    'replicaCount',
    'podAnnotations',
    'updateStrategy',
    'extraObjects',
  ])('kong/kong 3.4.1: %s', (key) => {
    expect(valueAt(KONG_CHART_DEFAULTS as unknown as Any, key)).toEqual(valueAt(kong, key));
  });

  test('kong/ingress 0.24.0: the embedded values are the published ones', () => {
    expect(helmMerge(ingress, {})).toMatchObject(INGRESS_CHART_VALUES as unknown as Any);
  });
});

describe('source.helm with the kong/ingress chart', () => {
  const values = { gateway: { replicaCount: 3, image: { tag: '3.9.1' } }, controller: { ingressController: { image: { tag: '3.4' } } } };
  const spec = helmSpec('ingress', values);

  test('infers names, labels, versions and the flavor from the defaults plus the user values', () => {
    expect(spec.from).toBe('traditional');
    expect(spec.topology).toBe('separate');
    expect(spec.database).toBe('off');
    expect(spec.gateway).toMatchObject({
      deployment: 'kong-gateway',
      image: 'kong:3.9.1',
      replicas: 3,
      proxyService: 'kong-gateway-proxy',
      adminService: 'kong-gateway-admin',
      selector: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/component': 'app', 'app.kubernetes.io/instance': 'kong' },
    });
    expect(spec.controller).toMatchObject({ deployment: 'kong-controller', image: 'kong/kubernetes-ingress-controller:3.4', webhookService: 'kong-controller-validation-webhook' });
    expect(spec.base.origin).toBe('helm');
  });

  test('-> expressions: values set gateway.env.router_flavor, then restart the controller through controller.podAnnotations', () => {
    const { plan, files } = synthesize(spec);
    expect(plan.phases.map((p) => p.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    const v1 = YAML.parse(files.get('helm/values-01-gateways-to-expressions.yaml')!);
    const v2 = YAML.parse(files.get('helm/values-02-restart-controller.yaml')!);
    // The chart's default strategy (none: Kubernetes' 25%/25%) is surge-only at 1 replica only; the roll sets maxUnavailable 0 at any count.
    expect(v1.gateway).toEqual({ env: { router_flavor: 'expressions' }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    expect(v1.controller.podAnnotations).toBeUndefined();
    expect(v2.gateway).toEqual({ env: { router_flavor: 'expressions' } });
    expect(v2.controller.podAnnotations).toEqual({ 'kong-flavor-migrator/restart-for': 'expressions' });
    // The gate travels as a post-upgrade hook, in apply order.
    const hooks: Any[] = v2.controller.extraObjects;
    expect(hooks.map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
    expect(hooks[3].metadata.annotations['helm.sh/hook']).toBe('post-upgrade');
    expect(Number(hooks[2].metadata.annotations['helm.sh/hook-weight'])).toBeLessThan(Number(hooks[3].metadata.annotations['helm.sh/hook-weight']));
    // Helm renders extraObjects with tpl: nothing in them may look like a template.
    expect(JSON.stringify(hooks)).not.toContain('{{');
    expect(files.get('helm/values-02-restart-controller.yaml')).toMatch(/^# Phase 02-restart-controller/);
  });

  test("the release's own controller.extraObjects stay: Helm replaces lists, so the gate comes after them", () => {
    const plugin = { apiVersion: 'configuration.konghq.com/v1', kind: 'KongClusterPlugin', metadata: { name: 'rate-limit', annotations: { 'kubernetes.io/ingress.class': 'kong' } }, plugin: 'rate-limiting', config: { minute: 5 } };
    const { files } = synthesize(helmSpec('ingress', { ...values, controller: { ...values.controller, extraObjects: [plugin] } }));
    const objects: Any[] = YAML.parse(files.get('helm/values-02-restart-controller.yaml')!).controller.extraObjects;
    expect(objects[0]).toEqual(plugin);
    expect(objects.slice(1).map((o) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
  });

  test('a user strategy with maxUnavailable > 0 becomes surge-only in phase 1 and is restored in phase 2', () => {
    const s = helmSpec('ingress', { ...values, gateway: { ...values.gateway, replicaCount: 4, updateStrategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } } });
    const { files } = synthesize(s);
    expect(YAML.parse(files.get('helm/values-01-gateways-to-expressions.yaml')!).gateway.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(YAML.parse(files.get('helm/values-02-restart-controller.yaml')!).gateway.updateStrategy).toBeUndefined();
  });

  test('blue-green is not offered from chart values: it needs the rendered release (helm get manifest) to copy', () => {
    const s = helmSpec('ingress', { ...values, gateway: { ...values.gateway, env: { router_flavor: 'expressions' } } }, { to: 'traditional' });
    const result = planMigration(s);
    expect(result.kind).toBe('refused');
    if (result.kind !== 'refused') return;
    expect(result.ruledOut.find((r) => r.strategy === 'blue-green')?.reason).toMatch(/helm get manifest kong -n kong.* as spec\.source\.manifests/);
    // With a maintenance window allowed, the values carry it.
    const { plan, files } = synthesize(helmSpec('ingress', { ...values, gateway: { ...values.gateway, env: { router_flavor: 'expressions' } } }, { to: 'traditional', allowDowntime: true }));
    expect(plan.strategy).toBe('maintenance');
    expect(YAML.parse(files.get(`helm/values-${plan.phases[0].id}.yaml`)!)).toMatchObject({ gateway: { replicaCount: 0 } });
  });
});

describe('source.helm with the kong/kong chart (sidecar)', () => {
  test('defaults: kong-kong, sidecar, DB-less, traditional; one rolling phase setting env.router_flavor', () => {
    const spec = helmSpec('kong', undefined, {}, { version: '3.4.1' });
    expect(spec).toMatchObject({ topology: 'sidecar', database: 'off', from: 'traditional' });
    expect(spec.gateway).toMatchObject({ deployment: 'kong-kong', image: 'kong:3.9', proxyService: 'kong-kong-proxy', adminReachable: false });
    expect(spec.gateway.sidecar).toMatchObject({ container: 'ingress-controller', image: 'kong/kubernetes-ingress-controller:3.5' });
    const { plan, files } = synthesize(spec);
    expect(plan.strategy).toBe('rolling');
    const v = YAML.parse(files.get('helm/values-01-gateways-to-expressions.yaml')!);
    expect(v.env).toEqual({ router_flavor: 'expressions' });
    expect(v.extraObjects.map((o: Any) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
  });

  test('fullnameOverride names the Deployment', () => {
    expect(helmSpec('kong', { fullnameOverride: 'edge' }, {}, { version: '3.4.1' }).gateway.deployment).toBe('edge');
  });
});
