/**
 * `kong-flavor plan --to <flavor> -f <file|dir|->` and `--values ... --chart ... --release ...`:
 * no spec file, the same resolution as one, `--print-spec` to commit it, and the documented
 * one-liner from a live cluster (`kubectl get deploy,svc -n kong -o yaml | kong-flavor plan
 * --to expressions -f -`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT, run } from '../src/cli';
import { ROOT, readTree, tempDir } from './helpers';

const EXAMPLES = path.join(ROOT, 'examples');

async function cli(args: string[], stdin?: string, cwd?: string) {
  let out = '';
  let err = '';
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t), stdin: () => stdin ?? '' });
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}

const manifests = path.join(EXAMPLES, 'manifests', 'kong.yaml');

/** The installation of examples/manifests/kong.yaml as `kubectl get deploy,svc -o yaml` prints it from a cluster. */
function liveList(): string {
  const docs = YAML.parseAllDocuments(fs.readFileSync(manifests, 'utf8')).map((d) => d.toJS()).filter((o) => o && (o.kind === 'Deployment' || o.kind === 'Service'));
  const items = docs.map((o, i) => ({
    ...o,
    metadata: {
      ...o.metadata,
      uid: `uid-${i}`,
      resourceVersion: String(1000 + i),
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
      annotations: { ...(o.metadata.annotations ?? {}), 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
    },
    ...(o.kind === 'Service' && o.spec.clusterIP !== 'None' ? { spec: { ...o.spec, clusterIP: '10.0.0.10', clusterIPs: ['10.0.0.10'] } } : {}),
    status: o.kind === 'Deployment' ? { replicas: 3, readyReplicas: 3 } : { loadBalancer: {} },
  }));
  return YAML.stringify({ apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } });
}

describe('plan without a spec file', () => {
  test('-f FILE gives the plan of the equivalent spec file', async () => {
    const viaSpec = await cli(['plan', path.join(EXAMPLES, 'from-manifests.yaml'), '--json']);
    const viaFlags = await cli(['plan', '--to', 'expressions', '-f', manifests, '--name', 'from-manifests', '--json']);
    expect(viaFlags.code).toBe(EXIT.ok);
    expect(JSON.parse(viaFlags.out)).toEqual(JSON.parse(viaSpec.out));
  });

  test('-f DIR and repeated -f read every file', async () => {
    const dir = tempDir();
    const docs = fs.readFileSync(manifests, 'utf8').split(/^---$/m);
    docs.forEach((d, i) => fs.writeFileSync(path.join(dir, `${String(i).padStart(2, '0')}.yaml`), d));
    const byDir = await cli(['plan', '--to', 'expressions', '-f', dir, '--json']);
    const byFiles = await cli(['plan', '--to', 'expressions', ...docs.flatMap((_, i) => ['-f', path.join(dir, `${String(i).padStart(2, '0')}.yaml`)]), '--json']);
    expect(byDir.code).toBe(EXIT.ok);
    expect(JSON.parse(byFiles.out)).toEqual(JSON.parse(byDir.out));
  });

  test('the one-liner: kubectl get deploy,svc -n kong -o yaml | kong-flavor plan --to expressions -f -', async () => {
    const r = await cli(['plan', '--to', 'expressions', '-f', '-', '--json'], liveList());
    expect(r.code).toBe(EXIT.ok);
    const plan = JSON.parse(r.out);
    expect(plan.strategy).toBe('rolling');
    expect(plan.phases.map((p: { id: string }) => p.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
  });

  test('objects read from a cluster are emitted without what the API server set (resourceVersion, status, ClusterIP)', async () => {
    const dir = tempDir();
    const r = await cli(['plan', '--to', 'expressions', '-f', '-', '--print-spec'], liveList(), dir);
    expect(r.code).toBe(EXIT.ok);
    fs.writeFileSync(path.join(dir, 'spec.yaml'), r.out);
    fs.writeFileSync(path.join(dir, 'kong.yaml'), liveList());
    const out = path.join(dir, 'out');
    expect((await cli(['synth', path.join(dir, 'spec.yaml'), '--out', out, '--quiet'])).code).toBe(EXIT.ok);
    const files = Object.entries(readTree(path.join(out, 'kong'))).filter(([f]) => f.startsWith('phases/') || f.startsWith('kustomize/base/'));
    const text = files.map(([, t]) => t).join('\n');
    expect(text).toMatch(/kind: Service/);
    expect(text).not.toMatch(/resourceVersion|managedFields|last-applied-configuration|10\.0\.0\.10|readyReplicas/);
  });

  test('--print-spec writes the spec it resolved (standard input saved as kong.yaml), which plans the same', async () => {
    const dir = tempDir();
    const printed = await cli(['plan', '--to', 'expressions', '-f', '-', '--print-spec'], liveList(), dir);
    expect(printed.out).toMatch(/^# Written by kong-flavor --print-spec/);
    expect(printed.out).toMatch(/save them as kong\.yaml next to this spec/);
    expect(printed.out).toMatch(/Read from the source: from [a-z_]+, namespace kong, separate topology, database off, gateway proxy-kong \(kong:3\.9/);
    const data = YAML.parse(printed.out);
    expect(data.spec).toEqual({ to: 'expressions', source: { manifests: 'kong.yaml' } });
    fs.writeFileSync(path.join(dir, 'spec.yaml'), printed.out);
    fs.writeFileSync(path.join(dir, 'kong.yaml'), liveList());
    const fromSpec = await cli(['plan', path.join(dir, 'spec.yaml'), '--json']);
    const fromStdin = await cli(['plan', '--to', 'expressions', '-f', '-', '--json'], liveList());
    expect(JSON.parse(fromSpec.out)).toEqual(JSON.parse(fromStdin.out));
  });

  test('a Helm release: --values FILE --chart ingress --release kong --chart-version V', async () => {
    const viaSpec = await cli(['plan', path.join(EXAMPLES, 'from-helm-ingress.yaml'), '--json']);
    const viaFlags = await cli(
      ['plan', '--to', 'expressions', '--values', path.join(EXAMPLES, 'helm', 'values.yaml'), '--chart', 'ingress', '--release', 'kong', '--chart-version', '0.24.0', '--namespace', 'kong', '--name', 'from-helm-ingress', '--json'],
    );
    expect(viaFlags.code).toBe(EXIT.ok);
    expect(JSON.parse(viaFlags.out)).toEqual(JSON.parse(viaSpec.out));
  });

  test('verify takes the same flags', async () => {
    const r = await cli(['verify', '--to', 'expressions', '-f', manifests, '--json']);
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.out).safe).toBe(true);
  });

  test.each([
    [['plan', '-f', manifests], /--to: required without a spec file/],
    [['plan', '--to', 'expressions'], /-f: required without a spec file: the manifests \(-f kong\.yaml, -f DIR, or -f - for standard input\)/],
    [['plan', '--to', 'expressions', '-f', manifests, '--values', 'v.yaml', '--chart', 'kong', '--release', 'k'], /-f: give manifests \(-f\) or a Helm release/],
    [['plan', path.join(EXAMPLES, 'from-manifests.yaml'), '--to', 'expressions'], /give a spec file or flags such as --to and -f, not both/],
    [['plan', '--to', 'expresions', '-f', manifests], /--to: "expresions" is not allowed; .*did you mean "expressions"/],
    [['plan', '--to', 'expressions', '--values', 'v.yaml', '--release', 'k'], /--chart: a Helm release needs --chart \(kong or ingress\) and --release/],
    [['plan', '--to', 'expressions', '-f', 'nope.yaml'], /-f: "nope\.yaml" does not exist/],
  ])('bad flags exit 2 naming the flag: %j', async (args, message) => {
    const r = await cli(args as string[]);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toMatch(message as RegExp);
  });
});
