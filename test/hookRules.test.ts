import * as fs from 'fs';
import * as path from 'path';
import { argoReading, helmReading, hookProblems } from '../src/constructs/hookRules';
import { loadSpec } from '../src/spec/load';
import { KubeObject } from '../src/spec/types';
import { synthesize } from '../src/synth';
import { ROOT, resolve, specDoc, yamlObjects } from './helpers';

const obj = (kind: string, annotations: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind, metadata: { name: 'gate', annotations } });

describe("Argo CD's and Helm's hook rules", () => {
  test('Argo CD ignores Helm hook annotations on an object that has an Argo hook annotation', () => {
    expect(argoReading(obj('Job', { 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'post-upgrade' })).phases).toEqual(['Sync']);
  });

  test('otherwise it maps pre-install/pre-upgrade to PreSync and post-install/post-upgrade to PostSync; weight is the wave', () => {
    const r = argoReading(obj('Role', { 'helm.sh/hook': 'post-upgrade', 'helm.sh/hook-weight': '-1', 'helm.sh/hook-delete-policy': 'hook-succeeded' }));
    expect(r).toEqual({ hook: true, phases: ['PostSync'], wave: -1, deletePolicies: ['HookSucceeded'] });
    expect(argoReading(obj('Job', { 'helm.sh/hook': 'pre-install,pre-upgrade' })).phases).toEqual(['PreSync', 'PreSync']);
    expect(argoReading(obj('Job', { 'helm.sh/hook': 'crd-install' })).hook).toBe(false);
    expect(argoReading(obj('Service', {}))).toEqual({ hook: false, phases: ['Sync'], wave: 0, deletePolicies: [] });
    expect(argoReading(obj('Job', { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '15', 'helm.sh/hook-weight': '3' })).wave).toBe(15);
  });

  test('Helm reads only its own annotations', () => {
    expect(helmReading(obj('Job', { 'argocd.argoproj.io/hook': 'PostSync' }))).toEqual({ events: [], weight: 0 });
    expect(helmReading(obj('Job', { 'helm.sh/hook': 'post-upgrade', 'helm.sh/hook-weight': '5' }))).toEqual({ events: ['post-upgrade'], weight: 5 });
  });

  test('the old values shape is caught: a Sync-hook Job whose RBAC Argo CD maps to PostSync can never start', () => {
    const helmOnly = { 'helm.sh/hook': 'post-upgrade', 'helm.sh/hook-weight': '-1' };
    const objects = [
      obj('ServiceAccount', helmOnly),
      obj('Role', helmOnly),
      obj('RoleBinding', helmOnly),
      obj('Job', { 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'post-upgrade', 'helm.sh/hook-weight': '0' }),
    ];
    expect(hookProblems(objects, true)).toEqual(
      expect.arrayContaining([
        'ServiceAccount gate: Argo CD syncs it in PostSync, the Job in Sync',
        'Job gate: Helm events post-upgrade run in Argo CD\'s PostSync, but its Argo CD phase is Sync',
      ]),
    );
  });
});

/** Every folder of objects a synth writes, and whether its hooks travel through Helm. */
function hookFolders(files: ReturnType<typeof synthesize>['files']): Map<string, { helm: boolean; objects: KubeObject[] }> {
  const out = new Map<string, { helm: boolean; objects: KubeObject[] }>();
  for (const p of files.paths()) {
    if (!p.endsWith('.yaml') || p.endsWith('kustomization.yaml') || p.includes('/patches/')) continue;
    const docs = yamlObjects(files.get(p)!) as KubeObject[];
    const helm = p.startsWith('helm/');
    const objects = helm ? docs.flatMap((d: any) => d.extraObjects ?? d.controller?.extraObjects ?? []) : docs; // eslint-disable-line @typescript-eslint/no-explicit-any
    const folder = helm ? p : path.dirname(p);
    const entry = out.get(folder) ?? { helm, objects: [] };
    entry.objects.push(...objects);
    out.set(folder, entry);
  }
  return out;
}

const EXAMPLES = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).sort();

describe.each(EXAMPLES)('every emitted hook object of example %s follows both rules', (file) => {
  test('RBAC in the Job phase, before it, in Argo CD and (in Helm values) in Helm', () => {
    const { files } = synthesize(loadSpec(path.join(ROOT, 'examples', file)));
    let jobs = 0;
    for (const [folder, { helm, objects }] of hookFolders(files)) {
      jobs += objects.filter((o) => o.kind === 'Job').length;
      expect({ folder, problems: hookProblems(objects, helm) }).toEqual({ folder, problems: [] });
    }
    if (!file.startsWith('noop')) expect(jobs).toBeGreaterThan(0);
  });
});

test('Helm values: the gate and its RBAC are post-upgrade hooks and PostSync hooks, RBAC one weight and one wave first', () => {
  const { files } = synthesize(loadSpec(path.join(ROOT, 'examples', 'from-helm-ingress.yaml')));
  const p = files.paths().find((f) => f.startsWith('helm/values-') && files.get(f)!.includes('kind: Job'))!;
  const hooks: KubeObject[] = (yamlObjects(files.get(p)!)[0] as any).controller.extraObjects; // eslint-disable-line @typescript-eslint/no-explicit-any
  expect(hooks.map((o) => [o.kind, argoReading(o).phases.join(), argoReading(o).wave, helmReading(o).events.join(), helmReading(o).weight])).toEqual([
    ['ServiceAccount', 'PostSync', -1, 'post-upgrade', -1],
    ['Role', 'PostSync', -1, 'post-upgrade', -1],
    ['RoleBinding', 'PostSync', -1, 'post-upgrade', -1],
    ['Job', 'PostSync', 0, 'post-upgrade', 0],
  ]);
});

test('spec.hooks.runAsUser: null leaves the UID to the platform (OpenShift), runAsNonRoot stays', () => {
  const { files } = synthesize(resolve(specDoc({ spec: { hooks: { runAsUser: null } } })));
  const job = files.paths().filter((f) => f.startsWith('phases/')).flatMap((f) => yamlObjects(files.get(f)!)).find((o) => o.kind === 'Job')!;
  expect(job.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  const custom = synthesize(resolve(specDoc({ spec: { hooks: { runAsUser: 1000680000 } } }))).files;
  const job2 = custom.paths().filter((f) => f.startsWith('phases/')).flatMap((f) => yamlObjects(custom.get(f)!)).find((o) => o.kind === 'Job')!;
  expect(job2.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000680000, runAsGroup: 1000680000 });
});
