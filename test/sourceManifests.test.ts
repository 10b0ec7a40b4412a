import * as path from 'path';
import * as YAML from 'yaml';
import { InputError } from '../src/spec/errors';
import { specFromText } from '../src/spec/load';
import { synthesize } from '../src/synth';
import { FIXTURES, describeWithFixtures, tempDir } from './helpers';
import * as fs from 'fs';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const KIC = path.join(FIXTURES, 'kic-3.5');

function specFor(manifests: string | string[], spec: Record<string, unknown>): string {
  return YAML.stringify({
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: 'fixture' },
    spec: { ...spec, source: { manifests } },
  });
}

const load = (manifests: string | string[], spec: Record<string, unknown>) => specFromText(specFor(manifests, spec), path.join(KIC, 'spec.yaml'));

function fixtureObjects(file: string): Any[] {
  return YAML.parseAllDocuments(fs.readFileSync(path.join(KIC, file), 'utf8'))
    .map((d) => d.toJS())
    .filter(Boolean);
}

const containerPaths = (d: Any) => d.spec.template.spec.containers.map((c: Any) => ({ ...c, env: undefined }));

describeWithFixtures('source.manifests: KIC 3.5 all-in-one (DB-less, separate)', () => {
  const spec = load('all-in-one-dbless.yaml', { to: 'traditional_compatible' });

  test('infers everything from the manifests', () => {
    expect(spec.from).toBe('expressions');
    expect(spec.namespace).toBe('kong');
    expect(spec.topology).toBe('separate');
    expect(spec.database).toBe('off');
    expect(spec.gateway).toMatchObject({ deployment: 'proxy-kong', container: 'proxy', image: 'kong:3.9', replicas: 2, adminService: 'kong-admin', proxyService: 'kong-proxy', adminPort: 8444, adminScheme: 'https', adminReachable: true, selector: { app: 'proxy-kong' } });
    expect(spec.controller).toMatchObject({ deployment: 'ingress-kong', container: 'ingress-controller', image: 'kong/kubernetes-ingress-controller:3.5', replicas: 1, webhookService: 'kong-validation-webhook', selector: { app: 'ingress-kong' } });
    expect(spec.inferred).toEqual(expect.arrayContaining(['spec.from', 'spec.gateway.image', 'spec.controller.image']));
  });

  test('-> traditional_compatible is blue-green, and the green Deployment keeps the fixture pod spec', () => {
    const { plan, files } = synthesize(spec);
    expect(plan.strategy).toBe('blue-green');
    const green = YAML.parse(files.get('phases/01-green-stack-up/03-deployment-proxy-kong-green.yaml')!);
    const blue = fixtureObjects('all-in-one-dbless.yaml').find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    expect(containerPaths(green)).toEqual(containerPaths(blue));
    expect(green.spec.template.spec.volumes).toEqual(blue.spec.template.spec.volumes);
    expect(green.spec.template.metadata.annotations).toEqual(blue.spec.template.metadata.annotations);
    const env = green.spec.template.spec.containers[0].env;
    expect(env.filter((e: Any, i: number) => JSON.stringify(e) !== JSON.stringify(blue.spec.template.spec.containers[0].env[i]))).toEqual([
      { name: 'KONG_ROUTER_FLAVOR', value: 'traditional_compatible' },
    ]);
  });

  test('blue-green moves every Service on the gateway pods at cutover, each gated on its endpoints', () => {
    const dir = tempDir();
    const internal = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kong-proxy-internal', namespace: 'kong', labels: { tier: 'internal' } }, spec: { type: 'LoadBalancer', selector: { app: 'proxy-kong' }, ports: [{ name: 'proxy', port: 80, targetPort: 8000, protocol: 'TCP' }] } };
    fs.writeFileSync(path.join(dir, 'internal.yaml'), YAML.stringify(internal));
    const s = load([path.join(KIC, 'all-in-one-dbless.yaml'), path.join(dir, 'internal.yaml')], { to: 'traditional_compatible' });
    const { plan, files } = synthesize(s);
    expect(plan.verification?.safe).toBe(true);
    const cutover = plan.phases.find((p) => p.id === '02-cutover')!;
    expect(cutover.changes.map((c) => `${c.kind} ${c.name}`)).toEqual(expect.arrayContaining(['Service kong-proxy', 'Service kong-proxy-internal']));
    expect(cutover.gate.checks).toEqual(expect.arrayContaining([{ check: 'endpoints', service: 'kong-proxy-internal', selector: { app: 'proxy-kong-green' }, soakSeconds: 60 }]));
    const moved = YAML.parse(files.get('phases/02-cutover/02-service-kong-proxy-internal.yaml')!);
    expect(moved.spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'proxy-kong-green' } });
    expect(moved.metadata.labels).toEqual({ tier: 'internal' });
    const green = YAML.parse(files.get('phases/01-green-stack-up/03-deployment-proxy-kong-green.yaml')!);
    expect(green.spec.template.metadata.labels).toMatchObject(moved.spec.selector);
    // Rolling the cutover back points it at blue again.
    expect(YAML.parse(files.get('phases/02-cutover/rollback/02-service-kong-proxy-internal.yaml')!).spec.selector).toEqual({ app: 'proxy-kong' });
  });

  test('warns about an HPA on the gateways and an admin API the gates cannot read', () => {
    const dir = tempDir();
    const objects = fixtureObjects('all-in-one-dbless.yaml').map((o) => {
      if (o.kind === 'Deployment' && o.metadata.name === 'proxy-kong') o.spec.template.spec.containers[0].env.push({ name: 'KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT', value: 'on' });
      return o;
    });
    objects.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'proxy-kong', namespace: 'kong' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'proxy-kong' }, minReplicas: 2, maxReplicas: 6 } });
    fs.writeFileSync(path.join(dir, 'kong.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
    const s = load(path.join(dir, 'kong.yaml'), { to: 'traditional_compatible' });
    expect(s.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^HorizontalPodAutoscaler proxy-kong scales proxy-kong: the phases set replicas to 2/),
        expect.stringMatching(/^proxy-kong requires a client certificate or an RBAC token on its admin API/),
      ]),
    );
  });

  test('KIC settings given as flags in args (which win over env) are read there and changed there', () => {
    const dir = tempDir();
    const objects = fixtureObjects('all-in-one-dbless.yaml').map((o) => {
      if (o.kind !== 'Deployment' || o.metadata.name !== 'ingress-kong') return o;
      const c = o.spec.template.spec.containers[0];
      c.env = c.env.filter((e: Any) => !['CONTROLLER_KONG_ADMIN_SVC', 'CONTROLLER_PUBLISH_SERVICE'].includes(e.name));
      c.args = ['--kong-admin-svc', 'kong/kong-admin', '--publish-service=kong/kong-proxy', '--election-id=edge-leader'];
      return o;
    });
    fs.writeFileSync(path.join(dir, 'kong.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
    const s = load(path.join(dir, 'kong.yaml'), { to: 'traditional_compatible' });
    expect(s.controller?.electionId).toBe('edge-leader');
    expect(s.gateway).toMatchObject({ adminService: 'kong-admin', proxyService: 'kong-proxy' });
    const { plan, files } = synthesize(s);
    expect(plan.strategy).toBe('blue-green');
    const green = YAML.parse(files.get('phases/01-green-stack-up/02-deployment-ingress-kong-green.yaml')!).spec.template.spec.containers[0];
    // The flags are rewritten in place (an env var beside them would be ignored); the rest goes to env.
    expect(green.args).toEqual(['--kong-admin-svc=kong/kong-admin-green', '--publish-service=kong/kong-proxy', '--election-id=edge-leader-green']);
    const env = Object.fromEntries(green.env.filter((e: Any) => e.value !== undefined).map((e: Any) => [e.name, e.value]));
    expect(env.CONTROLLER_ELECTION_ID).toBeUndefined();
    expect(env.CONTROLLER_KONG_ADMIN_SVC).toBeUndefined();
    expect(env.CONTROLLER_UPDATE_STATUS).toBe('false');
  });

  test('-> expressions from traditional (edited fixture): proxy-kong and ingress-kong keep containers, probes and ports; only the plan changes differ', () => {
    const dir = tempDir();
    const text = fs.readFileSync(path.join(KIC, 'all-in-one-dbless.yaml'), 'utf8').replace('value: expressions', 'value: traditional');
    fs.writeFileSync(path.join(dir, 'aio.yaml'), text);
    const s = specFromText(specFor('aio.yaml', { to: 'expressions' }), path.join(dir, 'spec.yaml'));
    const { plan, files } = synthesize(s);
    expect(plan.phases.map((p) => p.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    const original = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean) as Any[];
    const gwBefore = original.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    const ctrlBefore = original.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong');
    const gw = YAML.parse(files.get('phases/01-gateways-to-expressions/01-deployment-proxy-kong.yaml')!);
    const ctrl = YAML.parse(files.get('phases/02-restart-controller/01-deployment-ingress-kong.yaml')!);
    // The fixture's default strategy (25%/25%) is surge-only at 2 replicas only: phase 01 rolls with
    // maxUnavailable 0, and phase 02 gives the strategy back (no pod-template change).
    expect(files.paths().filter((p) => p.startsWith('phases/02-restart-controller/') && p.includes('deployment'))).toEqual([
      'phases/02-restart-controller/01-deployment-ingress-kong.yaml',
      'phases/02-restart-controller/02-deployment-proxy-kong.yaml',
      'phases/02-restart-controller/rollback/01-deployment-ingress-kong.yaml',
      'phases/02-restart-controller/rollback/02-deployment-proxy-kong.yaml',
    ]);
    // Gateway: the flavor env and the surge-only strategy; everything else as in the fixture (no
    // annotation of ours on the object: final/ declares it the same way).
    const expectedGw = structuredClone(gwBefore);
    expectedGw.spec.template.spec.containers[0].env.find((e: Any) => e.name === 'KONG_ROUTER_FLAVOR').value = 'expressions';
    expectedGw.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    expect(gw).toEqual(expectedGw);
    const gw2 = YAML.parse(files.get('phases/02-restart-controller/02-deployment-proxy-kong.yaml')!);
    expect(gw2.spec.template).toEqual(gw.spec.template);
    expect(gw2.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    // Controller: only the restart annotation.
    const expectedCtrl = structuredClone(ctrlBefore);
    expectedCtrl.spec.template.metadata.annotations['kong-flavor-migrator/restart-for'] = 'expressions';
    expect(ctrl).toEqual(expectedCtrl);
  });
});

describeWithFixtures('source.manifests: Postgres fixtures', () => {
  test('sidecar (all-in-one-postgres): topology, database, flavor and the literal password warning', () => {
    const spec = load('all-in-one-postgres.yaml', { to: 'traditional' });
    expect(spec.topology).toBe('sidecar');
    expect(spec.database).toBe('postgres');
    expect(spec.from).toBe('traditional_compatible');
    expect(spec.gateway.sidecar).toMatchObject({ container: 'ingress-controller', image: 'kong/kubernetes-ingress-controller:3.5' });
    expect(spec.gateway.adminReachable).toBe(false);
    expect(spec.warnings.join('\n')).toMatch(/KONG_PG_PASSWORD as literal values/);
    const { plan } = synthesize(spec);
    expect(plan.strategy).toBe('rolling');
  });

  test('literal passwords are reported wherever they are copied: init containers, the database StatefulSet, the migrations Job', () => {
    const warnings = load('all-in-one-postgres-multiple-gateways.yaml', { to: 'expressions' }).warnings.filter((w) => w.includes('as literal values'));
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment proxy-kong sets proxy\/KONG_PG_PASSWORD as literal values; they are copied as-is into phases\/, kustomize\/, argocd\/ \(hook Jobs included\) and final\/: move them to a Secret/),
        expect.stringMatching(/^Deployment ingress-kong sets wait-for-migrations\/KONG_PG_PASSWORD as literal values/),
        expect.stringMatching(/^StatefulSet postgres sets postgres\/POSTGRES_PASSWORD as literal values; they are copied as-is into final\//),
        expect.stringMatching(/^Job kong-migrations sets .*KONG_PG_PASSWORD as literal values/),
      ]),
    );
  });

  test('separate (all-in-one-postgres-multiple-gateways): -> expressions freezes the controller', () => {
    const spec = load('all-in-one-postgres-multiple-gateways.yaml', { to: 'expressions' });
    expect(spec).toMatchObject({ topology: 'separate', database: 'postgres', from: 'traditional' });
    const { plan } = synthesize(spec);
    expect(plan.phases.map((p) => p.id)).toEqual(['01-freeze-controller', '02-gateways-to-expressions', '03-restart-controller']);
  });
});

describe('source.manifests: errors', () => {
  const dir = tempDir();
  const write = (name: string, objs: unknown[]) => fs.writeFileSync(path.join(dir, name), objs.map((o) => YAML.stringify(o)).join('---\n'));
  const deployment = (name: string, env: string[], image = 'kong:3.9') => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'kong' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image, env: env.map((e) => ({ name: e, value: 'x' })) }] } } },
  });
  test('envFrom: KONG_DATABASE and KONG_ROUTER_FLAVOR from a Secret or ConfigMap of the input are read as the pod sees them; env wins', () => {
    const gw = deployment('gw-envfrom', ['KONG_PROXY_LISTEN']);
    const c = gw.spec.template.spec.containers[0] as Record<string, unknown>;
    c.envFrom = [{ configMapRef: { name: 'kong-settings' } }, { secretRef: { name: 'kong-db' } }];
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kong-settings', namespace: 'kong' }, data: { KONG_ROUTER_FLAVOR: 'traditional', KONG_DATABASE: 'postgres' } };
    // The Secret (later in envFrom) overrides the ConfigMap: KONG_DATABASE=off.
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kong-db', namespace: 'kong' }, data: { KONG_DATABASE: Buffer.from('off').toString('base64') } };
    const ctrl = deployment('ctrl-envfrom', ['CONTROLLER_KONG_ADMIN_SVC'], 'kong/kubernetes-ingress-controller:3.4');
    write('envfrom.yaml', [gw, ctrl, cm, secret]);
    const spec = specFromText(specFor('envfrom.yaml', { to: 'expressions' }), path.join(dir, 'spec.yaml'));
    expect(spec.database).toBe('off');
    expect(spec.from).toBe('traditional');
    // The output keeps the user's envFrom and never carries the Secret's value.
    const { files } = synthesize(spec);
    const all = files.paths().map((p) => files.get(p)!).join('\n');
    expect(all).toContain('secretRef');
    expect(all).not.toContain(Buffer.from('off').toString('base64'));
    // The new flavor is an explicit env entry, which wins over the ConfigMap's.
    const rolled = YAML.parse(files.get(files.paths().find((p) => /^phases\/01-[^/]+\/\d+-deployment-gw-envfrom\.yaml$/.test(p))!)!);
    expect(rolled.spec.template.spec.containers[0].env).toContainEqual({ name: 'KONG_ROUTER_FLAVOR', value: 'expressions' });
    expect(rolled.spec.template.spec.containers[0].envFrom).toEqual(c.envFrom);
    // An explicit env entry wins over envFrom.
    c.env = [{ name: 'KONG_DATABASE', value: 'postgres' }];
    write('envfrom.yaml', [gw, ctrl, cm, secret]);
    expect(specFromText(specFor('envfrom.yaml', { to: 'expressions' }), path.join(dir, 'spec.yaml')).database).toBe('postgres');
  });

  test('envFrom of an object the input lacks: spec.from and spec.database are asked for, not guessed', () => {
    const gw = deployment('gw-missing', ['KONG_PROXY_LISTEN']);
    (gw.spec.template.spec.containers[0] as Record<string, unknown>).envFrom = [{ configMapRef: { name: 'elsewhere' } }, { secretRef: { name: 'maybe', optional: true } }];
    write('missing.yaml', [gw, deployment('ctrl-m', ['CONTROLLER_KONG_ADMIN_SVC'], 'kong/kubernetes-ingress-controller:3.4')]);
    expect(problem('missing.yaml')).toBe(
      'spec.from: KONG_ROUTER_FLAVOR of gw-missing may come from envFrom (ConfigMap elsewhere, not in the manifests); set spec.from to the flavor it runs, or add the object to spec.source.manifests',
    );
    expect(problem('missing.yaml', { to: 'expressions', from: 'traditional' })).toMatch(/^spec\.database: KONG_DATABASE of gw-missing may come from envFrom \(ConfigMap elsewhere/);
    const spec = specFromText(specFor('missing.yaml', { to: 'expressions', from: 'traditional', database: 'off' }), path.join(dir, 'spec.yaml'));
    expect(spec.from).toBe('traditional');
    expect(spec.warnings.join('\n')).toMatch(/gw-missing loads env from ConfigMap elsewhere, not in the manifests: if it sets KONG_ROLE/);
  });

  test('Kong in a DaemonSet or StatefulSet is refused by name, never a scaled-down Deployment beside it picked instead', () => {
    const ds = { ...deployment('kong-dp', ['KONG_DATABASE']), kind: 'DaemonSet' };
    const leftover = deployment('ingress-kong', ['KONG_DATABASE']);
    (leftover.spec as Record<string, unknown>).replicas = 0;
    write('ds.yaml', [leftover, ds]);
    expect(problem('ds.yaml')).toMatch(/^spec\.source\.manifests: Kong runs in DaemonSet kong\/kong-dp \(ds\.yaml, line \d+\): kong-flavor plans, verifies and gates Deployments only/);
    expect(problem('ds.yaml')).not.toMatch(/scale it up/);
  });

  test('a literal token in a CronJob or an init container is a warning naming the object and container', () => {
    const gw = deployment('gw', ['KONG_PROXY_LISTEN']);
    (gw.spec.template.spec as Record<string, unknown>).initContainers = [{ name: 'init', image: 'busybox', env: [{ name: 'API_TOKEN', value: 't0ken' }, { name: 'OTHER_TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }];
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'backup', namespace: 'kong' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'dump', image: 'postgres:16', env: [{ name: 'PGPASSWORD', value: 'p' }] }] } } } } } };
    write('secrets.yaml', [gw, deployment('ctrl', ['CONTROLLER_KONG_ADMIN_SVC'], 'kong/kubernetes-ingress-controller:3.4'), cron]);
    const warnings = specFromText(specFor('secrets.yaml', { to: 'expressions' }), path.join(dir, 'spec.yaml')).warnings.filter((w) => w.includes('literal'));
    expect(warnings).toEqual([
      expect.stringMatching(/^Deployment gw sets init\/API_TOKEN as literal values; they are copied as-is into phases\//),
      expect.stringMatching(/^CronJob backup sets dump\/PGPASSWORD as literal values; they are copied as-is into final\//),
    ]);
  });

  const problem = (manifests: string, spec: Record<string, unknown> = { to: 'expressions' }) => {
    try {
      specFromText(specFor(manifests, spec), path.join(dir, 'spec.yaml'));
    } catch (e) {
      if (e instanceof InputError) return e.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      throw e;
    }
    throw new Error('expected an InputError');
  };

  test('a source path that does not exist', () => {
    expect(problem('nope.yaml')).toMatch(/^spec\.source\.manifests: "nope\.yaml" does not exist/);
  });

  test('manifests with no Kong in them', () => {
    write('nginx.yaml', [deployment('nginx', [], 'nginx:1.27')]);
    expect(problem('nginx.yaml')).toMatch(/^spec\.source\.manifests: no Kong gateway Deployment in nginx\.yaml .*Deployments there: kong\/nginx/);
  });

  test('two gateway Deployments: lists the candidates and the field to set', () => {
    write('two.yaml', [deployment('gw-a', ['KONG_DATABASE']), deployment('gw-b', ['KONG_DATABASE']), deployment('kic', ['CONTROLLER_KONG_ADMIN_SVC'], 'kong/kubernetes-ingress-controller:3.4')]);
    expect(problem('two.yaml')).toBe('spec.gateway.deployment: 2 Kong gateway Deployments found (kong/gw-a, kong/gw-b); set spec.gateway.deployment to the one to migrate');
  });

  test('no controller found in separate topology', () => {
    write('gw.yaml', [deployment('gw', ['KONG_DATABASE'])]);
    expect(problem('gw.yaml')).toMatch(/^spec\.controller\.deployment: no controller Deployment in gw\.yaml/);
  });

  test('YAML errors name the file and line', () => {
    fs.writeFileSync(path.join(dir, 'broken.yaml'), 'kind: [\n');
    expect(problem('broken.yaml')).toMatch(/^spec\.source\.manifests: broken\.yaml is not valid YAML/);
  });
});

describeWithFixtures('the real all-in-one-dbless.yaml -> traditional_compatible, end to end', () => {
  const { execFileSync } = require('child_process') as typeof import('child_process');
  const { writeOutput } = require('../src/render/write') as typeof import('../src/render/write');
  const spec = load('all-in-one-dbless.yaml', { to: 'traditional_compatible' });
  const { plan, files } = synthesize(spec);
  const out = path.join(tempDir(), 'fixture');
  writeOutput(out, files);

  test('every overlay builds with kubectl kustomize and holds only what the plan manages (no Namespace, CRDs or cluster RBAC to own or prune)', () => {
    expect(plan.strategy).toBe('blue-green');
    for (const phase of plan.phases) {
      const text = execFileSync('kubectl', ['kustomize', path.join(out, 'kustomize', 'overlays', phase.id)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      const objs = YAML.parseAllDocuments(text).map((d) => d.toJS()).filter(Boolean) as Any[];
      expect([...new Set(objs.map((o) => o.kind))].sort()).toEqual(expect.arrayContaining(['Deployment', 'Service']));
      expect(objs.filter((o) => !['Deployment', 'Service', 'Job', 'ServiceAccount', 'Role', 'RoleBinding'].includes(o.kind))).toEqual([]);
      const proxy = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'kong-proxy');
      expect(proxy.spec.selector).toEqual(phase.id === '01-green-stack-up' ? { app: 'proxy-kong' } : { app: 'proxy-kong-green' });
    }
  });

  test('RUNBOOK.md renders the diagram; plan.json says blue-green, verified', () => {
    expect(files.get('RUNBOOK.md')).toContain('```mermaid');
    expect(JSON.parse(files.get('plan.json')!)).toMatchObject({ strategy: 'blue-green', verification: { safe: true } });
  });

  test('final/ still holds the whole installation (the source of truth to commit): CRDs, RBAC, the Namespace', () => {
    const finals = files.paths().filter((p) => p.startsWith('final/'));
    expect(finals.filter((p) => p.includes('customresourcedefinition')).length).toBeGreaterThan(10);
    expect(finals.some((p) => p.includes('clusterrole-kong-ingress'))).toBe(true);
    expect(files.paths().filter((p) => p.startsWith('kustomize/base/') && /customresourcedefinition|namespace|clusterrole/.test(p))).toEqual([]);
  });
});
