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
