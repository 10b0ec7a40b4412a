/**
 * What the Argo CD parts of RUNBOOK.md and plan tell an engineer to do with a single
 * installation: the repository check, pausing the owning Application for real, bounding and
 * unwinding a sync, and what a prune may touch.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as YAML from 'yaml';
import { writeOutput } from '../src/render/write';
import { synthesize } from '../src/synth';
import { resolve, sourced, specDoc, tempDir, yamlObjects } from './helpers';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO = { spec: { output: { argocd: { repoURL: 'https://github.com/acme/platform.git' } } } };

describe('placeholder repository URL', () => {
  test('without spec.output.argocd.repoURL the plan warns and the preflight checks the repository', () => {
    const { plan, files } = synthesize(resolve(specDoc()));
    expect(plan.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^spec\.output\.argocd\.repoURL is not set: the Argo CD Applications in argocd\/ point at the placeholder https:\/\/git\.example\.com\/platform\/kong\.git/)]));
    const md = files.get('RUNBOOK.md')!;
    expect(md).toContain("argocd repo get https://git.example.com/platform/kong.git");
    expect(md).toContain('(this is the placeholder: set spec.output.argocd.repoURL)');
  });

  test('with a repoURL: no warning, and the preflight checks that repository', () => {
    const { plan, files } = synthesize(resolve(specDoc(REPO)));
    expect(plan.warnings.filter((w) => w.includes('repoURL'))).toEqual([]);
    const md = files.get('RUNBOOK.md')!;
    expect(md).toContain("argocd repo get https://github.com/acme/platform.git   # with Argo CD only");
    expect(md).not.toContain('this is the placeholder');
  });
});

describe('Argo CD never prunes the Kong objects (Prune=false)', () => {
  const PRUNE = 'argocd.argoproj.io/sync-options';
  const build = (out: string, id: string): Any[] =>
    YAML.parseAllDocuments(execFileSync('kubectl', ['kustomize', path.join(out, 'kustomize', 'overlays', id)], { encoding: 'utf8' })).map((d) => d.toJS());

  test('every Deployment and Service of each app-per-phase overlay carries Prune=false on its metadata, never on its pod template', () => {
    const spec = resolve(sourced(specDoc({ ...REPO, spec: { ...REPO.spec, from: 'expressions', to: 'traditional' } })));
    const { plan, files } = synthesize(spec);
    const out = path.join(tempDir(), spec.name);
    writeOutput(out, files);
    for (const p of plan.phases) {
      for (const id of [p.id, `${p.id}-rollback`]) {
        const objs = build(out, id).filter((o) => o.kind === 'Deployment' || o.kind === 'Service');
        expect(objs.length).toBeGreaterThan(0);
        for (const o of objs) {
          expect([id, o.kind, o.metadata.name, o.metadata.annotations?.[PRUNE]]).toEqual([id, o.kind, o.metadata.name, 'Prune=false']);
          if (o.kind === 'Deployment') expect(o.spec.template.metadata.annotations?.[PRUNE]).toBeUndefined();
        }
      }
    }
  });

  test('without spec.source the overlay patches of the user objects add Prune=false too', () => {
    const { plan, files } = synthesize(resolve(specDoc(REPO)));
    for (const p of plan.phases) {
      const dir = `kustomize/overlays/${p.id}/patches/`;
      const patches = files.paths().filter((f) => f.startsWith(dir)).map((f) => YAML.parse(files.get(f)!));
      expect(patches.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining(['Deployment/proxy-kong', 'Deployment/ingress-kong']));
      for (const o of patches) expect(o.metadata.annotations[PRUNE]).toBe('Prune=false');
    }
  });

  test('the waves Application declares every Kong object with Prune=false', () => {
    const { files } = synthesize(resolve(sourced(specDoc({ ...REPO, spec: { ...REPO.spec, from: 'expressions', to: 'traditional' } }))));
    const declared = files
      .paths()
      .filter((f) => f.startsWith('argocd/waves/'))
      .flatMap((f) => yamlObjects(files.get(f)!))
      .filter((o) => o.kind === 'Deployment' || o.kind === 'Service');
    expect(declared.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['proxy-kong-green', 'ingress-kong-green', 'kong-proxy']));
    for (const o of declared) expect(o.metadata.annotations[PRUNE]).toBe('Prune=false');
  });
});
