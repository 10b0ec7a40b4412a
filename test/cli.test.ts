import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT, run } from '../src/cli';
import { ROOT, readTree, specDoc, tempDir } from './helpers';

function cli(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function writeSpec(dir: string, doc: Record<string, unknown>, file = 'spec.yaml'): string {
  const p = path.join(dir, file);
  fs.writeFileSync(p, YAML.stringify(doc));
  return p;
}

const example = (name: string) => path.join(ROOT, 'examples', name);

describe('kong-flavor CLI', () => {
  test('plan prints a table (exit 0) and --json the plan.json fields', () => {
    const table = cli('plan', example('dbless-to-expressions.yaml'));
    expect(table.code).toBe(EXIT.ok);
    expect(table.out).toContain('01-gateways-to-expressions');
    const json = cli('plan', example('dbless-to-expressions.yaml'), '--json');
    const plan = JSON.parse(json.out);
    expect(plan).toMatchObject({ name: 'prod-kong', from: 'traditional_compatible', to: 'expressions', strategy: 'rolling', zeroDowntime: true });
    expect(plan.phases.map((p: { id: string }) => p.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    expect(plan.phases[0]).toMatchObject({ restartsController: false, changes: [{ kind: 'Deployment', name: 'proxy-kong', change: 'env KONG_ROUTER_FLAVOR=expressions' }] });
    expect(typeof plan.phases[0].rollback.description).toBe('string');
    expect(plan.warnings).toEqual(expect.any(Array));
  });

  test('invalid input exits 2 with the field path and writes nothing', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, specDoc({ spec: { gateway: { replicas: 'three' } } }));
    const out = path.join(dir, 'out');
    const r = cli('synth', spec, '--out', out);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.gateway.replicas: expected number, got "three"');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.existsSync(out)).toBe(false);
  });

  test('no plan without downtime exits 3 and says which strategies were ruled out', () => {
    const dir = tempDir();
    const spec = writeSpec(dir, specDoc({ spec: { from: 'expressions', to: 'traditional', database: 'postgres' } }));
    const r = cli('synth', spec, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(EXIT.noPlan);
    expect(r.err).toMatch(/ruled out rolling: Postgres, expressions -> traditional/);
    expect(r.err).toMatch(/ruled out blue-green: not offered with Postgres/);
    expect(r.err).toMatch(/ruled out maintenance: takes the gateways down; needs allowDowntime: true/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('synth writes the layout, byte-identical across two runs', () => {
    const a = tempDir();
    const b = tempDir();
    expect(cli('synth', example('seed-expressions-to-traditional.yaml'), '--out', a).code).toBe(EXIT.ok);
    expect(cli('synth', example('seed-expressions-to-traditional.yaml'), '--out', b).code).toBe(EXIT.ok);
    const ta = readTree(path.join(a, 'seed'));
    const tb = readTree(path.join(b, 'seed'));
    expect(Object.keys(ta)).toContain('plan.json');
    expect(Object.keys(ta)).toContain('phases/02-cutover/01-service-kong-proxy.yaml');
    expect(tb).toEqual(ta);
  });

  test('synth does not overwrite without --force, and never a folder it did not write', () => {
    const dir = tempDir();
    expect(cli('synth', example('sidecar-dbless.yaml'), '--out', dir).code).toBe(EXIT.ok);
    const again = cli('synth', example('sidecar-dbless.yaml'), '--out', dir);
    expect(again.code).toBe(EXIT.input);
    expect(again.err).toContain('pass --force');
    expect(cli('synth', example('sidecar-dbless.yaml'), '--out', dir, '--force').code).toBe(EXIT.ok);
    fs.mkdirSync(path.join(dir, 'other', 'sidecar-kong'), { recursive: true });
    const foreign = cli('synth', example('sidecar-dbless.yaml'), '--out', path.join(dir, 'other'), '--force');
    expect(foreign.code).toBe(EXIT.input);
    expect(foreign.err).toContain('was not written by kong-flavor');
  });

  test('a usage error exits 2', () => {
    expect(cli('plan').code).toBe(EXIT.input);
    expect(cli('frobnicate').code).toBe(EXIT.input);
  });
});
