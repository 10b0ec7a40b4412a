import fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import * as YAML from 'yaml';
import { toYaml, toYamlStream } from '../src/render/yaml';

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
