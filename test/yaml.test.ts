import { execFileSync } from 'child_process';
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import * as YAML from 'yaml';
import { toYaml, toYamlStream } from '../src/render/yaml';
import { tempDir } from './helpers';
import { checkedParse, fastParse } from '../src/spec/yamlInput';

/** JSON values with the strings our manifests hold (and the tricky ones YAML misreads). */
const tricky = fc.constantFrom('off', 'on', 'yes', 'No', 'y', 'null', '~', '', ' ', '0755', '1.10', '3.9', '1e3', '.inf', '25%', '- x', 'a: b', 'a #b', '#c', '*', '&a', '!t', '@x', '`x', '{}', '[]', 'x\n', 'x\ny\n', 'x\n\ny', '  indented\nx', 'tab\tin', 'trailing \nx', '"q"', "'q'", '\\', 'é', 'line\r\n', 'multi\nline\n\n', 'key=value', '/bin/sh', 'kong:3.9', 'argocd.argoproj.io/sync-wave');
const text = fc.oneof(fc.string(), tricky, fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
})).value;

describe('YAML emitter', () => {
  test('what it writes parses back to the same data with yaml (1.1 and 1.2) and js-yaml', () => {
    fc.assert(
      fc.property(fc.dictionary(text, json, { maxKeys: 5 }), (data) => {
        const expected = JSON.parse(JSON.stringify(data));
        const out = toYaml(data);
        expect(YAML.parse(out, { version: '1.1' })).toEqual(expected);
        expect(YAML.parse(out, { version: '1.2' })).toEqual(expected);
        expect(jsYaml.load(out)).toEqual(expected);
      }),
      { seed: 424242, numRuns: 1500 },
    );
  });

  test('manifests read naturally: plain names, quoted look-alikes, literal blocks for scripts', () => {
    const out = toYaml({
      kind: 'Deployment',
      metadata: { name: 'proxy-kong', annotations: { 'argocd.argoproj.io/sync-wave': '11' } },
      spec: { env: [{ name: 'KONG_DATABASE', value: 'off' }], maxSurge: '25%', replicas: 3, command: ['/bin/sh', '-c', 'set -eu\necho ok\n'] },
    });
    expect(out).toBe(
      [
        'kind: Deployment',
        'metadata:',
        '  name: proxy-kong',
        '  annotations:',
        '    argocd.argoproj.io/sync-wave: "11"',
        'spec:',
        '  env:',
        '    - name: KONG_DATABASE',
        '      value: "off"',
        '  maxSurge: "25%"',
        '  replicas: 3',
        '  command:',
        '    - /bin/sh',
        '    - "-c"',
        '    - |',
        '      set -eu',
        '      echo ok',
        '',
      ].join('\n'),
    );
    expect(toYamlStream([{ a: 1 }, { b: [] }])).toBe('a: 1\n---\nb: []\n');
  });
});

/**
 * Characters some YAML parser reads as a line break or refuses (NEL, LS, PS, CR, C0 and C1
 * controls, BOM), and YAML syntax: a value holding them must come back as the same string,
 * not as new keys (issue 13: U+0085 turned an env value into `privileged: true`).
 */
const BREAKERS = ['\u0085', '\u2028', '\u2029', '\r', '\n', '\u000b', '\u000c', '\u001f', '\u007f', '\u0080', '\u009f', '\ufeff', '\t', '\u0000', ' ', '#', ':', '- ', '"', "'", '\\', '{', '[', '&', '*', '!', '|', '>', '%', '@', '`'];
const codePoint = fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
const unicodeText = fc.array(fc.oneof(fc.constantFrom(...BREAKERS), codePoint, fc.constantFrom('a', 'b', 'privileged: true', '\n  privileged: true')), { maxLength: 12 }).map((parts) => parts.join(''));

describe('YAML emitter: line breaks and control characters cannot inject keys', () => {
  test('NEL, LS, PS, CR and C1 controls are escaped, never written raw', () => {
    for (const c of ['\u0085', '\u2028', '\u2029', '\r', '\u0080', '\u009f', '\u007f', '\ufeff']) {
      const out = toYaml({ env: [{ name: 'X', value: `a${c}privileged: true` }], multi: `line\n${c}privileged: true\n` });
      expect(out).not.toContain(c);
      expect(YAML.parse(out, { version: '1.1' })).toEqual({ env: [{ name: 'X', value: `a${c}privileged: true` }], multi: `line\n${c}privileged: true\n` });
      expect(jsYaml.load(out)).toEqual({ env: [{ name: 'X', value: `a${c}privileged: true` }], multi: `line\n${c}privileged: true\n` });
    }
  });

  test('random Unicode strings round-trip through our writer with yaml 1.1, 1.2 and js-yaml', () => {
    fc.assert(
      fc.property(fc.dictionary(unicodeText, unicodeText, { maxKeys: 6 }), (data) => {
        const out = toYaml({ data });
        expect(YAML.parse(out, { version: '1.1' })).toEqual({ data });
        expect(YAML.parse(out, { version: '1.2' })).toEqual({ data });
        expect(jsYaml.load(out)).toEqual({ data });
      }),
      { seed: 1301, numRuns: 2000 },
    );
  });

  /** Characters go-yaml (kubectl, kustomize) refuses anywhere, escaped or not: it fails the build instead. */
  const GO_UNPRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufeff\ufffe\uffff]/;

  function kustomizeBuild(strings: readonly string[]): { objects?: Map<string, any>; error?: string; maps: any[] } { // eslint-disable-line @typescript-eslint/no-explicit-any
    const dir = tempDir();
    // Values and keys of ConfigMap data, and an annotation: kustomize re-reads and re-writes them all.
    const maps = strings.map((s, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${i}`, annotations: { 'example.com/value': s } },
      data: { value: s, [`k${i}-${s}`]: 'key' },
    }));
    fs.writeFileSync(path.join(dir, 'objects.yaml'), toYamlStream(maps));
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['objects.yaml'] }));
    try {
      const built = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
      // Read back as kubectl apply reads it (Go's YAML parser), printed as JSON: `label --local` needs no cluster.
      const json = execFileSync('kubectl', ['label', '--local', '-f', '-', 'read=back', '-o', 'json'], { input: built, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
      // One pretty-printed JSON object per input object, one after the other (a JSON string holds no raw newline).
      const items: any[] = json.trim().split(/(?<=\n\})\n(?=\{)/).map((t) => JSON.parse(t)); // eslint-disable-line @typescript-eslint/no-explicit-any
      for (const o of items) delete o.metadata.labels;
      return { maps, objects: new Map(items.map((o) => [o.metadata.name, o])) };
    } catch (e) {
      return { maps, error: String((e as { stderr?: string }).stderr ?? e) };
    }
  }

  /** kyaml 5.5 itself turns NEL into a space: values with it may change, keys may not. */
  const KUSTOMIZE_MANGLES = /\u0085/;

  /**
   * Builds the strings with kustomize in batches, splitting a batch that fails until each
   * failing string is alone: returns the strings kustomize refused.
   */
  function refusedByKustomize(strings: readonly string[]): string[] {
    if (strings.length === 0) return [];
    const { objects, error, maps } = kustomizeBuild(strings);
    if (error === undefined) {
      // Built: no object gained a key, and every value and key kustomize keeps comes back exactly.
      expect(objects!.size).toBe(maps.length);
      for (const m of maps) {
        const b = objects!.get(m.metadata.name);
        expect(Object.keys(b).sort()).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
        expect(Object.keys(b.metadata).sort()).toEqual(['annotations', 'name']);
        expect(Object.keys(b.metadata.annotations)).toEqual(['example.com/value']);
        expect(Object.keys(b.data).length).toBe(2);
        if (!KUSTOMIZE_MANGLES.test(m.data.value)) {
          expect(b.metadata.annotations).toEqual(m.metadata.annotations);
          expect(b.data).toEqual(m.data);
        }
      }
      return [];
    }
    if (strings.length === 1) return [`${[...strings[0]].map((c) => c.codePointAt(0)!.toString(16)).join(',')}: ${error.split('\n')[0]}`];
    const half = Math.ceil(strings.length / 2);
    return [...refusedByKustomize(strings.slice(0, half)), ...refusedByKustomize(strings.slice(half))];
  }

  test('random Unicode strings round-trip through our writer and kubectl kustomize, or the build fails: never new keys', () => {
    const strings = fc.sample(unicodeText, { seed: 1302, numRuns: 600 });
    // kustomize (kyaml 5.5) refuses C0/C1 controls even escaped, and sometimes NEL (which it also turns
    // into a space); everything else must build in one go and come back exactly.
    const troublesome = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufeff\ufffe\uffff]/;
    const printable = strings.filter((s) => !troublesome.test(s));
    expect(printable.filter((s) => /[\r\u2028\u2029]/.test(s) && s.includes('privileged: true')).length).toBeGreaterThan(20);
    expect(refusedByKustomize(printable)).toEqual([]);
    // With those characters the build fails (nothing applied) or builds without a new key.
    const withNel = strings.filter((s) => s.includes('\u0085') && s.includes('privileged: true')).slice(0, 6);
    const withControls = strings.filter((s) => troublesome.test(s) && !s.includes('\u0085')).slice(0, 6);
    expect(withNel.length + withControls.length).toBe(12);
    for (const s of [...withNel, ...withControls]) refusedByKustomize([s]);
  });
});

describe('YAML input: the fast path reads what the checked path reads', () => {
  /** Every YAML file under a folder (examples, test corpus, ../shared fixtures when present). */
  const yamlFiles = (dir: string): string[] =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []))
      : [];

  test('same data and document lines for every YAML file of the project (and the fixtures when present)', () => {
    const files = [...yamlFiles(path.join(__dirname, '..', 'examples')), ...yamlFiles(path.join(__dirname, 'corpus')), ...yamlFiles(path.join(__dirname, '..', '..', 'shared', 'fixtures'))];
    expect(files.length).toBeGreaterThan(40);
    let fast = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      let checked: ReturnType<typeof checkedParse> | undefined;
      try {
        checked = checkedParse(text, file, {});
      } catch {
        checked = undefined; // invalid input: the fast path must not accept it either
      }
      const quick = fastParse(text);
      if (quick === undefined) continue;
      fast++;
      expect([file, quick.map((d) => d.data)]).toEqual([file, checked?.map((d) => d.data)]);
    }
    expect(fast).toBeGreaterThan(files.length / 2);
  });

  test('random data written by our writer (and by js-yaml) reads the same both ways', () => {
    fc.assert(
      fc.property(fc.array(fc.dictionary(unicodeText, json, { maxKeys: 5 }), { minLength: 1, maxLength: 3 }), (docs) => {
        for (const text of [toYamlStream(docs), docs.map((d) => jsYaml.dump(d)).join('---\n')]) {
          const quick = fastParse(text);
          const checked = checkedParse(text, 'random.yaml', {});
          if (quick !== undefined) expect(quick.map((d) => d.data)).toEqual(checked.map((d) => d.data));
        }
      }),
      { seed: 1315, numRuns: 600 },
    );
  });

  test('what only the checked path can judge falls back to it: duplicate keys, aliases, deep nesting, unknown tags', () => {
    for (const text of ['a: 1\na: 2\n', 'a: &x 1\nb: *x\n', `x: ${'['.repeat(100)}${']'.repeat(100)}\n`, 'a: !!binary aGk=\n']) expect(fastParse(text)).toBeUndefined();
    expect(fastParse('a: 1\n---\n# c\nb: "*x"\n')).toEqual([{ data: { a: 1 }, line: 1 }, { data: { b: '*x' }, line: 4 }]);
  });
});
