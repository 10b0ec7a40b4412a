/**
 * What the manifests reader says when the input is not what it expects: each message names
 * the cause and the fix. And what it does with Konnect sync and hybrid mode.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlanRefusedError } from '../src/errors';
import { InputError } from '../src/spec/errors';
import { specFromText } from '../src/spec/load';
import { synthesize } from '../src/synth';
import { tempDir } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));

function deployment(name: string, containers: Any[], ns = 'kong', replicas = 2): Any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers } } },
  };
}
const gatewayContainer = (extra: Record<string, string> = {}) => ({
  name: 'proxy',
  image: 'kong:3.9',
  env: env({ KONG_DATABASE: 'off', KONG_ROUTER_FLAVOR: 'expressions', KONG_ADMIN_LISTEN: '0.0.0.0:8444 http2 ssl', ...extra }),
});
const controllerContainer = (extra: Record<string, string> = {}) => ({
  name: 'ingress-controller',
  image: 'kong/kubernetes-ingress-controller:3.4',
  env: env({ CONTROLLER_KONG_ADMIN_SVC: 'kong/kong-admin', CONTROLLER_PUBLISH_SERVICE: 'kong/kong-proxy', ...extra }),
});
const service = (name: string, app: string, port: number): Any => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'kong' },
  spec: { selector: { app }, ports: [{ name: name === 'kong-proxy' ? 'proxy' : 'admin', port, targetPort: port }] },
});
const installation = (gw: Any = gatewayContainer(), ctrl: Any = controllerContainer()) => [
  deployment('proxy-kong', [gw]),
  deployment('ingress-kong', [ctrl], 'kong', 1),
  service('kong-proxy', 'proxy-kong', 8000),
  service('kong-admin', 'proxy-kong', 8444),
];
const yamlOf = (objects: unknown[]) => objects.map((o) => YAML.stringify(o)).join('---\n');

/** A spec reading `manifests` (file names in `files`, written into one folder). */
function load(files: Record<string, string>, manifests: string | string[] = Object.keys(files)[0], spec: Any = {}) {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const text = YAML.stringify({ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'x' }, spec: { to: 'traditional', ...spec, source: { manifests } } });
  return specFromText(text, path.join(dir, 'spec.yaml'));
}

function failure(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
}

describe('messages that say what to do', () => {
  test('chart values given as manifests: say which chart they fit and to use source.helm', () => {
    const e = failure(() => load({ 'values.yaml': YAML.stringify({ gateway: { replicaCount: 2 }, controller: {} }) }));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(/values\.yaml holds chart values \(top-level gateway, controller\), not Kubernetes objects: give them as spec\.source\.helm: \{ chart: ingress/);
  });

  test('a Kustomize folder: give the output of kubectl kustomize', () => {
    const e = failure(() => load({ 'base/kustomization.yaml': 'resources: [kong.yaml]\n', 'base/kong.yaml': yamlOf(installation()) }, 'base'));
    expect(e.message).toMatch(/"base" is a Kustomize folder \(it has a kustomization file\): give its output instead, kubectl kustomize .*base > kong\.yaml/);
  });

  test("KIC's deprecated all-in-one placeholder (3.x deploy/single/) points to what to give instead", () => {
    const stub = '# DEPRECATED\napiVersion: please-use-helm-to-install-kong\nkind: Deprecated\n';
    const e = failure(() => load({ 'all-in-one-dbless.yaml': stub }));
    expect(e.message).toMatch(/KIC's deprecated all-in-one placeholder \(kind: Deprecated.*\), not an installation: give what runs in the cluster \(kubectl get deploy,svc/);
  });

  test('Kong Gateway Operator objects are named, and the operator is said to be unsupported', () => {
    const dp = { apiVersion: 'gateway-operator.konghq.com/v1beta1', kind: 'DataPlane', metadata: { name: 'edge', namespace: 'kong' }, spec: {} };
    const cp = { apiVersion: 'gateway-operator.konghq.com/v1beta1', kind: 'ControlPlane', metadata: { name: 'edge-cp', namespace: 'kong' }, spec: {} };
    const e = failure(() => load({ 'kgo.yaml': yamlOf([dp, cp]) }));
    expect(e.message).toMatch(/DataPlane edge, ControlPlane edge-cp: Kong Gateway Operator objects\. kong-flavor does not support the operator yet/);
  });

  test('the same Deployment in two files: both files are named', () => {
    const text = yamlOf(installation());
    const e = failure(() => load({ 'a/kong.yaml': text, 'b/kong.yaml': text }, ['a/kong.yaml', 'b/kong.yaml']));
    expect(e.message).toMatch(/Deployment kong\/proxy-kong is in the manifests 2 times \(a\/kong\.yaml, b\/kong\.yaml\); give each object once/);
  });

  test('spec.gateway.deployment naming the controller Deployment says so and where it goes', () => {
    const e = failure(() => load({ 'kong.yaml': yamlOf(installation()) }, 'kong.yaml', { gateway: { deployment: 'ingress-kong' } }));
    expect(e.message).toMatch(/^spec\.gateway\.deployment: Deployment ingress-kong is the controller .*not a Kong gateway; Kong gateway Deployments there: kong\/proxy-kong; name it in spec\.controller\.deployment instead/);
  });

  test('a version refused for a field the user did not write names the image and its Deployment', () => {
    const gw = { ...gatewayContainer(), image: 'kong:3.3' };
    const e = failure(() => load({ 'kong.yaml': yamlOf(installation(gw)) }));
    expect(e.message).toMatch(/KIC 3\.4 \(spec\.controller\.version, read from container ingress-controller of Deployment kong\/ingress-kong.*refuses to start with Kong 3\.3 \(container proxy of Deployment kong\/proxy-kong/);
  });

  test('a spec.namespace override of manifests in another namespace is refused, naming both', () => {
    const e = failure(() => load({ 'kong.yaml': yamlOf(installation()) }, 'kong.yaml', { namespace: 'edge' }));
    expect(e.message).toMatch(/^spec\.namespace: "edge" differs from kong, the namespace of Deployment proxy-kong \(kong\.yaml\)/);
  });

  test('an admin API that needs a client certificate is a warning in separate topology', () => {
    const spec = load({ 'kong.yaml': yamlOf(installation(gatewayContainer({ KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT: 'on' }))) });
    expect(spec.warnings.join('\n')).toMatch(/proxy-kong requires a client certificate or an RBAC token on its admin API/);
  });
});

describe('hybrid mode in manifests (KONG_ROLE)', () => {
  test('a control plane is refused with exit 3, naming hybrid mode and what to do', () => {
    const e = failure(() => load({ 'kong.yaml': yamlOf(installation(gatewayContainer({ KONG_ROLE: 'control_plane', KONG_DATABASE: 'postgres' }))) }));
    expect(e).toBeInstanceOf(PlanRefusedError);
    expect(e.message).toMatch(/hybrid mode: KONG_ROLE=control_plane on Deployment proxy-kong \(kong\.yaml\) makes this a control plane/);
    expect(e.message).toMatch(/What to do:/);
  });

  test('a control plane and its data planes in one file: hybrid mode, not "two gateway Deployments"', () => {
    const cp = deployment('kong-cp', [gatewayContainer({ KONG_ROLE: 'control_plane', KONG_DATABASE: 'postgres' })]);
    const dp = deployment('kong-dp', [gatewayContainer({ KONG_ROLE: 'data_plane' })]);
    const e = failure(() => load({ 'hybrid.yaml': yamlOf([cp, dp]) }));
    expect(e).toBeInstanceOf(PlanRefusedError);
    expect(e.message).toMatch(/^no plan for x \(expressions -> traditional\):\n {2}hybrid mode: KONG_ROLE=control_plane on Deployment kong-cp/);
  });
});

describe('Konnect sync in blue-green', () => {
  test('the green controller syncs to Konnect only once blue is removed, and the plan says so', () => {
    const spec = load({ 'kong.yaml': yamlOf(installation(gatewayContainer(), controllerContainer({ CONTROLLER_KONNECT_SYNC_ENABLED: 'true' }))) });
    expect(spec.controller!.konnectSync).toBe(true);
    const { plan, files } = synthesize(spec);
    expect(plan.strategy).toBe('blue-green');
    expect(plan.reasons.join('\n')).toMatch(/Konnect: ingress-kong-green starts with CONTROLLER_KONNECT_SYNC_ENABLED=false/);
    const konnect = (file: string) => (YAML.parse(files.get(file)!).spec.template.spec.containers[0].env as Any[]).find((e) => e.name === 'CONTROLLER_KONNECT_SYNC_ENABLED')?.value;
    expect(konnect('phases/01-green-stack-up/02-deployment-ingress-kong-green.yaml')).toBe('false');
    const last = files.paths().find((f) => /^phases\/04-remove-blue\/\d\d-deployment-ingress-kong-green\.yaml$/.test(f))!;
    expect(konnect(last)).toBe('true');
    expect(plan.verification!.safe).toBe(true);
  });
});
