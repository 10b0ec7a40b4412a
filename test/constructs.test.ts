import * as YAML from 'yaml';
import { gatewayDeploymentManifest } from '../src/constructs/GatewayDeployment';
import { controllerDeploymentManifest } from '../src/constructs/ControllerDeployment';
import { RESTART_ANNOTATION } from '../src/constructs/ControllerRestart';
import { KubeObject } from '../src/spec/types';
import { synthesize } from '../src/synth';
import { resolve, specDoc, yamlObjects, sourced } from './helpers';
import { validateObject } from './validate';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Objects of one phase folder (forward or rollback), parsed. */
function phaseObjects(files: ReturnType<typeof synthesize>['files'], folder: string): Any[] {
  return files
    .paths()
    .filter((p) => p.startsWith(`${folder}/`) && !p.slice(folder.length + 1).includes('/'))
    .flatMap((p) => yamlObjects(files.get(p)!));
}

const byKindName = (objs: Any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const envOf = (container: Any) => Object.fromEntries((container.env ?? []).map((e: Any) => [e.name, e.value]));

describe('-> expressions, DB-less separate: emitted manifests', () => {
  const spec = resolve(sourced(specDoc({ spec: { gateway: { maxSurge: '25%', maxUnavailable: '25%', replicas: 4 } } })));
  const { plan, files } = synthesize(spec);
  const p1 = phaseObjects(files, 'phases/01-gateways-to-expressions');
  const p2 = phaseObjects(files, 'phases/02-restart-controller');

  test('phase 1 changes the gateway container env and rolls surge-only, controller absent', () => {
    const gw = byKindName(p1, 'Deployment', 'proxy-kong');
    expect(envOf(gw.spec.template.spec.containers[0]).KONG_ROUTER_FLAVOR).toBe('expressions');
    expect(gw.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(gw.spec.replicas).toBe(4);
    expect(byKindName(p1, 'Deployment', 'ingress-kong')).toBeUndefined();
  });

  test('phase 2 restarts the controller through the pod-template annotation naming the flavor', () => {
    const ctrl = byKindName(p2, 'Deployment', 'ingress-kong');
    expect(ctrl.spec.template.metadata.annotations[RESTART_ANNOTATION]).toBe('expressions');
    // The gateway comes back with the user's own strategy; its pod template is unchanged (no new rollout).
    const gw = byKindName(p2, 'Deployment', 'proxy-kong');
    expect(gw.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
    expect(gw.spec.template).toEqual(byKindName(p1, 'Deployment', 'proxy-kong').spec.template);
  });

  test('apply order: each phase applies its objects first, then its gate (a Sync hook in a later wave of its own phase)', () => {
    const wave = (o: Any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
    const gate1 = p1.find((o) => o.kind === 'Job');
    const gate2 = p2.find((o) => o.kind === 'Job');
    expect(p1.indexOf(byKindName(p1, 'Deployment', 'proxy-kong'))).toBeLessThan(p1.indexOf(gate1));
    expect(p2.indexOf(byKindName(p2, 'Deployment', 'ingress-kong'))).toBeLessThan(p2.indexOf(gate2));
    expect(wave(gate1)).toBeLessThan(wave(gate2));
    expect(wave(gate1)).toBeGreaterThan(0);
    expect(gate1.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
    // The user's objects carry no annotation of ours: final/ declares them the same way, so `kubectl diff -f final/` is empty.
    for (const o of [...p1, ...p2].filter((x) => x.kind === 'Deployment' || x.kind === 'Service')) expect(o.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeUndefined();
  });

  test('the gate checks the rollout and GET / router_flavor through the pod proxy', () => {
    const script: string = p1.find((o) => o.kind === 'Job').spec.template.spec.containers[0].command[2];
    expect(script).toContain(
      "preflight proxy-kong app=proxy-kong\nwait_rollout proxy-kong\nevery_pod proxy-kong app=proxy-kong 4 'run expressions with a configuration' '; an admin API that needs a client certificate answers 400 to the pod proxy' flavor_on_admin expressions\n",
    );
    expect(script).toContain('kubectl -n "$NS" rollout status "deployment/$1" --timeout="$(left)s"');
    expect(script).toContain('/api/v1/namespaces/$NS/pods/$ADMIN_SCHEME:$1:$ADMIN_PORT/proxy$2');
  });

  test('the restart annotation is stable: two syntheses give the same bytes', () => {
    const again = synthesize(spec).files;
    expect(again.paths()).toEqual(files.paths());
    for (const p of files.paths()) expect(again.get(p)).toBe(files.get(p));
  });

  test('rollback of phase 1 re-applies the previous flavor', () => {
    const rb = phaseObjects(files, 'phases/01-gateways-to-expressions/rollback');
    expect(envOf(byKindName(rb, 'Deployment', 'proxy-kong').spec.template.spec.containers[0]).KONG_ROUTER_FLAVOR).toBe('traditional_compatible');
  });

  test('every emitted object validates against the Kubernetes schemas', () => {
    expect(plan.phases).toHaveLength(2);
    const objects = files.paths().filter((x) => x.endsWith('.yaml') && !x.endsWith('kustomization.yaml') && !x.includes('/patches/'));
    expect(objects.length).toBeGreaterThan(20);
    for (const p of objects) for (const o of yamlObjects(files.get(p)!)) validateObject(o);
  });
});

describe('restart annotation value', () => {
  test('changes when an earlier migration left the same value', () => {
    const spec = resolve(specDoc());
    const base = structuredClone(spec.base.controllerDeployment!) as Any;
    base.spec.template.metadata.annotations = { [RESTART_ANNOTATION]: 'expressions' };
    const respec = { ...spec, base: { ...spec.base, controllerDeployment: base as KubeObject } };
    const { plan } = synthesize(respec);
    const ctrl = controllerDeploymentManifest(respec, plan.phases[1].state.controllers[0]) as Any;
    expect(ctrl.spec.template.metadata.annotations[RESTART_ANNOTATION]).toBe('expressions-from-traditional_compatible');
  });
});

describe('blue-green (seed scenario): green stack', () => {
  const spec = resolve(sourced(specDoc({ spec: { from: 'expressions', to: 'traditional', gateway: { image: 'kong:3.5' }, controller: { image: 'kong/kubernetes-ingress-controller:3.0' } } })));
  const { files } = synthesize(spec);
  const up = phaseObjects(files, 'phases/01-green-stack-up');

  test('green gateway: target flavor, own labels that no blue selector matches', () => {
    const gw = byKindName(up, 'Deployment', 'proxy-kong-green');
    expect(envOf(gw.spec.template.spec.containers[0]).KONG_ROUTER_FLAVOR).toBe('traditional');
    expect(gw.spec.selector.matchLabels).toEqual({ app: 'proxy-kong-green' });
    expect(gw.spec.template.metadata.labels.app).toBe('proxy-kong-green');
    expect(gw.spec.replicas).toBe(3);
  });

  test('green controller: own admin Service, own election ID, status updates off', () => {
    const c = byKindName(up, 'Deployment', 'ingress-kong-green');
    const env = envOf(c.spec.template.spec.containers[0]);
    expect(env.CONTROLLER_KONG_ADMIN_SVC).toBe('kong/kong-admin-green');
    expect(env.CONTROLLER_ELECTION_ID).toBe('5b374a9e.konghq.com-green');
    expect(env.CONTROLLER_UPDATE_STATUS).toBe('false');
    expect(c.spec.selector.matchLabels).toEqual({ app: 'ingress-kong-green' });
    expect(byKindName(up, 'Service', 'kong-admin-green').spec.selector).toEqual({ app: 'proxy-kong-green' });
  });

  test('cutover moves the proxy Service (and the webhook) to green', () => {
    const cut = phaseObjects(files, 'phases/02-cutover');
    expect(byKindName(cut, 'Service', 'kong-proxy').spec.selector).toEqual({ app: 'proxy-kong-green' });
    expect(byKindName(cut, 'Service', 'kong-proxy').spec.type).toBe('LoadBalancer');
    expect(byKindName(cut, 'Service', 'kong-validation-webhook').spec.selector).toEqual({ app: 'ingress-kong-green' });
  });

  test('retire scales blue to 0 and turns green status updates on; remove deletes only the blue objects', () => {
    const retire = phaseObjects(files, 'phases/03-retire-blue');
    expect(byKindName(retire, 'Deployment', 'proxy-kong').spec.replicas).toBe(0);
    expect(byKindName(retire, 'Deployment', 'ingress-kong').spec.replicas).toBe(0);
    expect(envOf(byKindName(retire, 'Deployment', 'ingress-kong-green').spec.template.spec.containers[0]).CONTROLLER_UPDATE_STATUS).toBeUndefined();
    const remove = phaseObjects(files, 'phases/04-remove-blue');
    const job = remove.find((o) => o.kind === 'Job' && o.metadata.name.includes('remove'));
    expect(job.spec.template.spec.containers[0].command[2]).toContain('delete deployment ingress-kong proxy-kong --ignore-not-found');
    const role = remove.find((o) => o.kind === 'Role' && o.metadata.name.includes('remove'));
    expect(role.rules).toContainEqual({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'watch', 'delete'], resourceNames: ['ingress-kong', 'proxy-kong'] });
  });

  test('rolling back phase 1 deletes exactly the green objects', () => {
    const rb = phaseObjects(files, 'phases/01-green-stack-up/rollback');
    const job = rb.find((o) => o.kind === 'Job' && o.metadata.name.includes('remove'));
    expect(job.spec.template.spec.containers[0].command[2]).toContain('delete deployment ingress-kong-green proxy-kong-green');
    expect(job.spec.template.spec.containers[0].command[2]).toContain('delete service kong-admin-green');
  });
});

describe('gateway manifest edits', () => {
  test('only the flavor env changes in the Kong container, in place', () => {
    const spec = resolve(specDoc());
    const before = spec.base.gatewayDeployment as Any;
    const after = gatewayDeploymentManifest(spec, { ...synthesize(spec).plan.phases[0].state.gateways[0] }) as Any;
    const b = before.spec.template.spec.containers[0];
    const a = after.spec.template.spec.containers[0];
    expect(a.env.map((e: Any) => e.name)).toEqual(b.env.map((e: Any) => e.name));
    expect(a.env.filter((e: Any, i: number) => JSON.stringify(e) !== JSON.stringify(b.env[i]))).toEqual([{ name: 'KONG_ROUTER_FLAVOR', value: 'expressions' }]);
  });
});

describe('modelled controller', () => {
  test('KIC 2.x with Postgres talks to the admin Service (it refuses gateway discovery with a database)', () => {
    const spec = resolve(specDoc({ spec: { from: 'traditional', database: 'postgres', controller: { image: 'kong/kubernetes-ingress-controller:2.12' } } }));
    const env = envOf((spec.base.controllerDeployment as Any).spec.template.spec.containers[0]);
    expect(env.CONTROLLER_KONG_ADMIN_URL).toBe('https://kong-admin.kong.svc:8444');
    expect(env.CONTROLLER_KONG_ADMIN_SVC).toBeUndefined();
    const kic3 = resolve(specDoc({ spec: { database: 'postgres' } }));
    expect(envOf((kic3.base.controllerDeployment as Any).spec.template.spec.containers[0]).CONTROLLER_KONG_ADMIN_SVC).toBe('kong/kong-admin');
  });
});
