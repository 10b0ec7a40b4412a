import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { strategicMergePatch } from '../src/constructs/strategicPatch';
import { loadSpec } from '../src/spec/load';
import { writeOutput } from '../src/render/write';
import { synthesize } from '../src/synth';
import { ROOT, resolve, specDoc, tempDir, yamlObjects } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Without spec.source the tool knows the user's objects only as modelled on KIC's all-in-one
 * manifests: it must send patches of the planned fields, never whole objects that would remove
 * what the user has (worker processes, log targets, probes, volumes).
 */
const spec = resolve(specDoc({ spec: { gateway: { replicas: 4, maxSurge: '25%', maxUnavailable: '25%' } } }));
const { plan, files } = synthesize(spec);
const out = path.join(tempDir(), spec.name);
writeOutput(out, files);

/** The user's own gateway Deployment: the modelled one plus fields the model does not have. */
function usersGateway(): Any {
  const d = structuredClone(spec.base.gatewayDeployment) as Any;
  const c = d.spec.template.spec.containers.find((x: Any) => x.name === 'proxy');
  c.env.push({ name: 'KONG_NGINX_WORKER_PROCESSES', value: '4' }, { name: 'KONG_PROXY_ACCESS_LOG', value: '/dev/stdout json' });
  c.volumeMounts = [{ name: 'plugins', mountPath: '/opt/plugins' }];
  c.readinessProbe = { httpGet: { path: '/status/ready', port: 8100 }, periodSeconds: 3 };
  d.spec.template.spec.volumes = [{ name: 'plugins', configMap: { name: 'kong-plugins' } }];
  return d;
}

const patchLocal = (obj: Any, patchFile: string): Any => {
  const f = path.join(tempDir(), 'obj.yaml');
  fs.writeFileSync(f, YAML.stringify(obj));
  return YAML.parse(execFileSync('kubectl', ['patch', '--local', '-f', f, '--type', 'strategic', '--patch-file', patchFile, '-o', 'yaml'], { encoding: 'utf8' }));
};

describe('no spec.source: patches of the planned fields, never whole objects', () => {
  test('no phase, rollback, waves or overlay file holds a whole Deployment or Service that exists today', () => {
    const existing = new Set(spec.base.all.map((o) => `${o.kind}/${o.metadata.name}`));
    for (const p of files.paths()) {
      if (p.includes('/patches/') || p.endsWith('kustomization.yaml') || !p.endsWith('.yaml') || p.startsWith('argocd/app-per-phase') || p === 'argocd/waves-application.yaml') continue;
      for (const o of yamlObjects(files.get(p)!)) expect(existing.has(`${o.kind}/${o.metadata.name}`) ? p : 'ok').toBe('ok');
    }
    expect(files.paths().filter((p) => p.startsWith('kustomize/base/'))).toEqual(['kustomize/base/kustomization.yaml']);
  });

  test("kubectl patch of phase 01 on the user's own object changes the flavor and the strategy, and keeps everything else", () => {
    const patchFile = path.join(out, 'phases', plan.phases[0].id, 'patches', '01-deployment-proxy-kong.yaml');
    const own = usersGateway();
    const patched = patchLocal(own, patchFile);
    const c = patched.spec.template.spec.containers.find((x: Any) => x.name === 'proxy');
    expect(c.env.find((e: Any) => e.name === 'KONG_ROUTER_FLAVOR').value).toBe('expressions');
    expect(c.env.find((e: Any) => e.name === 'KONG_NGINX_WORKER_PROCESSES').value).toBe('4');
    expect(c.env.find((e: Any) => e.name === 'KONG_PROXY_ACCESS_LOG').value).toBe('/dev/stdout json');
    expect(c.readinessProbe).toEqual(own.spec.template.spec.containers.find((x: Any) => x.name === 'proxy').readinessProbe);
    expect(c.volumeMounts).toEqual([{ name: 'plugins', mountPath: '/opt/plugins' }]);
    expect(patched.spec.template.spec.volumes).toEqual([{ name: 'plugins', configMap: { name: 'kong-plugins' } }]);
    expect(patched.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    // The RUNBOOK applies it with kubectl patch before the hooks.
    expect(files.get('RUNBOOK.md')).toContain(`kubectl -n kong patch deployment proxy-kong --type strategic --patch-file phases/${plan.phases[0].id}/patches/01-deployment-proxy-kong.yaml\nkubectl apply -f phases/${plan.phases[0].id}/\n`);
  });

  test("Kustomize: with the user's manifests in the base, the overlays patch them by name and keep their fields; without them they do not build", () => {
    const empty = spawnSync('kubectl', ['kustomize', path.join(out, 'kustomize', 'overlays', plan.phases[0].id)], { encoding: 'utf8' });
    expect(empty.status).not.toBe(0);
    expect(files.get('kustomize/base/kustomization.yaml')).toMatch(/^# No spec.source: put your own manifests/);
    const own = usersGateway();
    const ctrl = structuredClone(spec.base.controllerDeployment) as Any;
    // Every object the base's placeholder names: the overlays patch each (Argo CD's Prune=false at least).
    const services = spec.base.all.filter((o) => o.kind === 'Service');
    fs.writeFileSync(path.join(out, 'kustomize', 'base', 'kong.yaml'), [own, ctrl, ...services].map((o) => YAML.stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(out, 'kustomize', 'base', 'kustomization.yaml'), YAML.stringify({ resources: ['kong.yaml'] }));
    const built = YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(out, 'kustomize', 'overlays', plan.phases[1].id)], { encoding: 'utf8' })).map((d) => d.toJS());
    const gw = built.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    const c = gw.spec.template.spec.containers.find((x: Any) => x.name === 'proxy');
    expect(c.env.find((e: Any) => e.name === 'KONG_ROUTER_FLAVOR').value).toBe('expressions');
    expect(c.env.find((e: Any) => e.name === 'KONG_NGINX_WORKER_PROCESSES').value).toBe('4');
    expect(gw.spec.template.spec.volumes).toEqual(own.spec.template.spec.volumes);
    // Phase 02 is cumulative: the user's own strategy back, the controller restarted.
    expect(gw.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
    const c2 = built.find((o) => o.kind === 'Deployment' && o.metadata.name === 'ingress-kong');
    expect(c2.spec.template.metadata.annotations['kong-flavor-migrator/restart-for']).toBe('expressions');
  });

  test('Argo CD waves: each phase patches the existing objects from a hook Job (get and patch on those names only)', () => {
    const objs = files.paths().filter((p) => p.startsWith('argocd/waves/')).flatMap((p) => yamlObjects(files.get(p)!));
    expect(objs.filter((o) => o.kind === 'Deployment')).toEqual([]);
    const job = objs.find((o) => o.kind === 'Job' && o.metadata.name === 'test-kong-apply-01')!;
    expect(job.spec.template.spec.containers[0].command[2]).toContain("kubectl -n kong patch deployment proxy-kong --type strategic -p '{");
    const role = objs.find((o) => o.kind === 'Role' && o.metadata.name === 'test-kong-apply-01')!;
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'patch'], resourceNames: ['proxy-kong'] }]);
  });

  test('after the last phase: final/patches/ takes today\'s objects to the final state', () => {
    const final = files.paths().filter((p) => p.startsWith('final/'));
    expect(final).toEqual(['final/patches/01-deployment-proxy-kong.yaml', 'final/patches/02-deployment-ingress-kong.yaml']);
    expect(YAML.parse(files.get(final[0])!).spec.strategy).toBeUndefined();
  });

  test('with a source, phases keep whole objects (the user\'s own, planned fields changed)', () => {
    const r = synthesize(loadSpec(path.join(ROOT, 'examples', 'from-manifests.yaml')));
    expect(r.files.paths().some((p) => /^phases\/[^/]+\/\d+-deployment-/.test(p))).toBe(true);
    expect(r.files.paths().some((p) => p.includes('/patches/') && p.startsWith('phases/'))).toBe(false);
  });
});

describe('strategicMergePatch', () => {
  const obj = (spec: Any, meta: Any = {}): Any => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', ...meta }, spec });
  test('maps: changed keys, removed keys as null; named lists by name, removed entries as $patch: delete; other lists whole', () => {
    expect(strategicMergePatch(obj({ selector: { app: 'a', stack: 'blue' } }) as never, obj({ selector: { app: 'a-green' } }) as never)).toEqual(obj({ selector: { app: 'a-green', stack: null } }));
    const before = obj({ containers: [{ name: 'c', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], args: ['--x'] }] });
    const after = obj({ containers: [{ name: 'c', env: [{ name: 'A', value: '3' }], args: ['--y'] }] });
    expect(strategicMergePatch(before as never, after as never)).toEqual(obj({ containers: [{ name: 'c', env: [{ name: 'A', value: '3' }, { name: 'B', $patch: 'delete' }], args: ['--y'] }] }));
    expect(strategicMergePatch(before as never, before as never)).toBeUndefined();
  });
});
