import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { writeOutput } from '../src/render/write';
import { synthesize } from '../src/synth';
import { resolve, sourced, specDoc, tempDir, yamlObjects } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WAVE = 'argocd.argoproj.io/sync-wave';

/**
 * The object without its Argo CD sync-wave annotation (phase files carry one, the overlay's
 * patched base objects do not) and sync options (overlays add Prune=false for Argo CD).
 */
function withoutWave(o: Any): Any {
  const c = structuredClone(o);
  if (c.metadata.annotations) {
    delete c.metadata.annotations[WAVE];
    delete c.metadata.annotations['argocd.argoproj.io/sync-options'];
    if (Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  }
  return c;
}

function kustomize(dir: string): Any[] {
  const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  return YAML.parseAllDocuments(text).map((d) => d.toJS());
}

const cases: [string, Record<string, unknown>][] = [
  ['rolling -> expressions', specDoc({ spec: { gateway: { maxSurge: '25%', maxUnavailable: '25%' } } })],
  ['blue-green seed', specDoc({ spec: { from: 'expressions', to: 'traditional', gateway: { image: 'kong:3.5' } } })],
  ['postgres freeze', specDoc({ spec: { database: 'postgres' } })],
  ['maintenance', specDoc({ spec: { strategy: 'maintenance', allowDowntime: true } })],
  [
    'KIC 2.x controller first',
    specDoc({ spec: { from: 'expressions', to: 'traditional', controller: { image: 'kong/kubernetes-ingress-controller:2.12', featureGates: 'ExpressionRoutes=true' } } }),
  ],
];

describe.each(cases)('Kustomize overlays build with kubectl kustomize (%s)', (_name, doc) => {
  const spec = resolve(sourced(doc));
  const { plan, files } = synthesize(spec);
  const out = path.join(tempDir(), spec.name);
  writeOutput(out, files);

  test.each(plan.phases.map((p) => [p.id]))('overlay %s: the touched objects equal the phase manifests', (id) => {
    const built = kustomize(path.join(out, 'kustomize', 'overlays', id));
    const phaseDir = path.join(out, 'phases', id);
    const phaseObjs = fs
      .readdirSync(phaseDir)
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) => yamlObjects(fs.readFileSync(path.join(phaseDir, f), 'utf8')) as Any[]);
    expect(phaseObjs.length).toBeGreaterThan(0);
    for (const o of phaseObjs) {
      const match = built.find((b) => b.kind === o.kind && b.metadata.name === o.metadata.name);
      expect(match).toBeDefined();
      expect(withoutWave(match)).toEqual(withoutWave(o));
    }
    // Objects the phase deletes are gone from the overlay.
    const removed = plan.phases.find((p) => p.id === id)!.gate.checks.filter((c) => c.check === 'removed');
    for (const r of removed) {
      if (r.check === 'removed') expect(built.find((b) => b.kind === r.kind && b.metadata.name === r.name)).toBeUndefined();
    }
  });

  test('the base builds and equals the objects before the migration', () => {
    const built = kustomize(path.join(out, 'kustomize', 'base'));
    const names = built.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).toEqual(spec.base.all.map((o) => `${o.kind}/${o.metadata.name}`).sort());
  });
});
