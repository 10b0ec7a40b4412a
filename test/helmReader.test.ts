/**
 * The Helm reader on what real releases hold: the images the chart version renders, the ways
 * values pin images, one namespace, split releases, hybrid mode, wrong-chart values, and the
 * pinned helm commands of the output.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlanRefusedError } from '../src/errors';
import { chartDefaults, newestChartVersion } from '../src/spec/source/chartDefaults';
import { INGRESS_CHART_RELEASES, KONG_CHART_RELEASES } from '../src/spec/source/chartReleases';
import { InputError } from '../src/spec/errors';
import { specFromText } from '../src/spec/load';
import { synthesize } from '../src/synth';
import { verifiedPlan } from '../src/verification';
import { execFileSync } from 'child_process';
import { ROOT, tempDir } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A spec reading `helm` (one release or a list) with values files written from `values`. */
function helmSpec(helm: Any | Any[], values: Record<string, unknown> = {}, spec: Any = {}) {
  const dir = tempDir();
  for (const [file, v] of Object.entries(values)) fs.writeFileSync(path.join(dir, file), typeof v === 'string' ? v : YAML.stringify(v));
  const text = YAML.stringify({
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: 'helm-release' },
    spec: { to: 'expressions', ...spec, source: { helm } },
  });
  return specFromText(text, path.join(dir, 'spec.yaml'));
}

function inputErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected an input error');
}

function refusalOf(fn: () => unknown): PlanRefusedError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlanRefusedError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const ingress = (values?: string, extra: Any = {}) => ({ chart: 'ingress', release: 'kong', namespace: 'kong', ...(values ? { values } : {}), ...extra });
const kong = (values?: string, extra: Any = {}) => ({ chart: 'kong', release: 'kong', namespace: 'kong', ...(values ? { values } : {}), ...extra });

describe('chart versions: the images each release renders', () => {
  test('the table covers every kong/ingress release and the kong chart each packages (Chart.lock)', () => {
    expect(INGRESS_CHART_RELEASES.map((r) => r.version)).toContain('0.14.0');
    for (const r of INGRESS_CHART_RELEASES) expect(KONG_CHART_RELEASES.some((k) => k.version === r.kong)).toBe(true);
    expect(chartDefaults('ingress', '0.14.0')!.kong.version).toBe('2.41.0');
    expect(chartDefaults('ingress', '0.24.0')!.kong.version).toBe('3.2.0');
  });

  test('ingress 0.14.0 without pinned images runs Kong 3.6 and KIC 3.3: -> expressions is not a rolling plan', () => {
    const spec = helmSpec(ingress(undefined, { version: '0.14.0' }));
    expect(spec.gateway.image).toBe('kong:3.6');
    expect(spec.controller!.image).toBe('kong/kubernetes-ingress-controller:3.3');
    // Kong < 3.7 has no mixed mode; blue-green needs the rendered release, so there is no plan from values.
    const refusal = refusalOf(() => verifiedPlan(spec));
    expect(refusal.message).toMatch(/ruled out rolling: .*3\.7/);
    expect(refusal.message).toMatch(/helm get manifest kong -n kong/);
  });

  test('no chart version and no pinned image: exit 2 asking for the chart version or helm get manifest, never a guess', () => {
    const msg = inputErrorOf(() => helmSpec(ingress('values.yaml'), { 'values.yaml': { gateway: { replicaCount: 2 } } }));
    expect(msg).toMatch(/^spec\.source\.helm\.version: required: values\.yaml pin no Kong image \(gateway\.image\.tag\) and no controller image/);
    expect(msg).toMatch(/helm list -n kong: CHART ingress-X\.Y\.Z -> version: X\.Y\.Z/);
    expect(msg).toMatch(/helm get manifest kong -n kong > release\.yaml\) as spec\.source\.manifests/);
  });

  test('pinned images without a chart version are read, with a warning that names and defaults are modelled on the newest chart', () => {
    const spec = helmSpec(ingress('values.yaml'), { 'values.yaml': { gateway: { image: { tag: '3.9.1' } }, controller: { ingressController: { image: { tag: '3.4' } } } } });
    expect(spec.gateway.version.raw).toBe('3.9.1');
    expect(spec.warnings.join('\n')).toMatch(new RegExp(`version is not set: names and defaults are modelled on kong/ingress ${newestChartVersion('ingress')}`));
  });

  test('a chart version never released is refused with the releases near it; a newer one is modelled on the newest known, with a warning', () => {
    expect(inputErrorOf(() => helmSpec(ingress(undefined, { version: '0.14.5' })))).toMatch(/kong\/ingress 0\.14\.5 was never released; releases near it: .*0\.14\.1/);
    const pinned = { gateway: { image: { tag: '3.9' } }, controller: { ingressController: { image: { tag: '3.5' } } } };
    const spec = helmSpec(ingress('v.yaml', { version: '9.0.0' }), { 'v.yaml': pinned });
    expect(spec.warnings.join('\n')).toMatch(/kong\/ingress 9\.0\.0 is newer than the newest chart this tool knows/);
    expect(inputErrorOf(() => helmSpec(ingress(undefined, { version: '9.0.0' })))).toMatch(/version: required/);
  });

  test('helm list writes the chart version as ingress-0.14.0: that is read too', () => {
    expect(helmSpec(ingress(undefined, { version: 'ingress-0.14.0' })).gateway.image).toBe('kong:3.6');
  });
});

describe('every way the charts set an image', () => {
  test('image.unifiedRepoTag wins over repository and tag (Kong/charts ci/single-image-default-values.yaml)', () => {
    const values = { image: { unifiedRepoTag: 'kong:3.4' }, ingressController: { image: { unifiedRepoTag: 'kong/kubernetes-ingress-controller:3.0' } } };
    const spec = helmSpec(kong('v.yaml'), { 'v.yaml': values });
    expect(spec.gateway.image).toBe('kong:3.4');
    expect(spec.gateway.sidecar!.image).toBe('kong/kubernetes-ingress-controller:3.0');
    expect(spec.gateway.sidecar!.version.raw).toBe('3.0');
  });

  test('effectiveSemver gives the version of a tag that is not one (ci/custom-entities-rbac-3.2-values.yaml)', () => {
    const values = { image: { tag: '3.9' }, ingressController: { image: { repository: 'kong/nightly-ingress-controller', tag: '2024-06-09', effectiveSemver: '3.2' } } };
    const spec = helmSpec(kong('v.yaml'), { 'v.yaml': values });
    expect(spec.gateway.sidecar!.image).toBe('kong/nightly-ingress-controller:2024-06-09');
    expect(spec.gateway.sidecar!.version.raw).toBe('3.2');
  });

  test('-redhat and dated enterprise tags are read, not refused', () => {
    const spec = helmSpec(ingress('v.yaml'), {
      'v.yaml': { gateway: { image: { repository: 'kong/kong-gateway', tag: '3.10.0.2-20250101-ubuntu' } }, controller: { ingressController: { image: { tag: '3.4.1-redhat' } } } },
    });
    expect(spec.gateway.version).toMatchObject({ major: 3, minor: 10, build: 2 });
    expect(spec.controller!.version).toMatchObject({ major: 3, minor: 4, patch: 1 });
  });

  test('a tag that is not a version says which image of which Deployment it came from', () => {
    const msg = inputErrorOf(() => helmSpec(ingress('v.yaml', { version: '0.24.0' }), { 'v.yaml': { gateway: { image: { tag: 'latest' } } } }));
    expect(msg).toMatch(/spec\.gateway\.version: image "kong:latest" \(read from gateway\.image\.tag in v\.yaml \(Deployment kong-gateway\)\) has tag "latest"/);
  });

  test('KIC 3 refusing an old Kong names the default image and chart it came from', () => {
    const msg = inputErrorOf(() => helmSpec(ingress('v.yaml', { version: '0.24.0' }), { 'v.yaml': { gateway: { image: { tag: '3.3' } } } }));
    expect(msg).toMatch(/KIC 3\.5 \(spec\.controller\.version, read from the default ingressController\.image\.tag of kong\/ingress 0\.24\.0 \(Deployment kong-controller/);
  });
});

describe('one namespace, from one place', () => {
  test('a release without a namespace is upgraded in the namespace every gate and kubectl command uses', () => {
    const spec = helmSpec({ chart: 'ingress', release: 'kong', version: '0.24.0' });
    expect(spec.namespace).toBe('kong');
    expect(spec.helm!.namespace).toBe('kong');
    const { files } = synthesize(spec);
    const runbook = files.get('RUNBOOK.md')!;
    expect(runbook).not.toMatch(/-n default/);
    expect(runbook).toMatch(/helm upgrade kong kong\/ingress --version 0\.24\.0 -n kong /);
    expect(spec.warnings.join('\n')).toMatch(/spec\.source\.helm has no namespace/);
  });

  test('spec.namespace is the release namespace when the source gives none; a different one is refused', () => {
    expect(helmSpec({ chart: 'ingress', release: 'kong', version: '0.24.0' }, {}, { namespace: 'edge' }).helm!.namespace).toBe('edge');
    expect(inputErrorOf(() => helmSpec(ingress(undefined, { version: '0.24.0' }), {}, { namespace: 'edge' }))).toMatch(/^spec\.namespace: "edge" differs from kong/);
  });
});

describe('values that are not what the spec says they are', () => {
  test('kong/ingress values read as kong/kong say which chart they fit', () => {
    const msg = inputErrorOf(() => helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': { gateway: { replicaCount: 2 }, controller: {} } }));
    expect(msg).toMatch(/^spec\.source\.helm\.chart: .*top-level gateway and controller.*values for kong\/ingress \(set chart: ingress\)/);
  });

  test('kong/kong values read as kong/ingress say which chart they fit', () => {
    const msg = inputErrorOf(() => helmSpec(ingress('v.yaml', { version: '0.24.0' }), { 'v.yaml': { image: { tag: '3.9' }, env: { router_flavor: 'expressions' } } }));
    expect(msg).toMatch(/top-level image, env, which kong\/ingress ignores.*values for kong\/kong \(set chart: kong\)/);
  });

  test("an umbrella chart's values (kong/kong values under `kong:`) are refused, never read as chart defaults", () => {
    // NeorCloud/arvan-exchange-sh1-compute1 kong/values.yaml: a chart that depends on kong/kong 2.20.1.
    const umbrella = { issuer: { email: 'ops@example.com' }, kong: { image: { repository: 'registry.example.com/kong/kong-gateway', tag: '3.2' }, env: { database: 'postgres' }, enterprise: { enabled: true } } };
    const msg = inputErrorOf(() => helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': umbrella }));
    expect(msg).toMatch(/^spec\.source\.helm\.chart: v\.yaml holds Kong chart values under `kong`: the values of a chart that depends on kong\/kong or kong\/ingress \(an umbrella chart\)\. kong-flavor would run helm upgrade with kong\/kong itself, which replaces your chart/);
    const ingressUmbrella = { ingress: { gateway: { replicaCount: 2 }, controller: { replicaCount: 1 } } };
    expect(inputErrorOf(() => helmSpec(ingress('v.yaml', { version: '0.24.0' }), { 'v.yaml': ingressUmbrella }))).toMatch(/holds Kong chart values under `ingress`/);
  });

  test('bitnami/kong values are refused as another chart (database, image.registry), pointing at the rendered release', () => {
    const bitnami = { database: 'postgresql', image: { registry: 'docker.io', repository: 'bitnami/kong', tag: '3.9.0' }, ingressController: { enabled: true }, kong: { extraEnvVars: [] } };
    const msg = inputErrorOf(() => helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': bitnami }));
    expect(msg).toMatch(/^spec\.source\.helm\.chart: v\.yaml looks like values of the bitnami\/kong chart \(database, image\.registry\), not Kong's kong\/kong/);
    expect(msg).toContain('helm get manifest');
  });

  test('kong/kong values with a stray top-level gateway block: a warning that kong/kong ignores it, not a refusal under both charts', () => {
    const values = { gateway: { image: { repository: 'kong/kong-gateway', tag: '3.8' }, env: { database: 'off' } }, ingressController: { enabled: true }, autoscaling: { enabled: false }, image: { tag: '3.9' } };
    const spec = helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': values });
    expect(spec.warnings.join('\n')).toMatch(/v\.yaml has top-level gateway beside kong\/kong values \(ingressController, autoscaling, image\): kong\/kong does not read it/);
    expect(spec.gateway.image).toBe('kong:3.9');
  });

  test('env.database / env.router_flavor from valueFrom, or an envFrom list: spec.database and spec.from are asked for, never guessed', () => {
    const dbFrom = { env: { database: { valueFrom: { secretKeyRef: { name: 'kong', key: 'db' } } } }, image: { tag: '3.9' } };
    expect(inputErrorOf(() => helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': dbFrom }))).toBe(
      'spec.database: env.database comes from valueFrom; set spec.database to what the gateways run ("off" or postgres)',
    );
    // kong/kong before 2.13 sets no env.router_flavor, so an envFrom ConfigMap may set KONG_ROUTER_FLAVOR.
    const envFrom = { envFrom: [{ configMapRef: { name: 'kong-settings' } }], image: { tag: '3.4' } };
    expect(inputErrorOf(() => helmSpec(kong('v.yaml', { version: '2.12.0' }), { 'v.yaml': envFrom }))).toBe(
      'spec.from: envFrom may set KONG_ROUTER_FLAVOR (env.router_flavor is not set); set spec.from to the flavor the gateways run',
    );
    expect(helmSpec(kong('v.yaml', { version: '2.12.0' }), { 'v.yaml': envFrom }, { from: 'traditional' }).from).toBe('traditional');
    // From 2.13 the chart renders env.router_flavor itself, an env entry, which wins over envFrom: read as written.
    expect(helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': { ...envFrom, image: { tag: '3.9' } } }).from).toBe('traditional');
  });

  test('a rendered release given as values says how many objects it holds and to use source.manifests', () => {
    const rendered = '# Source: x\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: b }\n';
    const msg = inputErrorOf(() => helmSpec(ingress('release.yaml', { version: '0.24.0' }), { 'release.yaml': rendered }));
    expect(msg).toMatch(/^spec\.source\.helm\.values: release\.yaml holds 2 Kubernetes objects \(Service, Deployment\), not chart values: a rendered release \(helm get manifest\) goes in spec\.source\.manifests/);
  });
});

describe('hybrid mode is refused (exit 3), naming it and what to do', () => {
  test.each([
    ['control plane', { env: { role: 'control_plane', database: 'postgres' } }],
    ['data plane', { env: { role: 'data_plane', database: 'off' }, ingressController: { enabled: false } }],
  ])('kong/kong %s values', (_, values) => {
    const refusal = refusalOf(() => helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': values }));
    expect(refusal.message).toMatch(/hybrid mode: env\.role: (control_plane|data_plane) \(Deployment kong-kong\)/);
    expect(refusal.message).toMatch(/What to do: change router_flavor on the control plane and on every data plane/);
    expect(refusal.message).toMatch(/ruled out rolling: hybrid mode .* is not modelled/);
  });

  test('a Konnect data plane already on the target: says nothing on it changes, and gives Konnect advice (no controller to scale)', () => {
    const values = { env: { role: 'data_plane', database: 'off', konnect_mode: 'on', router_flavor: 'expressions' }, ingressController: { enabled: false } };
    const refusal = refusalOf(() => helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': values }));
    expect(refusal.message).toContain('This data plane already runs expressions: nothing on it changes. What is refused is hybrid mode, not this flavor.');
    expect(refusal.message).toContain('the control plane is Konnect (no release or controller of yours to change there)');
    expect(refusal.message).not.toContain('scale the controller to 0');
  });
});

describe('gateway discovery as two kong/kong releases (example-values/minimal-kong-gd-*.yaml)', () => {
  const gw = { admin: { enabled: true, type: 'ClusterIP', clusterIP: 'None' }, ingressController: { enabled: false }, replicaCount: 3, image: { tag: '3.9' } };
  const ctrl = {
    deployment: { kong: { enabled: false } },
    proxy: { nameOverride: 'gw-kong-proxy' },
    ingressController: { enabled: true, gatewayDiscovery: { enabled: true, adminApiService: { name: 'gw-kong-admin' } }, image: { tag: '3.4' } },
  };
  const releases = [
    { chart: 'kong', release: 'gw', namespace: 'kong', values: 'gw.yaml', version: '3.4.1' },
    { chart: 'kong', release: 'ctrl', namespace: 'kong', values: 'ctrl.yaml', version: '3.4.1' },
  ];

  test('one release alone says what it runs and how to give both', () => {
    expect(inputErrorOf(() => helmSpec(releases[0], { 'gw.yaml': gw }))).toMatch(/release gw runs the gateways without a controller \(ingressController\.enabled: false\).*give both as a list/);
    expect(inputErrorOf(() => helmSpec(releases[1], { 'ctrl.yaml': ctrl }))).toMatch(/release ctrl runs only the controller \(deployment\.kong\.enabled: false, gateway discovery through gw-kong-admin's admin Service\).*give both as a list/);
  });

  test('both releases: each phase upgrades the release it changes, with its own values file and commands', () => {
    const spec = helmSpec(releases, { 'gw.yaml': gw, 'ctrl.yaml': ctrl });
    expect(spec.topology).toBe('separate');
    expect(spec.gateway).toMatchObject({ deployment: 'gw-kong', adminService: 'gw-kong-admin', replicas: 3 });
    expect(spec.controller).toMatchObject({ deployment: 'ctrl-kong' });
    const { plan, files } = synthesize(spec);
    expect(plan.phases.map((p) => p.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    // Phase 01 changes the gateway release only.
    expect(YAML.parse(files.get('helm/gw/values-01-gateways-to-expressions.yaml')!)).toMatchObject({ env: { router_flavor: 'expressions' } });
    expect(files.get('helm/ctrl/values-01-gateways-to-expressions.yaml')).toBeUndefined();
    const v2 = YAML.parse(files.get('helm/ctrl/values-02-restart-controller.yaml')!);
    expect(v2.podAnnotations).toEqual({ 'kong-flavor-migrator/restart-for': 'expressions' });
    expect(v2.extraObjects.map((o: Any) => o.kind)).toEqual(['ServiceAccount', 'Role', 'RoleBinding', 'Job']);
    // The gateway release gets its own strategy back in phase 02 (phase 01 rolled surge-only): no pod-template change.
    expect(YAML.parse(files.get('helm/gw/values-02-restart-controller.yaml')!)).toEqual({ env: { router_flavor: 'expressions' } });
    const runbook = files.get('RUNBOOK.md')!;
    expect(runbook).toMatch(/\[ -s gw-values-before\.yaml \] \|\| helm get values gw -n kong -o yaml > gw-values-before\.yaml\n/);
    expect(runbook).toMatch(/\[ -s ctrl-values-before\.yaml \] \|\| helm get values ctrl -n kong -o yaml > ctrl-values-before\.yaml\n/);
    expect(runbook).toMatch(/helm upgrade gw kong\/kong --version 3\.4\.1 -n kong -f gw-values-before\.yaml -f helm\/gw\/values-01-gateways-to-expressions\.yaml/);
    expect(runbook).toMatch(/helm upgrade ctrl kong\/kong --version 3\.4\.1 -n kong -f ctrl-values-before\.yaml -f helm\/ctrl\/values-02-restart-controller\.yaml/);
  });
});

describe('admin API auth from chart values (the gates read the admin API)', () => {
  test('gateway.admin.tls.client.* or enterprise RBAC: a warning naming the value', () => {
    const spec = helmSpec(ingress('v.yaml', { version: '0.24.0' }), { 'v.yaml': { gateway: { admin: { tls: { client: { secretName: 'admin-ca' } } } } } });
    expect(spec.warnings.join('\n')).toMatch(/kong-gateway requires a client certificate \(gateway\.admin\.tls\.client\.\*\) on its admin API: the gates read GET \//);
    const rbac = helmSpec(ingress('v.yaml', { version: '0.24.0' }), { 'v.yaml': { gateway: { enterprise: { enabled: true, rbac: { enabled: true } } } } });
    expect(rbac.warnings.join('\n')).toMatch(/an RBAC token \(gateway\.enterprise\.rbac\.enabled\)/);
  });

  test('not for a sidecar gateway, whose gate never reads the admin API', () => {
    const spec = helmSpec(kong('v.yaml', { version: '3.4.1' }), { 'v.yaml': { admin: { tls: { client: { secretName: 'admin-ca' } } } } });
    expect(spec.warnings.join('\n')).not.toMatch(/client certificate/);
  });
});

describe('helm commands are pinned and start from the release', () => {
  test('every helm upgrade pins --version, starts from helm get values, and each phase has a helm rollback', () => {
    const { plan, files } = synthesize(helmSpec(ingress(undefined, { version: '0.24.0' })));
    const runbook = files.get('RUNBOOK.md')!;
    const upgrades = runbook.split('\n').filter((l) => l.startsWith('helm upgrade'));
    expect(upgrades).toHaveLength(plan.phases.length);
    for (const u of upgrades) expect(u).toMatch(/^helm upgrade kong kong\/ingress --version 0\.24\.0 -n kong -f kong-values-before\.yaml -f helm\/values-\d\d-[a-z-]+\.yaml --wait/);
    expect(runbook).toMatch(/helm get values kong -n kong -o yaml > kong-values-before\.yaml/);
    for (const p of plan.phases) {
      expect(runbook).toContain(`REV_KONG_${p.id.slice(0, 2)}=$(helm history kong -n kong -o json | jq -r '[.[] | select(.status == "deployed")] | last | .revision')`);
      expect(runbook).toContain(`helm rollback kong "$REV_KONG_${p.id.slice(0, 2)}" -n kong --wait`);
      expect(files.get(`helm/values-${p.id}.yaml`)).toMatch(/# helm upgrade kong kong\/ingress --version 0\.24\.0 -n kong -f kong-values-before\.yaml/);
    }
  });

  test('without a chart version, the commands read it from the release rather than take the newest in the cache', () => {
    const spec = helmSpec(ingress('v.yaml'), { 'v.yaml': { gateway: { image: { tag: '3.9' } }, controller: { ingressController: { image: { tag: '3.5' } } } } });
    const runbook = synthesize(spec).files.get('RUNBOOK.md')!;
    expect(runbook).toContain(`CHART_KONG=$(helm list -n kong --filter '^kong$' -o yaml | sed -n 's/^ *chart: ingress-//p')`);
    expect(runbook).toMatch(/helm upgrade kong kong\/ingress --version "\$CHART_KONG" /);
  });
});

describe('the chart table is what Kong/charts holds at its tags', () => {
  const clone = ['repo', ''].map((d) => path.join(process.env.KONG_FLAVOR_MIRRORS ?? '/work/.mirror', 'Kong+charts', d)).find((d) => fs.existsSync(path.join(d, 'HEAD')));
  (clone ? test : test.skip)(`scripts/chart-releases.js regenerates src/spec/source/chartReleases.ts byte for byte${clone ? '' : ' (skipped: no clone of Kong/charts under $KONG_FLAVOR_MIRRORS or /work/.mirror)'}`, () => {
    const out = execFileSync('node', [path.join(ROOT, 'scripts', 'chart-releases.js'), clone!], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const committed = fs.readFileSync(path.join(ROOT, 'src', 'spec', 'source', 'chartReleases.ts'), 'utf8');
    if (out !== committed) throw new Error(`src/spec/source/chartReleases.ts differs from what ${clone} holds (new chart releases?): node scripts/chart-releases.js ${clone} > src/spec/source/chartReleases.ts`);
  }, 120_000);
});
