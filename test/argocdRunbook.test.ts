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

/** The lines of the sh code blocks of a markdown text. */
const shellLines = (md: string): string[] => [...md.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split('\n').map((l) => l.trim()));

describe('an owning Application that an ApplicationSet or a parent app re-enables', () => {
  const { plan, files } = synthesize(resolve(specDoc(REPO)));
  const md = files.get('RUNBOOK.md')!;
  const before = md.slice(md.indexOf('## Before you start'), md.indexOf('## Phases and gates'));
  const automated = "kubectl -n argocd get application <owning-app> -o jsonpath='{.spec.syncPolicy.automated}'";

  test('Before you start: check the ownerReferences, keep an ApplicationSet from reverting the pause (ignoreApplicationDifferences), pause a parent, verify it held', () => {
    const lines = shellLines(before);
    const owners = lines.findIndex((l) => l.startsWith("kubectl -n argocd get application <owning-app> -o jsonpath='{range .metadata.ownerReferences[*]}{.kind}/{.name}"));
    const pause = lines.indexOf('argocd app set <owning-app> --sync-policy none');
    expect(owners).toBeGreaterThan(-1);
    expect(pause).toBeGreaterThan(owners);
    expect(lines.slice(owners, pause).join('\n')).toContain('spec.ignoreApplicationDifferences: [{jsonPointers: [/spec/syncPolicy]}]');
    expect(lines.slice(owners, pause)).toContain('argocd app set <parent-app> --sync-policy none   # only with a parent Application; note its policy too');
    expect(lines[pause + 1]).toBe(`${automated}   # must print nothing, now, again after 5 minutes, and before each phase`);
    expect(before).toContain('does not hold when an ApplicationSet generated the Application or a parent Application (app-of-apps) applies it');
  });

  test('every phase re-checks that the automated sync is still off before it is applied', () => {
    for (const p of plan.phases) {
      const section = md.slice(md.indexOf(`### ${p.id}:`));
      const check = section.indexOf(`Before you apply it, when an Argo CD Application owns these objects: \`${automated}\` must print nothing`);
      expect(check).toBeGreaterThan(-1);
      expect(check).toBeLessThan(section.indexOf('kubectl apply -f phases/'));
    }
  });

  test('plan.json carries the same before steps', () => {
    expect(plan.before[0].commands).toContain('argocd app set <owning-app> --sync-policy none');
    expect(plan.before[0].commands.some((c) => c.startsWith(automated))).toBe(true);
  });
});

describe('app-per-phase: a sync that fails or times out is stopped before the rollback', () => {
  const { plan, files } = synthesize(resolve(specDoc({ ...REPO, spec: { ...REPO.spec, database: 'postgres' } })));
  const md = files.get('RUNBOOK.md')!;

  test('each rollback first terminates the running operation and checks it is no longer Running, then promotes the rollback', () => {
    for (const p of plan.phases) {
      const section = md.slice(md.indexOf(`### ${p.id}:`));
      const rollback = section.slice(section.indexOf('Argo CD, app-per-phase: first stop'));
      const lines = shellLines(rollback.slice(0, rollback.indexOf('```\n', rollback.indexOf('```sh') + 5) + 4));
      expect(lines[0]).toBe('argocd app terminate-op kong-flavor-test-kong   # "No operation is in progress": nothing to stop');
      expect(lines[1]).toMatch(/^kubectl -n argocd get application kong-flavor-test-kong -o jsonpath='\{\.status\.operationState\.phase\}\{"\\n"\}'   # must print Failed, Error or Succeeded; Running or Terminating: wait and repeat$/);
      expect(lines[2]).toBe(`kubectl -n argocd apply -f argocd/app-per-phase/${p.id}-rollback.yaml   # or merge it into the repository your app-of-apps syncs`);
    }
  });

  test('the sync timeout covers the rollout (Argo CD waits for it before the gate), then the gate Job to its deadline, and a margin', () => {
    for (const p of plan.phases) {
      // The gate Job's activeDeadlineSeconds is its timeout plus 60 s.
      expect(md).toContain(`argocd app sync kong-flavor-test-kong --revision "$REV" --timeout ${p.estimatedSeconds + p.gate.timeoutSeconds + 60 + 60}\n`);
    }
    expect(md).toContain('the timeout is the rollout, which Argo CD waits for before it starts the gate, then the gate');
  });
});

describe('waves: one bounded sync, a success check, and a failure procedure', () => {
  const { plan, files } = synthesize(resolve(sourced(specDoc({ ...REPO, spec: { ...REPO.spec, from: 'expressions', to: 'traditional' } }))));
  const md = files.get('RUNBOOK.md')!;
  const waves = md.slice(md.indexOf('## One Argo CD sync instead (waves)'), md.indexOf('## Phase by phase'));
  const lines = shellLines(waves);

  test('the sync has the whole plan as its timeout and its result is checked for the commit', () => {
    const total = plan.phases.reduce((s, p) => s + p.estimatedSeconds + p.gate.timeoutSeconds + 120, 0);
    expect(lines).toContain(`argocd app sync kong-flavor-test-kong --revision "$REV" --timeout ${total}`);
    expect(lines).toContain(`kubectl -n argocd get application kong-flavor-test-kong -o jsonpath='{.status.operationState.phase} {.status.operationState.syncResult.revision}{"\\n"}'   # must print: Succeeded $REV`);
  });

  test('on failure: find the failed phase, terminate the operation, delete the Application without cascading, then apply the rollback, in that order', () => {
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const find = at(/^argocd app get kong-flavor-test-kong --show-operation/);
    const resources = at(/syncResult\.resources\[\*\]\}\{\.hookPhase\} \{\.kind\}\/\{\.name\}/);
    const stop = at(/^argocd app terminate-op kong-flavor-test-kong/);
    const finalizers = at(/^kubectl -n argocd get application kong-flavor-test-kong -o jsonpath='\{\.metadata\.finalizers\}'/);
    const del = at(/^kubectl -n argocd delete application kong-flavor-test-kong   # or: argocd app delete kong-flavor-test-kong --cascade=false$/);
    const rollback = at(/^kubectl apply -f phases\/NN-<slug>\/rollback\//);
    expect([find, resources, stop, finalizers, del, rollback].every((i) => i >= 0)).toBe(true);
    expect(find).toBeLessThan(stop);
    expect(resources).toBeLessThan(stop);
    expect(stop).toBeLessThan(finalizers);
    expect(finalizers).toBeLessThan(del);
    expect(del).toBeLessThan(rollback);
    // Each phase's Jobs and waves, to tell which phase failed.
    for (const [i, p] of plan.phases.entries()) {
      const nn = p.id.slice(0, 2);
      expect(lines).toContain(`#   ${p.id}: Jobs test-kong-gate-${nn}, test-kong-apply-${nn}, test-kong-remove-${nn}; waves ${(i + 1) * 10}-${(i + 1) * 10 + 9}`);
    }
    expect(lines.some((l) => /argocd app delete kong-flavor-test-kong(?! --cascade=false)/.test(l))).toBe(false);
  });

  test('a cascading delete is said to delete every object the Application tracks, not "both Kong Deployments"', () => {
    expect(md).not.toContain('both Kong Deployments');
    expect(waves).toContain('it cascades by default and deletes every object the Application tracks (the Kong Deployments and Services of the plan)');
    const after = md.slice(md.indexOf('## After the last phase'));
    expect(after).toContain('would delete every object the Application tracks (the Kong Deployments and Services of the plan)');
  });
});

test('the SyncFail report tells the engineer to delete the waves Application without cascading before the rollback', () => {
  const { files } = synthesize(resolve(sourced(specDoc(REPO))));
  const job = files
    .paths()
    .filter((f) => f.startsWith('argocd/waves/'))
    .flatMap((f) => yamlObjects(files.get(f)!))
    .find((o) => o.kind === 'Job' && o.metadata.annotations['argocd.argoproj.io/hook'] === 'SyncFail')!;
  const script: string = job.spec.template.spec.containers[0].command[2];
  expect(script).toContain('stop the operation (argocd app terminate-op), delete the Application WITHOUT cascading, then apply the rollback/ folder of the phase that failed');
});
