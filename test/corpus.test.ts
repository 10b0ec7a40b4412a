/**
 * Real installations, read right or refused with what to do: every file of
 * test/corpus/real/corpus.yaml (KIC all-in-ones from 1.3 to 3.5, Kong/charts values and the
 * releases they render) to all three flavors, against the reading and plan written there.
 * A values file and its rendered release must give the same reading and the same plan.
 *
 * The files are not in this repository (see test/corpus/real/README.md): they are read from
 * ../shared/fixtures/real/<owner>/<name>/<ref>/<path>, or from git clones under
 * $KONG_FLAVOR_MIRRORS (default /work/.mirror, as `<owner>+<name>/repo`), and checked against
 * their git blob id. Without either, the tests skip saying so.
 */
import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { PlanRefusedError } from '../src/errors';
import { InputError } from '../src/spec/errors';
import { specFromText } from '../src/spec/load';
import { ResolvedSpec } from '../src/spec/types';
import { verifiedPlan } from '../src/verification';
import { FIXTURES, ROOT, tempDir } from './helpers';

interface Entry {
  id: string;
  repo: string;
  ref: string;
  path: string;
  pathBlob: string;
  rendered?: string;
  renderedBlob?: string;
  also?: string;
  alsoBlob?: string;
  helm?: { chart: 'kong' | 'ingress'; release?: string; releases?: string[]; namespace: string; version: string };
  read?: Record<string, string>;
  plans: Record<string, string>;
  renderedPlans?: Record<string, string>;
  konnect?: boolean;
}

const INDEX = YAML.parse(fs.readFileSync(path.join(ROOT, 'test', 'corpus', 'real', 'corpus.yaml'), 'utf8')) as { files: Entry[] };
const SHARED_REAL = path.join(FIXTURES, 'real');
const MIRRORS = process.env.KONG_FLAVOR_MIRRORS ?? '/work/.mirror';
const FLAVORS = ['expressions', 'traditional', 'traditional_compatible'] as const;

/** The git blob id of some bytes: what proves a copy is the recorded file. */
const blobId = (buf: Buffer) => createHash('sha1').update(`blob ${buf.length}\0`).update(buf).digest('hex');

/** A corpus file's text, from a shared copy or a git clone, or undefined when neither has it. */
function corpusFile(repo: string, ref: string, file: string, blob: string): string | undefined {
  const shared = path.join(SHARED_REAL, repo, ref, file);
  if (fs.existsSync(shared)) {
    const buf = fs.readFileSync(shared);
    if (blobId(buf) !== blob) throw new Error(`${shared} is not ${repo}@${ref}:${file} (blob ${blob})`);
    return buf.toString('utf8');
  }
  const base = path.join(MIRRORS, repo.replace('/', '+'));
  const dir = [path.join(base, 'repo'), base].find((d) => fs.existsSync(path.join(d, 'HEAD')));
  if (!dir) return undefined;
  try {
    return execFileSync('git', ['--git-dir', dir, 'cat-file', 'blob', blob], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/** Writes an entry's files into a fresh folder; undefined when a file is not available. */
function materialize(e: Entry): string | undefined {
  const dir = tempDir();
  for (const [key, blob] of [['path', e.pathBlob], ['rendered', e.renderedBlob], ['also', e.alsoBlob]] as const) {
    const file = e[key];
    if (!file) continue;
    const text = corpusFile(e.repo, e.ref, file, blob!);
    if (text === undefined) return undefined;
    fs.writeFileSync(path.join(dir, path.basename(file)), text);
  }
  return dir;
}

function specFor(dir: string, source: unknown, to: string): ResolvedSpec {
  const text = YAML.stringify({ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'corpus' }, spec: { to, source } });
  return specFromText(text, path.join(dir, 'spec.yaml'));
}

function helmSource(e: Entry) {
  const h = e.helm!;
  if (h.releases) {
    return {
      helm: [
        { chart: h.chart, release: h.releases[0], namespace: h.namespace, version: h.version, values: path.basename(e.path) },
        { chart: h.chart, release: h.releases[1], namespace: h.namespace, version: h.version, values: path.basename(e.also!) },
      ],
    };
  }
  return { helm: { chart: h.chart, release: h.release, namespace: h.namespace, version: h.version, values: path.basename(e.path) } };
}

/** What a reading says, in the corpus's terms. */
function reading(s: ResolvedSpec): Record<string, string> {
  return {
    topology: s.topology,
    database: s.database,
    from: s.from,
    gateway: `${s.gateway.deployment}@${s.gateway.version.raw}`,
    ...(s.controller ? { controller: `${s.controller.deployment}@${s.controller.version.raw}` } : { sidecar: s.gateway.sidecar!.version.raw }),
  };
}

/** The facts a values file and its rendered release must share (names the chart computes, versions, sizes). */
function shared(s: ResolvedSpec) {
  const g = s.gateway;
  const c = s.controller;
  return {
    ...reading(s),
    namespace: s.namespace,
    // A sidecar's admin API is on localhost: no Service, nothing to compare.
    gateway: { deployment: g.deployment, image: g.image, replicas: g.replicas, proxyService: g.proxyService, adminService: g.sidecar ? undefined : g.adminService, adminPort: g.adminPort, selector: g.selector, sidecar: g.sidecar && { image: g.sidecar.image, featureGates: g.sidecar.featureGates } },
    controller: c && { deployment: c.deployment, image: c.image, replicas: c.replicas, electionId: c.electionId, selector: c.selector, featureGates: c.featureGates },
  };
}

type Outcome = { kind: 'plan'; strategy: string; phases: unknown } | { kind: 'exit'; code: 2 | 3; message: string };

function outcome(fn: () => ResolvedSpec): Outcome {
  try {
    const plan = verifiedPlan(fn());
    return { kind: 'plan', strategy: plan.strategy, phases: plan.phases.map((p) => ({ id: p.id, changes: p.changes, restartsController: p.restartsController })) };
  } catch (e) {
    if (e instanceof InputError) return { kind: 'exit', code: 2, message: e.message };
    if (e instanceof PlanRefusedError) return { kind: 'exit', code: 3, message: e.message };
    throw e;
  }
}

function expectOutcome(o: Outcome, expected: string): void {
  const m = /^exit ([23]): (.*)$/s.exec(expected);
  if (m) {
    expect(o).toMatchObject({ kind: 'exit', code: Number(m[1]) });
    if (o.kind === 'exit') expect(o.message).toMatch(new RegExp(m[2]));
  } else {
    expect(o.kind === 'plan' ? o.strategy : o).toBe(expected);
  }
}

const entries = INDEX.files.map((e) => ({ e, dir: materialize(e) }));
const missing = entries.filter((x) => !x.dir);

describe('the real-input corpus (test/corpus/real/corpus.yaml)', () => {
  if (missing.length > 0) {
    test.skip(`skipped ${missing.length} of ${entries.length} files: neither ${SHARED_REAL} nor git clones under ${MIRRORS} hold them (node scripts/corpus.js export <clones> ${SHARED_REAL} writes them)`, () => undefined);
  }

  test('every file is recorded with its repository, tag, commit, path and blob, from an Apache-2.0 source', () => {
    const sources = (YAML.parse(fs.readFileSync(path.join(ROOT, 'test', 'corpus', 'real', 'corpus.yaml'), 'utf8')) as { sources: Record<string, { license: string }> }).sources;
    for (const e of INDEX.files) {
      expect(sources[e.repo]?.license).toBe('Apache-2.0');
      expect(e).toMatchObject({ ref: expect.any(String), path: expect.any(String) });
      expect(e.pathBlob).toMatch(/^[0-9a-f]{40}$/);
      if (e.rendered) expect(e.renderedBlob).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(new Set(INDEX.files.map((e) => e.id)).size).toBe(INDEX.files.length);
  });

  for (const { e, dir } of entries.filter((x) => x.dir)) {
    const source = e.helm ? helmSource(e) : { manifests: path.basename(e.path) };
    describe(e.id, () => {
      if (e.read) {
        test(`reads ${Object.values(e.read).join(', ')}`, () => {
          expect(reading(specFor(dir!, source, 'expressions'))).toEqual(e.read);
        });
      }
      for (const to of FLAVORS.filter((f) => e.plans[f] !== undefined)) {
        test(`-> ${to}: ${e.plans[to]}`, () => expectOutcome(outcome(() => specFor(dir!, source, to)), e.plans[to]));
      }
      if (e.konnect) {
        test('Konnect sync is read, and a blue-green plan keeps it on one controller at a time', () => {
          const spec = specFor(dir!, source, 'expressions');
          expect(spec.controller!.konnectSync).toBe(true);
        });
      }
      if (e.rendered) {
        const rendered = { manifests: path.basename(e.rendered) };
        test('its rendered release reads the same (names, images, sizes, selectors)', () => {
          expect(shared(specFor(dir!, rendered, 'expressions'))).toEqual(shared(specFor(dir!, source, 'expressions')));
        });
        for (const to of FLAVORS) {
          const expected = e.renderedPlans?.[to];
          test(`its rendered release -> ${to}: ${expected ?? 'the same plan'}`, () => {
            const fromRendered = outcome(() => specFor(dir!, rendered, to));
            if (expected) expectOutcome(fromRendered, expected);
            else expect(fromRendered).toEqual(outcome(() => specFor(dir!, source, to)));
          });
        }
      }
    });
  }
});
