import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { specFromText } from '../src/spec/load';
import { ResolvedSpec } from '../src/spec/types';

export const ROOT = path.join(__dirname, '..');
export const SHARED = path.join(ROOT, '..', 'shared');
export const FIXTURES = path.join(SHARED, 'fixtures');
export const HAS_FIXTURES = fs.existsSync(FIXTURES);

/**
 * `describe` that skips, saying why, when ../shared/fixtures is absent (a fresh clone): the
 * body is not run then, since it reads the fixtures.
 */
export const describeWithFixtures = (name: string, fn: () => void): void => {
  if (HAS_FIXTURES) {
    describe(name, fn);
    return;
  }
  describe(name, () => {
    test.skip(`skipped: ${FIXTURES} is absent (these tests read real manifests from there)`, () => undefined);
  });
};

type Obj = Record<string, unknown>;

/** Deep-merges `patch` into `base` (objects merge, everything else replaces; `undefined` deletes). */
export function merge(base: Obj, patch: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object') out[k] = merge(out[k] as Obj, v as Obj);
    else out[k] = v;
  }
  return out;
}

/** A valid DB-less separate spec (traditional_compatible -> expressions on Kong 3.9, KIC 3.4), patched. */
export function specDoc(patch: Obj = {}): Obj {
  const base: Obj = {
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: 'test-kong' },
    spec: {
      from: 'traditional_compatible',
      to: 'expressions',
      namespace: 'kong',
      gateway: { deployment: 'proxy-kong', image: 'kong:3.9', replicas: 3, maxSurge: 1, maxUnavailable: 0 },
      controller: { deployment: 'ingress-kong', image: 'kong/kubernetes-ingress-controller:3.4' },
    },
  };
  return merge(base, patch);
}

/** Resolves a spec document as the CLI would (YAML round trip included). */
export function resolve(doc: Obj): ResolvedSpec {
  return specFromText(YAML.stringify(doc), 'test.yaml', ROOT);
}

/** A temporary folder, removed after the test run (test/globalSetup.js). */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(process.env.KFM_TEST_TMP ?? os.tmpdir(), 'kfm-test-'));
}

/** Every file under a folder, relative path -> content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Every object in a YAML file (files may hold several documents: a hook Job with its RBAC). */
export function yamlObjects(text: string): Record<string, any>[] { // eslint-disable-line @typescript-eslint/no-explicit-any
  return YAML.parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((o) => o !== null && o !== undefined);
}

/**
 * The same spec with its modelled objects written out as `spec.source.manifests`: tests of
 * whole-object output (waves, phase folders) use it, since without a source the tool emits
 * patches of the planned fields only.
 */
export function sourced(doc: Obj): Obj {
  const spec = resolve(doc);
  const file = path.join(tempDir(), 'kong.yaml');
  fs.writeFileSync(file, spec.base.all.map((o) => YAML.stringify(o)).join('---\n'));
  const copy = structuredClone(doc) as { spec: Obj };
  copy.spec.source = { manifests: file };
  return copy as unknown as Obj;
}

/** Runs the CLI in this process, as `kong-flavor <argv>` would: its exit code, standard output and error. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { run } = await import('../src/cli');
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
