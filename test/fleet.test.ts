import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT } from '../src/cli';
import { installationDocument, readFleet } from '../src/fleet/index';
import { readFleetFile } from '../src/fleet/read';
import { crdValidator } from './crdSchema';
import { FIXTURES, ROOT, describeWithFixtures, readTree, resolve, runCli, tempDir } from './helpers';
import { validateObject } from './validate';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const cli = runCli;

const EXAMPLE = path.join(ROOT, 'examples', 'fleet', 'kong-fleet.yaml');
const exampleDoc = (): Any => YAML.parse(fs.readFileSync(EXAMPLE, 'utf8'));
const COMMITTED_SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, 'imports', 'argoproj.io-applicationset.schema.json'), 'utf8'));
const validAppSet = crdValidator(COMMITTED_SCHEMA);

/** Writes a fleet document into a new folder; returns the file. */
function writeFleet(doc: Any, dir = tempDir()): string {
  const file = path.join(dir, 'fleet.yaml');
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

/** What Argo CD generates from one element: the template with `{{.key}}` replaced, and the element's labels patched in. */
function generate(appSet: Any, element: Any): Any {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{\{\.(\w+)\}\}/g, (_, k: string) => String(element[k]));
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  const app = fill(appSet.spec.template) as Any;
  app.metadata.labels = { ...app.metadata.labels, ...element.labels };
  const dest = app.spec.destination;
  for (const k of ['name', 'server']) if (dest[k] === '') delete dest[k];
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', ...app };
}

describe('fleet: the example (DB-less rolling, blue-green, Postgres freeze, sidecar Postgres maintenance, one refused)', () => {
  const out = path.join(tempDir(), 'dist');
  let synth: { code: number; out: string; err: string };
  let tree: Record<string, string>;
  const appSet = (group: string, phase: string): Any => YAML.parse(tree[`kong-fleet/applicationsets/${group}/${phase}.yaml`]);

  beforeAll(async () => {
    synth = await cli('synth', EXAMPLE, '--out', out);
    tree = readTree(out);
  });

  test('plan groups installations by phase sequence and lists the refused one with why (exit 3)', async () => {
    const r = await cli('plan', EXAMPLE, '--json');
    expect(r.code).toBe(EXIT.noPlan);
    const s = JSON.parse(r.out);
    expect(s).toMatchObject({ fleet: 'kong-fleet', to: 'expressions', installations: 7, clusters: 7 });
    const groups = Object.fromEntries(s.groups.map((g: Any) => [g.name, g]));
    expect(Object.keys(groups)).toEqual(['rolling-2-gateways-to-expressions', 'blue-green-4-green-stack-up', 'maintenance-3-stop-gateways', 'rolling-3-freeze-controller']);
    expect(groups['rolling-2-gateways-to-expressions']).toMatchObject({
      strategy: 'rolling',
      zeroDowntime: true,
      installations: 3,
      phases: [{ id: '01-gateways-to-expressions' }, { id: '02-restart-controller' }],
    });
    expect(groups['blue-green-4-green-stack-up']).toMatchObject({ strategy: 'blue-green', installations: 1, differs: expect.stringContaining('different strategy (blue-green, not rolling)') });
    expect(groups['maintenance-3-stop-gateways']).toMatchObject({
      strategy: 'maintenance',
      zeroDowntime: false,
      installations: 1,
      downtimeWindowSeconds: expect.any(Number),
      differs: expect.stringContaining('downtime needed (strategy maintenance)'),
    });
    expect(groups['rolling-3-freeze-controller'].phases.map((p: Any) => p.id)).toEqual(['01-freeze-controller', '02-gateways-to-expressions', '03-restart-controller']);
    expect(s.refused).toEqual([expect.objectContaining({ name: 'kong-db-legacy', status: 'refused', reasons: expect.arrayContaining([expect.stringContaining('upgrade Kong to >= 3.7')]) })]);
    const byName = Object.fromEntries(s.installationList.map((i: Any) => [i.name, i]));
    expect(byName['kong-legacy-eu']).toMatchObject({ group: 'blue-green-4-green-stack-up', step: 'canary', strategy: 'blue-green', zeroDowntime: true });
    expect(byName['kong-db-us']).toMatchObject({ group: 'rolling-3-freeze-controller', step: 'quarter' });
    expect(byName['kong-db-legacy']).toMatchObject({ status: 'refused' });
    // No spec.source: their Kustomize bases are the user's to fill (FLEET.md says so first).
    expect(s.baseToFill).toEqual(['kong-dev-eu', 'kong-prod-eu', 'kong-prod-us', 'kong-legacy-eu', 'kong-sidecar-db', 'kong-db-us']);
    // The table names every group, the strategies, and the refusal.
    const table = await cli('plan', EXAMPLE);
    for (const text of ['rolling-2-gateways-to-expressions', 'blue-green', 'rolling-3-freeze-controller', 'kong-db-legacy', 'upgrade Kong to >= 3.7']) expect(table.out).toContain(text);
  });

  test('blue-green extra capacity and durations per step follow the plans', async () => {
    const s = JSON.parse((await cli('plan', EXAMPLE, '--json')).out);
    const bg = s.groups.find((g: Any) => g.strategy === 'blue-green');
    // The green stack (3 gateways + 1 controller) runs from 01-green-stack-up until blue retires.
    expect(bg.promotion.map((p: Any) => [p.phase, p.steps[0].extraPods])).toEqual([
      ['01-green-stack-up', 4],
      ['02-cutover', 4],
      ['03-retire-blue', 4],
      ['04-remove-blue', 0],
    ]);
    expect(bg.peakExtraPods).toBe(4);
    const rolling = s.groups.find((g: Any) => g.name === 'rolling-2-gateways-to-expressions');
    // quarter: kong-prod-eu alone (6 replicas, one at a time): one round of its own estimate.
    const prodEu = JSON.parse(tree['kong-prod-eu/plan.json']);
    expect(rolling.promotion[0].steps[1]).toMatchObject({ step: 'quarter', installations: 1, atOnce: 1, estimatedSeconds: prodEu.phases[0].estimatedSeconds });
    expect(rolling.promotion[0].estimatedSeconds).toBe(rolling.promotion[0].steps.reduce((t: number, x: Any) => t + x.estimatedSeconds, 0));
  });

  test('synth writes every planned installation and the fleet folder, warns about the refused one', () => {
    expect(synth.code).toBe(EXIT.ok);
    expect(synth.err).toContain('kong-db-legacy');
    const top = [...new Set(Object.keys(tree).map((p) => p.split('/')[0]))].sort();
    expect(top).toEqual(['kong-db-us', 'kong-dev-eu', 'kong-fleet', 'kong-legacy-eu', 'kong-prod-eu', 'kong-prod-us', 'kong-sidecar-db']);
    expect(Object.keys(tree).filter((p) => p.startsWith('kong-fleet/applicationsets/')).sort()).toEqual([
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/00-base.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/01-green-stack-up.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/01-green-stack-up-rollback.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/02-cutover.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/02-cutover-rollback.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/03-retire-blue.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/03-retire-blue-rollback.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/04-remove-blue.yaml',
      'kong-fleet/applicationsets/blue-green-4-green-stack-up/04-remove-blue-rollback.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/00-base.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/01-stop-gateways.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/01-stop-gateways-rollback.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/02-set-flavor-expressions.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/02-set-flavor-expressions-rollback.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/03-start.yaml',
      'kong-fleet/applicationsets/maintenance-3-stop-gateways/03-start-rollback.yaml',
      'kong-fleet/applicationsets/rolling-2-gateways-to-expressions/00-base.yaml',
      'kong-fleet/applicationsets/rolling-2-gateways-to-expressions/01-gateways-to-expressions.yaml',
      'kong-fleet/applicationsets/rolling-2-gateways-to-expressions/01-gateways-to-expressions-rollback.yaml',
      'kong-fleet/applicationsets/rolling-2-gateways-to-expressions/02-restart-controller.yaml',
      'kong-fleet/applicationsets/rolling-2-gateways-to-expressions/02-restart-controller-rollback.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/00-base.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/01-freeze-controller.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/01-freeze-controller-rollback.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/02-gateways-to-expressions.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/02-gateways-to-expressions-rollback.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/03-restart-controller.yaml',
      'kong-fleet/applicationsets/rolling-3-freeze-controller/03-restart-controller-rollback.yaml',
    ].sort());
    const md = tree['kong-fleet/FLEET.md'];
    expect(md).toContain('applicationsetcontroller.enable.progressive.syncs: "true"');
    expect(md).toContain('```mermaid');
    expect(md).toContain('argocd appset get kong-flavor-kong-fleet-rolling-2-gateways-to-expressions');
    expect(md).toContain('argocd app terminate-op');
    // Promotion waits for every Application at the committed phase; a held cluster comes back one phase at a time.
    expect(md).toContain('skipping a verified phase');
    expect(md).toContain(`-l 'kong-flavor-migrator/group=rolling-3-freeze-controller' -o jsonpath=`);
    expect(md).toContain('walk it one phase at a time while it is still held');
    expect(JSON.parse(tree['kong-fleet/fleet.json']).groups).toHaveLength(4);
  });

  test('every ApplicationSet is valid against the ApplicationSet CRD schema (committed copy)', () => {
    const files = Object.keys(tree).filter((p) => p.startsWith('kong-fleet/applicationsets/'));
    for (const f of files) expect([f, validAppSet(YAML.parse(tree[f]))]).toEqual([f, []]);
    // The check can fail: a misspelt field and a wrong type are caught.
    const bad = appSet('rolling-2-gateways-to-expressions', '01-gateways-to-expressions');
    bad.spec.strategy.rollingsync = bad.spec.strategy.rollingSync;
    bad.spec.goTemplate = 'yes';
    expect(validAppSet(bad).join('\n')).toMatch(/rollingsync[\s\S]*goTemplate|goTemplate[\s\S]*rollingsync/);
  });

  test('generator elements: one per installation of the group, its cluster, namespace, labels and overlay for the phase', () => {
    const doc = exampleDoc();
    const specOf = Object.fromEntries(doc.spec.installations.map((i: Any) => [i.name, i]));
    const set = appSet('rolling-2-gateways-to-expressions', '02-restart-controller');
    expect(set.metadata.name).toBe('kong-flavor-kong-fleet-rolling-2-gateways-to-expressions');
    expect(set.metadata.annotations['kong-flavor-migrator/phase']).toBe('02-restart-controller');
    const elements: Any[] = set.spec.generators[0].list.elements;
    expect(elements.map((e) => e.installation)).toEqual(['kong-dev-eu', 'kong-prod-eu', 'kong-prod-us']);
    for (const e of elements) {
      const inst = specOf[e.installation];
      if (inst.cluster.startsWith('https://')) expect([e.clusterServer, e.clusterName]).toEqual([inst.cluster, '']);
      else expect([e.clusterName, e.clusterServer]).toEqual([inst.cluster, '']);
      expect(e).toMatchObject({ namespace: 'kong', repoURL: doc.spec.output.argocd.repoURL, targetRevision: 'main', project: 'default' });
      expect(e.path).toBe(`dist/${e.installation}/kustomize/overlays/02-restart-controller`);
      // The path is the installation's own overlay of that phase, as synth wrote it.
      expect(tree[`${e.installation}/kustomize/overlays/02-restart-controller/kustomization.yaml`]).toBeDefined();
      expect(e.labels).toEqual({ ...inst.labels, 'kong-flavor-migrator/plan': e.installation });
      expect(e.application).toBe(`kong-flavor-${e.installation}`);
    }
    const back = appSet('rolling-2-gateways-to-expressions', '02-restart-controller-rollback');
    expect(back.metadata.name).toBe(set.metadata.name);
    expect(back.metadata.annotations['kong-flavor-migrator/phase']).toBe('02-restart-controller-rollback');
    for (const e of back.spec.generators[0].list.elements) {
      expect(e.path).toBe(`dist/${e.installation}/kustomize/overlays/02-restart-controller-rollback`);
      expect(tree[`${e.installation}/kustomize/overlays/02-restart-controller-rollback/kustomization.yaml`]).toBeDefined();
    }
    const base = appSet('rolling-2-gateways-to-expressions', '00-base');
    expect(base.spec.generators[0].list.elements.map((e: Any) => e.path)).toEqual(elements.map((e) => e.path.replace('overlays/02-restart-controller', 'base')));
  });

  test('RollingSync steps follow the fleet policy: canaries (wave=canary), 25% of the group, the rest, maxUpdate per step', () => {
    const set = appSet('rolling-2-gateways-to-expressions', '01-gateways-to-expressions');
    expect(set.spec.strategy.type).toBe('RollingSync');
    expect(set.spec.strategy.rollingSync.steps).toEqual([
      { matchExpressions: [{ key: 'kong-flavor-migrator/rollout-step', operator: 'In', values: ['canary'] }], maxUpdate: 1 },
      { matchExpressions: [{ key: 'kong-flavor-migrator/rollout-step', operator: 'In', values: ['quarter'] }], maxUpdate: '50%' },
      { matchExpressions: [{ key: 'kong-flavor-migrator/rollout-step', operator: 'In', values: ['rest'] }], maxUpdate: '25%' },
    ]);
    const steps = Object.fromEntries(set.spec.generators[0].list.elements.map((e: Any) => [e.installation, e.step]));
    // kong-dev-eu is the group's canary; 25% of 3 rounds up to one (kong-prod-eu, first in fleet order); the rest.
    expect(steps).toEqual({ 'kong-dev-eu': 'canary', 'kong-prod-eu': 'quarter', 'kong-prod-us': 'rest' });
    expect(set.spec.template.metadata.labels['kong-flavor-migrator/rollout-step']).toBe('{{.step}}');
    expect(set.spec.syncPolicy).toEqual({ preserveResourcesOnDeletion: true });
    expect(set.spec.template.spec.syncPolicy.automated).toBeUndefined();
  });

  test('the Applications Argo CD generates are valid, point at their cluster and carry the labels steps select on', () => {
    const set = appSet('blue-green-4-green-stack-up', '03-retire-blue');
    const [element] = set.spec.generators[0].list.elements;
    const app = generate(set, element);
    validateObject(app);
    expect(app.metadata.name).toBe('kong-flavor-kong-legacy-eu');
    expect(app.metadata.labels).toMatchObject({ 'kong-flavor-migrator/rollout-step': 'canary', wave: 'canary', env: 'prod', 'kong-flavor-migrator/plan': 'kong-legacy-eu' });
    expect(app.spec.destination).toEqual({ name: 'prod-eu-2', namespace: 'kong' });
    expect(app.spec.source.path).toBe('dist/kong-legacy-eu/kustomize/overlays/03-retire-blue');
    const us = appSet('rolling-2-gateways-to-expressions', '01-gateways-to-expressions');
    const prodUs = generate(us, us.spec.generators[0].list.elements[2]);
    expect(prodUs.spec.destination).toEqual({ server: 'https://10.20.0.1:6443', namespace: 'kong' });
  });

  test('the PhaseApplicationSet construct renders the same ApplicationSet in a cdk8s chart', async () => {
    const { App, Chart } = await import('cdk8s');
    const { planFleet, PhaseApplicationSet } = await import('../src/index');
    const plan = await planFleet(EXAMPLE);
    const group = plan.grouping.groups.find((g) => g.strategy === 'blue-green')!;
    const chart = new Chart(new App(), 'fleet');
    new PhaseApplicationSet(chart, 'kong', { fleet: 'kong-fleet', group, rollout: plan.rollouts.get(group.name)!, phase: group.phases[1] });
    expect(chart.toJson()).toEqual([appSet(group.name, group.phases[1].id)]);
  });

  test("gates hold the step: the ApplicationSet's patches make each gate Job a resource of its Application (kubectl kustomize)", () => {
    const set = appSet('blue-green-4-green-stack-up', '04-remove-blue');
    const app = generate(set, set.spec.generators[0].list.elements[0]);
    // What Argo CD does with source.kustomize.patches: add them to the overlay's kustomization.
    const dir = tempDir();
    fs.cpSync(out, dir, { recursive: true });
    // No spec.source: the overlays patch the user's own manifests, which they put in kustomize/base/.
    const fleet = readFleetFile(EXAMPLE);
    const own = resolve(installationDocument(fleet, fleet.spec.installations!.find((i) => i.name === 'kong-legacy-eu')!) as never).base.all;
    const base = path.join(dir, 'kong-legacy-eu', 'kustomize', 'base');
    fs.writeFileSync(path.join(base, 'kong.yaml'), own.map((o) => YAML.stringify(o)).join('---\n'));
    fs.writeFileSync(path.join(base, 'kustomization.yaml'), YAML.stringify({ resources: ['kong.yaml'] }));
    const overlay = path.join(dir, 'kong-legacy-eu', 'kustomize', 'overlays', '04-remove-blue');
    const k = YAML.parse(fs.readFileSync(path.join(overlay, 'kustomization.yaml'), 'utf8'));
    k.patches = [...(k.patches ?? []), ...app.spec.source.kustomize.patches];
    fs.writeFileSync(path.join(overlay, 'kustomization.yaml'), YAML.stringify(k));
    const objs = YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' })).map((d) => d.toJS());
    const jobs = objs.filter((o) => o.kind === 'Job');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['kong-legacy-eu-gate-04', 'kong-legacy-eu-remove-04']);
    for (const j of jobs) {
      expect(j.metadata.annotations['argocd.argoproj.io/hook']).toBeUndefined();
      expect(j.metadata.annotations['argocd.argoproj.io/hook-delete-policy']).toBeUndefined();
      expect(j.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('IgnoreExtraneous');
      expect(j.metadata.annotations['argocd.argoproj.io/sync-wave']).toBeDefined();
    }
    for (const o of objs.filter((x) => ['ServiceAccount', 'Role', 'RoleBinding'].includes(x.kind))) {
      expect(o.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('IgnoreExtraneous');
    }
    // The user's own objects are left alone.
    const green = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong-green');
    expect(green.metadata.annotations?.['argocd.argoproj.io/compare-options']).toBeUndefined();
  });

  test('each installation is written exactly as synth of its own spec writes it', async () => {
    const fleet = readFleetFile(EXAMPLE);
    const dir = tempDir();
    for (const inst of fleet.spec.installations!.filter((i) => i.name !== 'kong-db-legacy')) {
      const file = path.join(path.dirname(EXAMPLE), `.${inst.name}.single.yaml`);
      fs.writeFileSync(file, YAML.stringify(installationDocument(fleet, inst)));
      try {
        const single = await cli('synth', file, '--out', dir, '--quiet');
        expect(single.code).toBe(EXIT.ok);
      } finally {
        fs.rmSync(file);
      }
      const alone = readTree(path.join(dir, inst.name));
      const inFleet = Object.fromEntries(Object.entries(tree).filter(([p]) => p.startsWith(`${inst.name}/`)).map(([p, t]) => [p.slice(inst.name.length + 1), t]));
      expect(Object.keys(inFleet).sort()).toEqual(Object.keys(alone).sort());
      for (const p of Object.keys(alone)) expect([inst.name, p, inFleet[p] === alone[p]]).toEqual([inst.name, p, true]);
    }
    // The cluster reaches the installation's own Applications too.
    const app = YAML.parse(tree['kong-prod-us/argocd/waves-application.yaml']);
    expect(app.spec.destination).toEqual({ server: 'https://10.20.0.1:6443', namespace: 'kong' });
  });

  test('same fleet, same bytes', async () => {
    const again = path.join(tempDir(), 'dist');
    expect((await cli('synth', EXAMPLE, '--out', again, '--quiet')).code).toBe(EXIT.ok);
    expect(readTree(again)).toEqual(tree);
  });
});

describe('fleet: bad input', () => {
  test("one installation's bad field names it and where it was written; nothing is written (exit 2)", async () => {
    const doc = exampleDoc();
    doc.spec.installations[2].overrides = { gateway: { replicas: 'six' } };
    const file = writeFleet(doc);
    const out = path.join(path.dirname(file), 'dist');
    const r = await cli('synth', file, '--out', out);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.installations[2].overrides.gateway.replicas');
    expect(r.err).toContain('(installation kong-prod-us)');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith('.kong-flavor-staging'))).toEqual([]);
    expect((await cli('plan', file)).code).toBe(EXIT.input);
  });

  test('a shared field that is wrong for one installation names it; an unknown fleet field suggests the right one', async () => {
    const doc = exampleDoc();
    doc.spec.installations[1].overrides = { topology: 'sidecar' };
    const r = await cli('plan', writeFleet(doc));
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/spec\.controller \(installation kong-prod-eu\): not allowed in sidecar topology/);
    const typo = exampleDoc();
    typo.spec.policys = typo.spec.policies;
    const t = await cli('plan', writeFleet(typo));
    expect(t.code).toBe(EXIT.input);
    expect(t.err).toContain('spec.policys: unknown field (did you mean "policies"?)');
    const step = exampleDoc();
    step.spec.policies.rollout.steps[0].maxUpdate = '150%';
    expect((await cli('plan', writeFleet(step))).err).toContain('spec.policies.rollout.steps[0].maxUpdate');
  });

  test('duplicate names, two installations in one cluster namespace, and installations no step selects are refused', async () => {
    const dup = exampleDoc();
    dup.spec.installations[1].name = 'kong-dev-eu';
    expect((await cli('plan', writeFleet(dup))).err).toContain('"kong-dev-eu" is also used by');
    const place = exampleDoc();
    place.spec.installations[1].cluster = 'dev-eu-1';
    expect((await cli('plan', writeFleet(place))).err).toContain('kong-prod-eu and kong-dev-eu are both in cluster dev-eu-1, namespace kong');
    const folder = exampleDoc();
    folder.spec.installations[2].overrides.output = { argocd: { path: 'dist/kong-prod-eu' } };
    expect((await cli('plan', writeFleet(folder))).err).toContain('kong-prod-us and kong-prod-eu have the same spec.output.argocd.path (dist/kong-prod-eu)');
    const shared = exampleDoc();
    shared.spec.output.argocd.path = 'deploy/kong';
    expect((await cli('plan', writeFleet(shared))).err).toContain("spec.output.argocd.path: each installation's folder is its own");
    const steps = exampleDoc();
    steps.spec.policies.rollout.steps = [{ name: 'canary', matchLabels: { wave: 'canary' } }];
    const r = await cli('plan', writeFleet(steps));
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.policies.rollout.steps: no step selects kong-prod-eu, kong-prod-us (group rolling-2-gateways-to-expressions)');
  });
});

describe('fleet: installations read from their own manifests and chart values', () => {
  test('sources are read relative to the fleet file, and each output equals synth of its own spec there', async () => {
    const dir = tempDir();
    fs.cpSync(path.join(ROOT, 'examples', 'manifests'), path.join(dir, 'manifests'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'examples', 'helm'), path.join(dir, 'helm'), { recursive: true });
    const helm = YAML.parse(fs.readFileSync(path.join(ROOT, 'examples', 'from-helm-ingress.yaml'), 'utf8')).spec.source;
    const doc = {
      apiVersion: 'kong-flavor-migrator/v1alpha1',
      kind: 'RouterFlavorMigrationFleet',
      metadata: { name: 'sourced' },
      spec: {
        to: 'expressions',
        installations: [
          { name: 'from-manifests', cluster: 'c1', labels: { wave: 'canary' }, source: { manifests: 'manifests/kong.yaml' } },
          { name: 'from-helm', cluster: 'c2', source: helm },
        ],
      },
    };
    const file = writeFleet(doc, dir);
    const out = path.join(dir, 'dist');
    const r = await cli('synth', file, '--out', out, '--quiet');
    // No repoURL: the Applications would point at the placeholder repository, and synth says so.
    expect([r.code, r.err]).toEqual([EXIT.ok, 'warning: the Applications of from-manifests, from-helm point at the placeholder repository https://git.example.com/platform/kong.git (spec.output.argocd.repoURL): set the repository you commit dist/ to and synth again\n']);
    const fleet = readFleetFile(file);
    for (const inst of fleet.spec.installations!) {
      const single = path.join(dir, `${inst.name}.yaml`);
      fs.writeFileSync(single, YAML.stringify(installationDocument(fleet, inst)));
      const alone = path.join(dir, 'alone');
      expect((await cli('synth', single, '--out', alone, '--quiet', '--force')).code).toBe(EXIT.ok);
      expect(readTree(path.join(out, inst.name))).toEqual(readTree(path.join(alone, inst.name)));
    }
    const s = JSON.parse(fs.readFileSync(path.join(out, 'sourced', 'fleet.json'), 'utf8'));
    expect(s.installationList.map((i: Any) => [i.name, i.status])).toEqual([
      ['from-manifests', 'planned'],
      ['from-helm', 'planned'],
    ]);
  });
});

describe('fleet: overrides', () => {
  test('maps merge over the shared fields; a top-level null removes one, a null inside a map stays a value', () => {
    const doc = exampleDoc();
    doc.spec.hooks = { runAsUser: 1000, timeoutSeconds: 900 };
    doc.spec.installations[0].overrides = { controller: null, hooks: { runAsUser: null }, gateway: { replicas: 5 } };
    const fleet = readFleetFile(writeFleet(doc));
    const single = installationDocument(fleet, fleet.spec.installations![0]);
    expect(single.spec.controller).toBeUndefined();
    expect(single.spec.hooks).toEqual({ runAsUser: null, timeoutSeconds: 900 });
    expect(single.spec.gateway).toEqual({ ...doc.spec.gateway, replicas: 5 });
    expect(single.spec.output).toEqual({ argocd: { ...doc.spec.output.argocd, cluster: 'dev-eu-1' } });
    expect(single.metadata).toEqual({ name: 'kong-dev-eu', labels: { env: 'dev', region: 'eu', wave: 'canary' } });
  });
});

describe('fleet: policy and holds', () => {
  test('without a policy: canary (wave=canary, else the first), a quarter, the rest; a held installation is in no step', async () => {
    const doc = exampleDoc();
    delete doc.spec.policies;
    doc.spec.installations = doc.spec.installations.filter((i: Any) => !i.overrides?.database && !i.overrides?.gateway?.image);
    for (let i = 0; i < 5; i++) doc.spec.installations.push({ name: `kong-extra-${i}`, cluster: `extra-${i}`, labels: { env: 'prod' } });
    doc.spec.installations[3].hold = true;
    const s = JSON.parse((await cli('plan', writeFleet(doc), '--json')).out);
    const [g] = s.groups;
    // 8 installations, one held: 7 in steps; canary = kong-dev-eu (wave=canary); 25% of 7 = 2; the rest 4.
    expect(g.steps.map((x: Any) => [x.name, x.installations.length, x.maxUpdate])).toEqual([
      ['canary', 1, 1],
      ['quarter', 2, '25%'],
      ['rest', 4, '25%'],
    ]);
    expect(g.held).toEqual(['kong-extra-0']);
    const line = s.installationList.find((i: Any) => i.name === 'kong-extra-0');
    expect(line.step).toBe('hold');
    // A group whose installations are all held has no step: Argo CD refuses RollingSync without steps.
    const allHeld = exampleDoc();
    allHeld.spec.installations = allHeld.spec.installations.slice(0, 2).map((i: Any) => ({ ...i, hold: true }));
    const heldDir = path.dirname(writeFleet(allHeld));
    const r = await cli('synth', path.join(heldDir, 'fleet.yaml'), '--out', path.join(heldDir, 'dist'), '--quiet');
    expect(r.code).toBe(EXIT.ok);
    const set = YAML.parse(fs.readFileSync(path.join(heldDir, 'dist', 'kong-fleet', 'applicationsets', 'rolling-2-gateways-to-expressions', '01-gateways-to-expressions.yaml'), 'utf8'));
    expect(set.spec.strategy).toEqual({ type: 'AllAtOnce' });
    expect(set.spec.generators[0].list.elements.map((e: Any) => e.step)).toEqual(['hold', 'hold']);
    expect(validAppSet(set)).toEqual([]);
    const unlabelled = exampleDoc();
    delete unlabelled.spec.policies;
    unlabelled.spec.installations = unlabelled.spec.installations.slice(1, 3);
    const u = JSON.parse((await cli('plan', writeFleet(unlabelled), '--json')).out);
    expect(u.groups[0].steps[0]).toMatchObject({ name: 'canary', selects: '1 installation', installations: ['kong-prod-eu'] });
  });
});

describe('fleet: rollout arithmetic', () => {
  test("maxUpdate resolves as Argo CD's RollingSync does: percentages round down but not below 1, 0 means by hand", async () => {
    const { resolveMaxUpdate, planRollout } = await import('../src/fleet/rollout');
    expect(resolveMaxUpdate(3, 10)).toBe(3);
    expect(resolveMaxUpdate('25%', 10)).toBe(2);
    expect(resolveMaxUpdate('10%', 5)).toBe(1);
    expect(resolveMaxUpdate('100%', 7)).toBe(7);
    expect(resolveMaxUpdate('0%', 7)).toBe(0);
    expect(resolveMaxUpdate(0, 7)).toBe(0);
    // 40 installations, 2 canaries: canary 2, quarter ceil(25% of 40) = 10 in fleet order, the rest 28.
    const installations = Array.from({ length: 40 }, (_, i) => ({ name: `k${i}`, labels: i === 5 || i === 30 ? { wave: 'canary' } : {}, hold: false }));
    const group = { name: 'g', installations } as never;
    const r = planRollout(group, undefined, 'fleet.yaml');
    expect(r.steps.map((x) => [x.name, x.installations.length, x.atOnce])).toEqual([
      ['canary', 2, 1],
      ['quarter', 10, 2],
      ['rest', 28, 7],
    ]);
    expect(r.steps[0].installations.map((o) => o.name)).toEqual(['k5', 'k30']);
    expect(r.steps[1].installations.map((o) => o.name)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k6', 'k7', 'k8', 'k9', 'k10']);
  });
});

describe('fleet: a folder of specs that name their clusters', () => {
  const spec = (name: string, cluster: string | undefined, labels: Record<string, string>, gateway: Any = {}): Any => ({
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name, labels },
    spec: {
      from: 'traditional_compatible',
      to: 'expressions',
      gateway: { image: 'kong:3.9', replicas: 2, maxSurge: 1, maxUnavailable: 0, ...gateway },
      controller: { image: 'kong/kubernetes-ingress-controller:3.4' },
      ...(cluster ? { output: { argocd: { cluster } } } : {}),
    },
  });

  test('plans and writes a fleet named after the folder, steps from metadata.labels', async () => {
    const dir = path.join(tempDir(), 'edge-fleet');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.yaml'), YAML.stringify(spec('edge-a', 'edge-1', { wave: 'canary' })));
    fs.writeFileSync(path.join(dir, 'b.yaml'), YAML.stringify(spec('edge-b', 'edge-2', { env: 'prod' })));
    fs.writeFileSync(path.join(dir, 'c.yaml'), YAML.stringify(spec('edge-c', 'https://edge-3.example.com', { env: 'prod' })));
    const out = path.join(path.dirname(dir), 'dist');
    const r = await cli('synth', dir, '--out', out, '--quiet');
    expect(r.code).toBe(EXIT.ok);
    const set = YAML.parse(fs.readFileSync(path.join(out, 'edge-fleet', 'applicationsets', 'rolling-2-gateways-to-expressions', '01-gateways-to-expressions.yaml'), 'utf8'));
    expect(validAppSet(set)).toEqual([]);
    expect(set.spec.generators[0].list.elements.map((e: Any) => [e.installation, e.step, e.clusterName || e.clusterServer])).toEqual([
      ['edge-a', 'canary', 'edge-1'],
      ['edge-b', 'quarter', 'edge-2'],
      ['edge-c', 'rest', 'https://edge-3.example.com'],
    ]);
    // A single synth of one of these specs writes the same bytes.
    const alone = path.join(path.dirname(dir), 'alone');
    expect((await cli('synth', path.join(dir, 'b.yaml'), '--out', alone, '--quiet')).code).toBe(EXIT.ok);
    expect(readTree(path.join(alone, 'edge-b'))).toEqual(readTree(path.join(out, 'edge-b')));
    expect(readFleet(dir).name).toBe('edge-fleet');
  });

  test('a spec without its cluster is named; a folder of specs without clusters stays a plain multi-spec synth', async () => {
    const dir = path.join(tempDir(), 'mixed');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.yaml'), YAML.stringify(spec('mixed-a', 'c1', {})));
    fs.writeFileSync(path.join(dir, 'b.yaml'), YAML.stringify(spec('mixed-b', undefined, {})));
    const r = await cli('plan', dir);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain(`${path.join(dir, 'b.yaml')}: spec.output.argocd.cluster: required in a fleet`);
    const plain = path.join(tempDir(), 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'a.yaml'), YAML.stringify(spec('plain-a', undefined, {})));
    const out = path.join(path.dirname(plain), 'dist');
    expect((await cli('synth', plain, '--out', out, '--quiet')).code).toBe(EXIT.ok);
    expect(fs.readdirSync(out)).toEqual(['plain-a']);
  });
});

describeWithFixtures('fleet: ApplicationSets against the CRD in ../shared/fixtures/argocd', () => {
  const crd = (file: string) => YAML.parse(fs.readFileSync(path.join(FIXTURES, 'argocd', file), 'utf8')).spec.versions.find((v: Any) => v.name === 'v1alpha1').schema.openAPIV3Schema;

  test('the committed schema is the fixture CRD schema (npm run import regenerates it)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { applicationSetSchema } = require('../scripts/import-schemas.js');
    expect(COMMITTED_SCHEMA).toEqual(applicationSetSchema(fs.readFileSync(path.join(FIXTURES, 'argocd', 'applicationset-crd.yaml'), 'utf8')));
  });

  test('every ApplicationSet validates against the full CRD schema, and every generated Application against the Application CRD', async () => {
    const full = crdValidator(crd('applicationset-crd.yaml'));
    const application = crdValidator(crd('application-crd.yaml'));
    const out = path.join(tempDir(), 'dist');
    expect((await cli('synth', EXAMPLE, '--out', out, '--quiet')).code).toBe(EXIT.ok);
    const dir = path.join(out, 'kong-fleet', 'applicationsets');
    let checked = 0;
    for (const group of fs.readdirSync(dir)) {
      for (const f of fs.readdirSync(path.join(dir, group))) {
        const set = YAML.parse(fs.readFileSync(path.join(dir, group, f), 'utf8'));
        expect([f, full(set)]).toEqual([f, []]);
        for (const e of set.spec.generators[0].list.elements) expect([f, e.installation, application(generate(set, e))]).toEqual([f, e.installation, []]);
        checked++;
      }
    }
    expect(checked).toBe(28);
  });
});

