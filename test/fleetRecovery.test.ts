/**
 * Fleet recovery: what happens to a cluster after a gate fails, a rollback, a hold and a
 * re-promotion, checked on the Applications Argo CD generates from the ApplicationSets and on
 * what `kubectl kustomize` builds from them (Argo CD appends `source.kustomize.patches` to the
 * overlay's kustomization: util/kustomize/kustomize.go, argoproj/argo-cd v3.5.1).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT } from '../src/cli';
import { installationDocument } from '../src/fleet/index';
import { readFleetFile } from '../src/fleet/read';
import { ROOT, readTree, resolve, runCli, tempDir } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cli = runCli;

const EXAMPLE = path.join(ROOT, 'examples', 'fleet', 'kong-fleet.yaml');
const ROLLING = 'rolling-2-gateways-to-expressions';

/** The example fleet with `change` applied, synthesized; returns the output folder. */
async function synthFleet(change: (doc: Any) => void = () => undefined): Promise<{ out: string; file: string; code: number; err: string }> {
  const doc = YAML.parse(fs.readFileSync(EXAMPLE, 'utf8'));
  change(doc);
  const dir = tempDir();
  const file = path.join(dir, 'kong-fleet.yaml');
  fs.writeFileSync(file, YAML.stringify(doc));
  const out = path.join(dir, 'dist');
  const r = await cli('synth', file, '--out', out, '--quiet');
  return { out, file, code: r.code, err: r.err };
}

const appSetAt = (out: string, group: string, file: string): Any => YAML.parse(fs.readFileSync(path.join(out, 'kong-fleet', 'applicationsets', group, `${file}.yaml`), 'utf8'));
const elementOf = (set: Any, installation: string): Any => set.spec.generators[0].list.elements.find((e: Any) => e.installation === installation);

/** `{{.key}}` of the go template filled from the element, as the ApplicationSet controller does. */
function fill(v: unknown, element: Any): unknown {
  if (typeof v === 'string') return v.replace(/\{\{\.(\w+)\}\}/g, (_, k: string) => String(element[k]));
  if (Array.isArray(v)) return v.map((x) => fill(x, element));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x, element)]));
  return v;
}

/**
 * What the Application of `installation` in `set` applies: its overlay with the template's
 * patches appended, built by kubectl kustomize over the user's own manifests in the base.
 */
function build(out: string, fleetFile: string, set: Any, installation: string): Any[] {
  const element = elementOf(set, installation);
  const source = fill(set.spec.template.spec.source, element) as Any;
  const dir = tempDir();
  fs.cpSync(path.join(out, installation), path.join(dir, installation), { recursive: true });
  const fleet = readFleetFile(fleetFile);
  const own = resolve(installationDocument(fleet, fleet.spec.installations!.find((i) => i.name === installation)!) as never).base.all;
  const base = path.join(dir, installation, 'kustomize', 'base');
  fs.writeFileSync(path.join(base, 'kong.yaml'), own.map((o) => YAML.stringify(o)).join('---\n'));
  fs.writeFileSync(path.join(base, 'kustomization.yaml'), YAML.stringify({ resources: ['kong.yaml'] }));
  const folder = path.join(dir, installation, source.path.split(`${installation}/`)[1]);
  const k = YAML.parse(fs.readFileSync(path.join(folder, 'kustomization.yaml'), 'utf8'));
  k.patches = [...(k.patches ?? []), ...source.kustomize.patches];
  fs.writeFileSync(path.join(folder, 'kustomization.yaml'), YAML.stringify(k));
  return YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8' })).map((d) => d.toJS());
}

const find = (objs: Any[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('fleet recovery: gates after a failure, a rollback and a re-promotion', () => {
  let out: string;
  let file: string;
  beforeAll(async () => {
    ({ out, file } = await synthFleet());
  });

  test("a rollback's gate deletes the failed forward gate and removal Jobs first, with RBAC for those names only", () => {
    const objs = build(out, file, appSetAt(out, ROLLING, '01-gateways-to-expressions-rollback'), 'kong-dev-eu');
    const gate = find(objs, 'Job', 'kong-dev-eu-gate-01-rollback');
    const [init] = gate.spec.template.spec.initContainers;
    const [main] = gate.spec.template.spec.containers;
    expect(init.command).toEqual(['/bin/sh', '-c', 'kubectl -n kong delete job kong-dev-eu-gate-01 kong-dev-eu-remove-01 --ignore-not-found --wait=true']);
    // The same hardened kubectl container as the gate's own (non-root, read-only, no capabilities).
    expect(init.securityContext).toEqual(main.securityContext);
    expect(init.image).toBe(main.image);
    expect(init.name).toBe('forget-other-direction');
    const role = find(objs, 'Role', 'kong-dev-eu-gate-01-rollback');
    expect(role.rules).toContainEqual({ apiGroups: ['batch'], resources: ['jobs'], resourceNames: ['kong-dev-eu-gate-01', 'kong-dev-eu-remove-01'], verbs: ['get', 'list', 'watch', 'delete'] });
    // Going forward again, the phase's gate deletes what the rollback left.
    const forward = build(out, file, appSetAt(out, ROLLING, '01-gateways-to-expressions'), 'kong-dev-eu');
    expect(find(forward, 'Job', 'kong-dev-eu-gate-01').spec.template.spec.initContainers[0].command[2]).toBe(
      'kubectl -n kong delete job kong-dev-eu-gate-01-rollback kong-dev-eu-remove-01-rollback --ignore-not-found --wait=true',
    );
    expect(find(forward, 'Role', 'kong-dev-eu-gate-01').rules.at(-1).resourceNames).toEqual(['kong-dev-eu-gate-01-rollback', 'kong-dev-eu-remove-01-rollback']);
  });

  test('every sync recreates our Jobs (Force=true,Replace=true), so a re-promotion runs its gate again; RollingSync does not retry', () => {
    const set = appSetAt(out, 'blue-green-4-green-stack-up', '04-remove-blue');
    const objs = build(out, file, set, 'kong-legacy-eu');
    const jobs = objs.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['kong-legacy-eu-gate-04', 'kong-legacy-eu-remove-04']);
    for (const j of jobs) expect([j.metadata.name, j.metadata.annotations['argocd.argoproj.io/sync-options']]).toEqual([j.metadata.name, 'Force=true,Replace=true']);
    // Only the gate carries the clean-up container.
    expect(find(objs, 'Job', 'kong-legacy-eu-remove-04').spec.template.spec.initContainers).toBeUndefined();
    // RollingSync retries 5 times unless the Application sets its own retry.
    expect(set.spec.template.spec.syncPolicy.retry).toEqual({ limit: 0 });
  });

  test("the user's Kong objects carry Prune=false; the plan's own objects do not", () => {
    const objs = build(out, file, appSetAt(out, 'blue-green-4-green-stack-up', '01-green-stack-up'), 'kong-legacy-eu');
    for (const name of ['proxy-kong', 'ingress-kong', 'proxy-kong-green', 'ingress-kong-green']) {
      expect([name, find(objs, 'Deployment', name).metadata.annotations['argocd.argoproj.io/sync-options']]).toEqual([name, 'Prune=false']);
    }
    for (const o of objs.filter((x) => x.metadata.labels?.['app.kubernetes.io/managed-by'] === 'kong-flavor-migrator')) {
      expect([o.kind, o.metadata.annotations['argocd.argoproj.io/sync-options']]).not.toEqual([o.kind, 'Prune=false']);
    }
    // The base file builds too (no gate there: the gate patches match nothing).
    const base = build(out, file, appSetAt(out, 'blue-green-4-green-stack-up', '00-base'), 'kong-legacy-eu');
    expect(base.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(find(base, 'Deployment', 'proxy-kong').metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false');
  });
});

describe('fleet recovery: a hold pins the overlay the cluster is at', () => {
  test('every phase file keeps a held installation at its pinned overlay; hold: true pins the base', async () => {
    const { out, code } = await synthFleet((doc) => {
      doc.spec.installations[1].hold = { at: '01-gateways-to-expressions-rollback' };
      doc.spec.installations[2].hold = true;
    });
    expect(code).toBe(EXIT.ok);
    for (const f of ['00-base', '01-gateways-to-expressions', '01-gateways-to-expressions-rollback', '02-restart-controller', '02-restart-controller-rollback']) {
      const set = appSetAt(out, ROLLING, f);
      expect([f, elementOf(set, 'kong-prod-eu')]).toMatchObject([f, { step: 'hold', phase: '01-gateways-to-expressions-rollback', path: 'dist/kong-prod-eu/kustomize/overlays/01-gateways-to-expressions-rollback' }]);
      expect([f, elementOf(set, 'kong-prod-us')]).toMatchObject([f, { step: 'hold', phase: '00-base', path: 'dist/kong-prod-us/kustomize/base' }]);
      // The others follow the file.
      expect([f, elementOf(set, 'kong-dev-eu').phase]).toEqual([f, f]);
      // The Application's phase annotation is its own overlay's.
      expect(set.spec.template.metadata.annotations['kong-flavor-migrator/phase']).toBe('{{.phase}}');
    }
    const tree = readTree(path.join(out, 'kong-fleet'));
    expect(JSON.parse(tree['fleet.json']).groups[0].held).toEqual(['kong-prod-eu', 'kong-prod-us']);
  });

  test('a hold at an overlay the installation does not have is refused, naming the field and the overlays (exit 2)', async () => {
    const r = await synthFleet((doc) => {
      doc.spec.installations[1].hold = { at: '03-nowhere' };
    });
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.installations[1].hold.at');
    expect(r.err).toContain('"03-nowhere" is not an overlay of kong-prod-eu');
    expect(r.err).toContain('00-base, 01-gateways-to-expressions, 01-gateways-to-expressions-rollback, 02-restart-controller, 02-restart-controller-rollback');
  });
});

/**
 * The readiness check of FLEET.md, run with sh against Applications in every state that matters.
 * `kubectl` is a stand-in that evaluates the check's own jsonpath with the real kubectl, offline
 * (`kubectl annotate --local` prints each object of a List with the template).
 */
describe('fleet recovery: FLEET.md readiness check', () => {
  const app = (name: string, step: string, path: string, synced?: string, operation?: string, sync = 'Synced', health = 'Healthy'): Any => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', labels: { 'kong-flavor-migrator/rollout-step': step } },
    spec: { source: { path } },
    status: { ...(operation ? { operationState: { phase: operation, syncResult: { source: { path: synced } } } } : {}), sync: { status: sync }, health: { status: health } },
  });
  const overlay = (i: string, id: string) => `dist/${i}/kustomize/overlays/${id}`;

  function runCheck(md: string, group: string, apps: Any[]): string[] {
    const block = md.split('\n');
    const start = block.findIndex((l) => l.startsWith('phase=01-gateways-to-expressions'));
    const end = block.findIndex((l, i) => i > start && l.endsWith("}'"));
    const script = block.slice(start, end + 1).join('\n');
    expect(script).toContain(`group=${group}`);
    const dir = tempDir();
    const list = path.join(dir, 'apps.json');
    fs.writeFileSync(list, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: apps }));
    const real = execFileSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(
      path.join(dir, 'kubectl'),
      [
        '#!/bin/sh',
        'for a in "$@"; do case "$a" in jsonpath=*) t=${a#jsonpath=} ;; esac; done',
        't=${t#\\{range .items\\[\\*\\]\\}}; t=${t%\\{end\\}}',
        `exec ${real} annotate --local -f ${list} checked=yes -o "jsonpath=$t"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${dir}:${process.env.PATH}` } });
    return out.split('\n').filter(Boolean);
  }

  test('lists held clusters with where they stay; done needs the operation Succeeded on the phase overlay, not only Synced and Healthy', async () => {
    const { out } = await synthFleet((doc) => {
      doc.spec.installations[2].hold = { at: '01-gateways-to-expressions-rollback' };
    });
    const md = fs.readFileSync(path.join(out, 'kong-fleet', 'FLEET.md'), 'utf8');
    const phase = '01-gateways-to-expressions';
    const lines = runCheck(md, ROLLING, [
      app('kong-flavor-done', 'canary', overlay('done', phase), overlay('done', phase), 'Succeeded'),
      // Right after the commit: the spec is at the phase, the status still tells of the base.
      app('kong-flavor-stale', 'quarter', overlay('stale', phase), 'dist/stale/kustomize/base', 'Succeeded'),
      app('kong-flavor-running', 'rest', overlay('running', phase), overlay('running', phase), 'Running', 'Synced', 'Progressing'),
      app('kong-flavor-never', 'rest', overlay('never', phase), undefined, undefined, 'OutOfSync', 'Healthy'),
      app('kong-flavor-held', 'hold', overlay('held', `${phase}-rollback`), overlay('held', `${phase}-rollback`), 'Succeeded'),
    ]);
    expect(lines).toEqual([
      'not done: kong-flavor-stale path=dist/stale/kustomize/overlays/01-gateways-to-expressions synced=dist/stale/kustomize/base operation=Succeeded Synced Healthy',
      'not done: kong-flavor-running path=dist/running/kustomize/overlays/01-gateways-to-expressions synced=dist/running/kustomize/overlays/01-gateways-to-expressions operation=Running Synced Progressing',
      'not done: kong-flavor-never path=dist/never/kustomize/overlays/01-gateways-to-expressions synced= operation= OutOfSync Healthy',
      'held:     kong-flavor-held stays at dist/held/kustomize/overlays/01-gateways-to-expressions-rollback (done there)',
    ]);
    // Nothing left: no "not done" line.
    expect(runCheck(md, ROLLING, [app('kong-flavor-done', 'canary', overlay('done', phase), overlay('done', phase), 'Succeeded')])).toEqual([]);
    // The held cluster is in the group's table with where it stays.
    expect(md).toContain('| hold | `hold` | 1 (kong-prod-us at 01-gateways-to-expressions-rollback) | | never (sync by hand) |');
  });

  test('FLEET.md: no hand edits of the committed file, what terminate-op leaves running, RollingSync caveats with versions and a manual fallback, owners that re-enable auto-sync', async () => {
    const { out, err } = await synthFleet();
    const md = fs.readFileSync(path.join(out, 'kong-fleet', 'FLEET.md'), 'utf8');
    // Durable holds through the fleet spec; the hand-edit instructions are gone.
    expect(md).not.toMatch(/set its element's `(step|path)`/);
    expect(md).toContain('**Never edit the committed file by hand**: the next `cp` replaces it.');
    expect(md).toContain('set `hold: { at: NN-<phase>-rollback }`');
    // terminate-op stops neither the plain gate Job nor a rollout; no retry follows.
    expect(md).toContain('`kubectl -n <namespace> delete job <installation>-gate-NN`');
    expect(md).toContain('`kubectl -n <namespace> rollout resume deployment/<name>`');
    expect(md).toContain('no retry follows');
    // A rollback turns Healthy: its gate deletes the failed forward Jobs, or the engineer does.
    expect(md).toContain('`kubectl -n <namespace> delete job <installation>-gate-NN <installation>-remove-NN --ignore-not-found`');
    expect(md).toContain('Force=true,Replace=true');
    expect(md).not.toContain('Argo CD never prunes here');
    expect(md).toContain('`Prune=false`');
    // RollingSync caveats, the releases named, and the manual fallback per step.
    expect(md).toContain('**argoproj/argo-cd#29240** (open): on v3.4.7 and v3.5.1 and later');
    expect(md).toContain('**argoproj/argo-cd#22558**');
    expect(md).toContain(
      `for app in $(argocd app list -l 'kong-flavor-migrator/group=${ROLLING},kong-flavor-migrator/rollout-step=quarter' -o name); do argocd app sync "$app" --timeout 600 || break; done`,
    );
    // An owning Application generated by an ApplicationSet or an app of apps.
    expect(md).toContain('{.metadata.ownerReferences[*].kind}/{.metadata.ownerReferences[*].name}');
    expect(md).toContain('ignoreApplicationDifferences: [{name: <owning-app>, jsonPointers: [/spec/syncPolicy]}]');
    expect(md).toContain("kubectl -n argocd get application <owning-app> -o jsonpath='{.spec.syncPolicy.automated}'");
    expect(md).toContain('Before each commit, check again');
    // The placeholder repository: FLEET.md, synth and plan all say so.
    expect(md).toContain('**Set your repository first**: every Application points at the placeholder repository `https://git.example.com/platform/kong.git`');
    expect(err).toContain('point at the placeholder repository https://git.example.com/platform/kong.git');
    expect((await cli('plan', EXAMPLE)).out).toContain('point at the placeholder repository');
    const own = await synthFleet((doc) => {
      doc.spec.output.argocd.repoURL = 'https://git.corp.test/platform/kong.git';
    });
    expect(own.err).not.toContain('placeholder');
    expect(fs.readFileSync(path.join(own.out, 'kong-fleet', 'FLEET.md'), 'utf8')).not.toContain('Set your repository first');
  });
});
