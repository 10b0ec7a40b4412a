/**
 * Hostile and broken input (issue 13): what a source says is checked as the API server would
 * check it, nothing is written outside --out, failures leave nothing behind and never remove
 * what another run wrote, inputs that are not files are refused, and YAML bombs are input errors.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT, run } from '../src/cli';
import { OutputFiles } from '../src/render/files';
import { literalForTpl } from '../src/render/helm';
import { Staging, writeTree } from '../src/render/write';
import { toYamlStream } from '../src/render/yaml';
import { installationObjects, writeInstallation } from './installation';
import { readTree, tempDir } from './helpers';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Every file under `dir` (relative paths), to prove nothing appeared outside --out. */
function listing(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Synth of a spec over `objects`: exit code, stderr, and whether anything but the inputs was written. */
async function synthOf(objects: Obj[] | string, spec: Obj = {}) {
  const dir = tempDir();
  const specFile = writeInstallation(dir, objects, spec);
  const before = listing(dir);
  const r = await cli('synth', specFile, '--out', path.join(dir, 'out'));
  return { ...r, dir, written: listing(dir).filter((f) => !before.includes(f)) };
}

/** The installation with one change made by `edit`. */
function edited(edit: (objects: Obj[]) => void): Obj[] {
  const objects = installationObjects();
  edit(objects);
  return objects;
}

const gateway = (objects: Obj[]) => objects.find((o) => o.metadata.name === 'proxy-kong')!;
const controller = (objects: Obj[]) => objects.find((o) => o.metadata.name === 'ingress-kong')!;
const service = (objects: Obj[], name: string) => objects.find((o) => o.kind === 'Service' && o.metadata.name === name)!;

/** Asserts the input-error contract: exit 2, the object/field named, no JavaScript text, nothing written. */
function expectInputError(r: { code: number; err: string; written: string[] }, ...expected: (string | RegExp)[]) {
  expect(r.code).toBe(EXIT.input);
  expect(r.err.split('\n')[0]).toBe('error: invalid input');
  expect(r.err).not.toMatch(/TypeError|ReferenceError|RangeError|Cannot read properties|is not a function|\n\s+at .*:\d+:\d+/);
  expect(r.err.trimEnd().split('\n').length).toBeLessThanOrEqual(30);
  for (const e of expected) expect(r.err).toMatch(e);
  expect(r.written).toEqual([]);
}

describe('security: names from a source never reach a path or a shell', () => {
  test('a Service named with ../ is refused (exit 2, object and field named) and nothing is written anywhere', async () => {
    const r = await synthOf(edited((o) => (service(o, 'kong-proxy').metadata.name = 'x/../../../../tmp/kfm-escape')));
    expectInputError(r, /Service kong\/x\/\.\.\/\.\.\/\.\.\/\.\.\/tmp\/kfm-escape \(install\.yaml, line \d+\)/, /metadata\.name: .* must not be empty, '\.' or '\.\.', nor contain '\/'/);
    expect(fs.existsSync('/tmp/kfm-escape')).toBe(false);
  });

  test('an output path that would leave the output folder is refused by the writer itself', () => {
    const files = new OutputFiles();
    for (const bad of ['../x.yaml', 'a/../../x', '/etc/x', 'a//b', 'a/./b', 'a\\b', 'a b', '']) expect(() => files.add(bad, 'x')).toThrow(/must stay inside the output folder/);
    const dir = tempDir();
    const sneaky = { paths: () => ['../escaped.yaml'], get: () => 'x' } as unknown as OutputFiles;
    expect(() => writeTree(path.join(dir, 'out'), sneaky)).toThrow(/outside/);
    expect(fs.existsSync(path.join(dir, 'escaped.yaml'))).toBe(false);
  });

  test.each([
    ['Deployment name', (o: Obj[]) => (gateway(o).metadata.name = '$(touch /tmp/kfm-pwned)'), /Deployment kong\/\$\(touch \/tmp\/kfm-pwned\).*metadata\.name: .* must be a DNS-1123 subdomain/],
    ['Deployment name with backticks', (o: Obj[]) => (controller(o).metadata.name = '`touch /tmp/kfm-pwned`'), /metadata\.name: .* must be a DNS-1123 subdomain/],
    ['Service name with ;', (o: Obj[]) => (service(o, 'kong-admin').metadata.name = 'a;touch /tmp/kfm-pwned'), /Service kong\/a;touch.*metadata\.name: .* must be a DNS-1035 label/],
    ['namespace', (o: Obj[]) => o.forEach((x) => (x.metadata.namespace = 'kong$(id)')), /metadata\.namespace: "kong\$\(id\)" must be a DNS-1123 label/],
    ['label value', (o: Obj[]) => (gateway(o).metadata.labels = { app: 'a b' }), /metadata\.labels\["app"\]: "a b" must be empty or letters/],
    ['selector', (o: Obj[]) => (gateway(o).spec.selector.matchLabels = { 'app;x': 'proxy-kong' }), /spec\.selector\.matchLabels key: "app;x"/],
    ['container name', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].name = 'proxy$(id)'), /containers\[0\]\.name: "proxy\$\(id\)" must be a DNS-1123 label/],
    ['image', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].image = 'kong:3.9;touch x'), /containers\[0\]\.image: "kong:3\.9;touch x" is not an image reference/],
    ['KIC flag in args', (o: Obj[]) => (controller(o).spec.template.spec.containers[0].args = ['--kong-admin-svc=kong/$(touch /tmp/kfm-pwned)']), /CONTROLLER_KONG_ADMIN_SVC: "kong\/\$\(touch \/tmp\/kfm-pwned\)" must be a Service as namespace\/name/],
    ['election ID in env', (o: Obj[]) => controller(o).spec.template.spec.containers[0].env.push({ name: 'CONTROLLER_ELECTION_ID', value: "x'; touch /tmp/kfm-pwned; '" }), /CONTROLLER_ELECTION_ID: .* must be a DNS-1123 subdomain/],
    ['feature gates in env', (o: Obj[]) => controller(o).spec.template.spec.containers[0].env.push({ name: 'CONTROLLER_FEATURE_GATES', value: 'A=true;id' }), /CONTROLLER_FEATURE_GATES: "A=true;id" must be a comma-separated list/],
  ])('%s carrying shell syntax: exit 2 naming the object and field', async (_what, edit, message) => {
    const r = await synthOf(edited(edit));
    expectInputError(r, message);
    expect(fs.existsSync('/tmp/kfm-pwned')).toBe(false);
  });

  test('a name with control characters or trailing spaces is named with them escaped', async () => {
    const r = await synthOf(edited((o) => (gateway(o).metadata.name = 'proxy-kong \u001b[31m\n')));
    expectInputError(r, /metadata\.name: "proxy-kong \\u001b\[31m\\n" must be a DNS-1123 subdomain/);
    expect(r.err).not.toContain('\u001b');
  });
});

describe('security: line breaks YAML parsers know cannot become keys in what kubectl applies', () => {
  test('an env value holding NEL, LS, PS or CR comes out escaped; kubectl kustomize builds it without new keys', async () => {
    const value = 'x\u0085privileged: true\u2028  privileged: true\r\n    privileged: true';
    const r = await synthOf(edited((o) => gateway(o).spec.template.spec.containers[0].env.push({ name: 'KONG_NGINX_HTTP_X', value })));
    expect(r.code).toBe(EXIT.ok);
    const out = path.join(r.dir, 'out', 'hostile');
    for (const [file, text] of Object.entries(readTree(out))) {
      if (!file.endsWith('.yaml')) continue;
      expect([file, /[\u0085\u2028\u2029\r]/.test(text)]).toEqual([file, false]);
    }
    const overlay = path.join(out, 'kustomize', 'overlays', fs.readdirSync(path.join(out, 'kustomize', 'overlays'))[0]);
    const built = execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' });
    const json = execFileSync('kubectl', ['label', '--local', '-f', '-', 'read=back', '-o', 'json'], { input: built, encoding: 'utf8' });
    const objects = json.trim().split(/(?<=\n\})\n(?=\{)/).map((t) => JSON.parse(t));
    const gw = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'proxy-kong');
    const container = gw.spec.template.spec.containers[0];
    expect(container.env.find((e: Obj) => e.name === 'KONG_NGINX_HTTP_X').value).toBe(value.replace('\u0085', ' ')); // kyaml turns NEL into a space
    expect(JSON.stringify(objects)).not.toContain('"privileged":');
  });

  test('a spec value with NEL is refused before it could reach a file (electionId)', async () => {
    const dir = tempDir();
    const specFile = writeInstallation(dir, installationObjects(), { controller: { electionId: 'x\u0085privileged: true' } });
    const r = await cli('synth', specFile, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/spec\.controller\.electionId: must be a DNS-1123 subdomain/);
    expect(r.err).not.toContain('\u0085');
  });
});

describe('failure leaves nothing behind, and never removes what another run wrote', () => {
  test('a failing synth into a missing --out creates nothing: no --out, no parents, no staging', async () => {
    const dir = tempDir();
    const specFile = writeInstallation(dir, edited((o) => (gateway(o).spec.replicas = 2.5)));
    const before = listing(dir);
    const r = await cli('synth', specFile, '--out', path.join(dir, 'a', 'b', 'out'));
    expect(r.code).toBe(EXIT.input);
    expect(listing(dir)).toEqual(before);
  });

  test('a failing synth leaves the output of a successful run in the same --out untouched', async () => {
    const dir = tempDir();
    const good = writeInstallation(dir, installationObjects(), {}, 'good');
    const out = path.join(dir, 'out');
    expect((await cli('synth', good, '--out', out)).code).toBe(EXIT.ok);
    const written = readTree(out);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: kong-flavor-migrator/v1alpha1\nkind: RouterFlavorMigration\nmetadata: {name: bad}\nspec: {to: nope}\n');
    expect((await cli('synth', path.join(dir, 'bad.yaml'), '--out', out)).code).toBe(EXIT.input);
    expect(readTree(out)).toEqual(written);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.kong-flavor-staging'))).toEqual([]);
  });

  test.each([1, 2, 3])('--force with a fault at rename %i (between the two renames, or after) keeps the old folder (injected fault)', async (faultAt) => {
    const dir = tempDir();
    const a = writeInstallation(dir, installationObjects(), {}, 'a');
    const out = path.join(dir, 'out');
    expect((await cli('synth', a, '--out', out)).code).toBe(EXIT.ok);
    fs.writeFileSync(path.join(out, 'a', 'marker-of-old-run'), 'x');
    const before = readTree(out);
    // Renames: a aside, new a into place, new b into place. Any fault puts everything back.
    const b = writeInstallation(dir, installationObjects(), { to: 'traditional' }, 'b');
    const real = fs.renameSync;
    let calls = 0;
    const spy = jest.spyOn(require('fs') as typeof fs, 'renameSync').mockImplementation((from, to) => {
      calls++;
      if (calls === faultAt) throw Object.assign(new Error('EIO: injected fault'), { code: 'EIO' });
      return real(from, to);
    });
    try {
      const r = await cli('synth', a, b, '--out', out, '--force');
      expect(r.code).toBe(EXIT.other);
      expect(r.err).toContain('injected fault');
    } finally {
      spy.mockRestore();
    }
    expect(readTree(out)).toEqual(before);
    expect(fs.readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  test('a staging folder left by a killed run is recovered (a folder moved aside goes back) and removed', async () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const good = writeInstallation(dir, installationObjects(), {}, 'good');
    expect((await cli('synth', good, '--out', out)).code).toBe(EXIT.ok);
    const before = readTree(path.join(out, 'good'));
    // As a run killed between its two renames leaves it: its staging folder, the old folder moved aside.
    const stale = path.join(out, '.kong-flavor-staging-99999999-abc');
    fs.mkdirSync(stale);
    fs.writeFileSync(path.join(stale, '.staging.json'), JSON.stringify({ out }));
    fs.renameSync(path.join(out, 'good'), path.join(stale, '.replaced-good'));
    fs.mkdirSync(path.join(stale, 'half-written'));
    const other = writeInstallation(dir, installationObjects(), {}, 'other');
    expect((await cli('synth', other, '--out', out)).code).toBe(EXIT.ok);
    expect(fs.readdirSync(out).sort()).toEqual(['good', 'other']);
    expect(readTree(path.join(out, 'good'))).toEqual(before);
  });

  test('the staging folder of a live run is left alone', () => {
    const dir = tempDir();
    const first = new Staging(dir);
    const second = new Staging(dir);
    expect(fs.existsSync(first.dir)).toBe(true);
    first.discard();
    second.discard();
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});

describe('inputs that are not files, and limits', () => {
  test.each(['/dev/zero', '/dev/urandom', '/dev/null'])('%s as a spec is refused at once (exit 2)', async (dev) => {
    const r = await cli('plan', dev);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain(`"${dev}" is a device; give a regular file`);
  });

  test('a FIFO is refused without waiting for a writer, as a spec and as manifests', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const r = await cli('plan', fifo);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('is a FIFO (named pipe); give a regular file');
    const specFile = writeInstallation(dir, installationObjects(), { source: { manifests: ['./install.yaml', './pipe.yaml'] } });
    const m = await cli('plan', specFile);
    expect(m.code).toBe(EXIT.input);
    expect(m.err).toMatch(/spec\.source\.manifests: .*pipe\.yaml" is a FIFO/);
  });

  test('a file listed many times is read once; the files together are bounded', async () => {
    const dir = tempDir();
    const specFile = writeInstallation(dir, installationObjects(), { source: { manifests: Array(12).fill('./install.yaml') } });
    expect((await cli('plan', specFile)).code).toBe(EXIT.ok);
    // 3 files of 12 MiB each (under the per-file limit) pass the 32 MiB total: refused, before parsing.
    const filler = `# ${'x'.repeat(1022)}\n`.repeat(12 * 1024);
    for (const f of ['b1.yaml', 'b2.yaml', 'b3.yaml']) fs.writeFileSync(path.join(dir, f), filler);
    const big = writeInstallation(dir, installationObjects(), { source: { manifests: ['./install.yaml', './b1.yaml', './b2.yaml', './b3.yaml'] } }, 'big');
    const r = await cli('plan', big);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('more than 33554432 bytes together, the limit');
  });

  test.each([
    ['an alias bomb', 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n', /install\.yaml is not valid YAML \(line 1\): its aliases expand too far/],
    ['an unresolved alias', 'apiVersion: v1\nkind: Service\nmetadata: *nope\n', /install\.yaml is not valid YAML \(line 3\): alias \*nope refers to no anchor/],
    ['deep flow nesting', `x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /install\.yaml is not valid YAML \(line 1.*\): nested more than 64 levels deep/],
    ['deep block nesting', Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}a:`).join('\n') + ' 1\n', /install\.yaml is not valid YAML \(line \d+\): nested more than 64 levels deep/],
    ['a duplicate key', 'apiVersion: v1\nkind: Service\nkind: Secret\nmetadata: {name: x}\n', /install\.yaml is not valid YAML \(line 3\): map key "kind" appears twice/],
  ])('%s in manifests: exit 2, one line naming the file and line', async (_what, text, message) => {
    const r = await synthOf(text);
    expectInputError(r, message);
    expect(r.err.trimEnd().split('\n')).toHaveLength(2);
    expect(r.err).not.toMatch(/Excessive|call stack|resource exhaustion/);
  });

  test('a spec with 60,000 lines and a duplicate key is refused in well under a second (linear check)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'dup.yaml');
    fs.writeFileSync(file, `apiVersion: kong-flavor-migrator/v1alpha1\nspec:\n${Array.from({ length: 60000 }, (_, i) => `  k${i}: ${i}`).join('\n')}\n  k1: again\n`);
    const r = await cli('plan', file);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(/line 60003\): map key "k1" appears twice/);
  });

  test('thousands of unknown keys: the first 20 problems and a count of the rest', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'many.yaml');
    const spec: Obj = { to: 'expressions' };
    for (let i = 0; i < 3000; i++) spec[`unknown${i}`] = i;
    fs.writeFileSync(file, YAML.stringify({ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'x' }, spec }));
    const r = await cli('plan', file);
    expect(r.code).toBe(EXIT.input);
    const lines = r.err.trimEnd().split('\n');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe('  ... and 2980 more problems');
  });
});

describe('every source value is held to the bounds of the spec', () => {
  test.each([
    ['replicas 65,536', (o: Obj[]) => (gateway(o).spec.replicas = 65536), /Deployment kong\/proxy-kong \(install\.yaml, line \d+\): replicas 65536: the gateway must run 1 to 10000 replicas/],
    ['replicas 1,000,000', (o: Obj[]) => (gateway(o).spec.replicas = 1000000), /replicas 1000000: the gateway must run 1 to 10000/],
    ['replicas 2.5', (o: Obj[]) => (gateway(o).spec.replicas = 2.5), /Deployment kong\/proxy-kong .*: spec\.replicas: /],
    ['replicas 1e+21', (o: Obj[]) => (gateway(o).spec.replicas = 1e21), /spec\.replicas: /],
    ['replicas 0', (o: Obj[]) => (gateway(o).spec.replicas = 0), /replicas 0: the gateway must run 1 to 10000 replicas \(scale it up first/],
    ['controller replicas 1,000', (o: Obj[]) => (controller(o).spec.replicas = 1000), /Deployment kong\/ingress-kong .*: replicas 1000: the controller must run 1 to 100 replicas/],
    ['image: 5', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].image = 5), /containers\[0\]\.image: /],
    ['image: null', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].image = null), /containers\[0\]\.image: required: an image reference/],
    ['containers not a list', (o: Obj[]) => (gateway(o).spec.template.spec.containers = { name: 'proxy' }), /spec\.template\.spec\.containers: /],
    ['env value a number', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].env[0].value = 5), /env\[0\]\.value: expected a string \(quote numbers and booleans\)/],
    ['env valueFrom a string', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].env[0] = { name: 'KONG_DATABASE', valueFrom: 'off' }), /env\[0\]\.valueFrom: /],
    ['KONG_DATABASE from valueFrom', (o: Obj[]) => (gateway(o).spec.template.spec.containers[0].env[0] = { name: 'KONG_DATABASE', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } }), /spec\.database: KONG_DATABASE of proxy-kong comes from valueFrom; set spec\.database/],
    ['maxSurge and maxUnavailable 0 and "0%"', (o: Obj[]) => (gateway(o).spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } }), /maxSurge and maxUnavailable are both 0, which the API server refuses/],
    ['maxSurge and maxUnavailable "0%" and "0%"', (o: Obj[]) => (gateway(o).spec.strategy = { rollingUpdate: { maxSurge: '0%', maxUnavailable: '0%' } }), /both 0/],
    ['maxUnavailable "abc"', (o: Obj[]) => (gateway(o).spec.strategy = { rollingUpdate: { maxUnavailable: 'abc' } }), /rollingUpdate\.maxUnavailable: expected an integer >= 0 or a percentage/],
    ['a List whose items is not a list', () => undefined, /is not a list/],
  ])('%s: exit 2 naming the object, field and file', async (what, edit, message) => {
    const objects = what.startsWith('a List') ? [{ apiVersion: 'v1', kind: 'List', items: { a: 1 } }] : edited(edit);
    const r = await synthOf(objects);
    expectInputError(r, message);
  });

  test('null where Kubernetes reads "absent" (replicas: null, args: null, rendered charts write it) is read as absent', async () => {
    const r = await synthOf(edited((o) => {
      gateway(o).spec.replicas = null;
      gateway(o).spec.template.spec.containers[0].args = null;
      gateway(o).metadata.annotations = null;
    }));
    expect(r.code).toBe(EXIT.ok);
    const plan = JSON.parse(fs.readFileSync(path.join(r.dir, 'out', 'hostile', 'plan.json'), 'utf8'));
    expect(plan.phases[0].changes[0]).toMatchObject({ kind: 'Deployment', name: 'proxy-kong' });
  });

  test.each([
    [{ maxSurge: 0, maxUnavailable: '0%' }],
    [{ maxSurge: '0%', maxUnavailable: '0%' }],
    [{ maxSurge: '00%', maxUnavailable: 0 }],
  ])('the spec refuses maxSurge/maxUnavailable both zero in any spelling: %j', async (budget) => {
    const dir = tempDir();
    const specFile = writeInstallation(dir, installationObjects(), { gateway: budget });
    const r = await cli('plan', specFile);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.gateway.maxSurge: maxSurge and maxUnavailable cannot both be 0');
  });

  test('Secrets in a manifests source are never copied into the output', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'kong-enterprise-license', namespace: 'kong' }, stringData: { license: 'very-secret-license-text' } };
    const r = await synthOf([...installationObjects(), secret]);
    expect(r.code).toBe(EXIT.ok);
    const tree = readTree(path.join(r.dir, 'out', 'hostile'));
    expect(Object.values(tree).some((t) => t.includes('very-secret-license-text'))).toBe(false);
    expect(Object.keys(tree).some((f) => f.includes('secret'))).toBe(false);
  });

  test('object names that are valid but not file-name safe (ClusterRole system:kong) are written under a safe file name', async () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:kong' }, rules: [] };
    const r = await synthOf([...installationObjects(), role]);
    expect(r.code).toBe(EXIT.ok);
    // final/ holds every object of the source (kustomize/base/ only those the plan manages).
    const final = fs.readdirSync(path.join(r.dir, 'out', 'hostile', 'final'));
    expect(final.filter((f) => /^\d\d-clusterrole-system_kong\.yaml$/.test(f))).toHaveLength(1);
  });
});

describe('Helm: text of ours never runs as a template', () => {
  test('literalForTpl escapes every {{ so tpl renders it as written', () => {
    expect(literalForTpl({ a: ['x {{ .Values.y }}', 3], 'k{{': null })).toEqual({ a: ['x {{ "{{" }} .Values.y }}', 3], 'k{{ "{{" }}': null });
  });

  test('the hook objects in every Helm values file carry no unescaped {{ (the chart renders extraObjects with tpl)', async () => {
    const dir = tempDir();
    const spec = path.join(dir, 'helm.yaml');
    fs.writeFileSync(spec, toYamlStream([{ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'helm' }, spec: { to: 'expressions', source: { helm: { chart: 'ingress', release: 'kong', namespace: 'kong', version: '0.24.0' } } } }]));
    const r = await cli('synth', spec, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(EXIT.ok);
    const values = Object.entries(readTree(path.join(dir, 'out', 'helm'))).filter(([f]) => f.includes('helm/') && f.endsWith('.yaml'));
    expect(values.length).toBeGreaterThan(0);
    for (const [, text] of values) expect(text.replace(/\{\{ "\{\{" \}\}/g, '')).not.toContain('{{');
  });

  test('-f - reads standard input up to the limit and refuses an endless stream (exit 2)', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '..', 'lib', 'kong-flavor.js'), 'plan', '--to', 'expressions', '-f', '-'], { input: Buffer.alloc(17 * 1024 * 1024, 0x61), encoding: 'utf8' });
    expect(r.status).toBe(EXIT.input);
    expect(r.stderr).toContain('-f: standard input holds more than 16777216 bytes, the limit');
  });
});
