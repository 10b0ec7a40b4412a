import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT, run } from '../src/cli';
import { ROOT, readTree, specDoc, tempDir } from './helpers';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function writeSpec(dir: string, doc: Record<string, unknown>, file = 'spec.yaml'): string {
  const p = path.join(dir, file);
  fs.writeFileSync(p, YAML.stringify(doc));
  return p;
}

const example = (name: string) => path.join(ROOT, 'examples', name);

describe('kong-flavor CLI', () => {
  test('plan prints a table (exit 0) and --json the plan.json fields', async () => {
    const table = await cli('plan', example('dbless-to-expressions.yaml'));
    expect(table.code).toBe(EXIT.ok);
    expect(table.out).toContain('01-gateways-to-expressions');
    const json = await cli('plan', example('dbless-to-expressions.yaml'), '--json');
    const plan = JSON.parse(json.out);
    expect(plan).toMatchObject({ name: 'prod-kong', from: 'traditional_compatible', to: 'expressions', strategy: 'rolling', zeroDowntime: true });
    expect(plan.phases.map((p: { id: string }) => p.id)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    expect(plan.phases[0]).toMatchObject({ restartsController: false, changes: [{ kind: 'Deployment', name: 'proxy-kong', change: 'env KONG_ROUTER_FLAVOR=expressions' }] });
    expect(typeof plan.phases[0].rollback).toBe('string');
    expect(plan.phases[0].rollbackZeroDowntime).toBe(false);
    expect(plan.phases[1].rollbackZeroDowntime).toBe(true);
    expect(plan.rollbackNotZeroDowntimeFrom).toBe('01-gateways-to-expressions');
    expect(plan.verification).toMatchObject({ safe: true, violations: [] });
    expect(plan.warnings).toEqual(expect.any(Array));
  });

  test('invalid input exits 2 with the field path and writes nothing', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, specDoc({ spec: { gateway: { replicas: 'three' } } }));
    const out = path.join(dir, 'out');
    const r = await cli('synth', spec, '--out', out);
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.gateway.replicas: expected number, got "three"');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(fs.existsSync(out)).toBe(false);
  });

  test('no plan without downtime exits 3 and says which strategies were ruled out', async () => {
    const dir = tempDir();
    const spec = writeSpec(dir, specDoc({ spec: { from: 'expressions', to: 'traditional', database: 'postgres' } }));
    const r = await cli('synth', spec, '--out', path.join(dir, 'out'));
    expect(r.code).toBe(EXIT.noPlan);
    expect(r.err).toMatch(/ruled out rolling: Postgres, expressions -> traditional/);
    expect(r.err).toMatch(/ruled out blue-green: not offered with Postgres/);
    expect(r.err).toMatch(/ruled out maintenance: takes the gateways down; needs allowDowntime: true/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  test('synth writes the layout, byte-identical across two runs', async () => {
    const a = tempDir();
    const b = tempDir();
    expect((await cli('synth', example('seed-expressions-to-traditional.yaml'), '--out', a)).code).toBe(EXIT.ok);
    expect((await cli('synth', example('seed-expressions-to-traditional.yaml'), '--out', b)).code).toBe(EXIT.ok);
    const ta = readTree(path.join(a, 'seed'));
    const tb = readTree(path.join(b, 'seed'));
    expect(Object.keys(ta)).toContain('plan.json');
    // No spec.source: the cutover is a patch of the Service's selector, applied with kubectl patch.
    expect(Object.keys(ta)).toContain('phases/02-cutover/patches/01-service-kong-proxy.yaml');
    expect(tb).toEqual(ta);
  });

  test('synth does not overwrite without --force, and never a folder it did not write', async () => {
    const dir = tempDir();
    expect((await cli('synth', example('sidecar-dbless.yaml'), '--out', dir)).code).toBe(EXIT.ok);
    const again = await cli('synth', example('sidecar-dbless.yaml'), '--out', dir);
    expect(again.code).toBe(EXIT.input);
    expect(again.err).toContain('pass --force');
    expect((await cli('synth', example('sidecar-dbless.yaml'), '--out', dir, '--force')).code).toBe(EXIT.ok);
    fs.mkdirSync(path.join(dir, 'other', 'sidecar-kong'), { recursive: true });
    const foreign = await cli('synth', example('sidecar-dbless.yaml'), '--out', path.join(dir, 'other'), '--force');
    expect(foreign.code).toBe(EXIT.input);
    expect(foreign.err).toContain('was not written by kong-flavor');
  });

  test('strategy auto: a plan the verifier rejects gives way to the next strategy, and the plan says why', async () => {
    const dir = tempDir();
    const doc = specDoc({ spec: { from: 'traditional', to: 'traditional_compatible', gateway: { image: 'kong:3.2' }, controller: { image: 'kong/kubernetes-ingress-controller:2.12' } } });
    const r = await cli('plan', writeSpec(dir, doc), '--json');
    expect(r.code).toBe(EXIT.ok);
    const plan = JSON.parse(r.out);
    // Kong 3.2 marks a DB-less pod Ready before it holds a configuration: rolling loses capacity.
    expect(plan.strategy).toBe('blue-green');
    expect(plan.verification.safe).toBe(true);
    expect(plan.reasons[0]).toMatch(/^rolling was planned first, but the verifier rejected it: capacity: /);
    expect(plan.ruledOut).toContainEqual({ strategy: 'rolling', reason: expect.stringMatching(/^the verifier rejected it: capacity/) });
    // Asked for by name, the rejected strategy is still refused with the counterexample (exit 4).
    const forced = await cli('plan', writeSpec(dir, { ...doc, spec: { ...(doc.spec as object), strategy: 'rolling' } }, 'forced.yaml'));
    expect(forced.code).toBe(EXIT.unsafe);
    expect(forced.err).toMatch(/capacity: only 2 gateways can serve/);
  });

  test('--version prints the package version (exit 0)', async () => {
    const r = await cli('--version');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out.trim()).toBe(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  });

  test('the built executable starts from a V8 code cache that this Node accepts', () => {
    const vm = require('vm') as typeof import('vm');
    const Module = require('module') as typeof import('module');
    const bundle = path.join(ROOT, 'lib', 'kong-flavor.bundle.js');
    const cachedData = fs.readFileSync(path.join(ROOT, 'lib', 'kong-flavor.bundle.cache'));
    const script = new vm.Script(Module.wrap(fs.readFileSync(bundle, 'utf8').replace(/^#!.*/, '')), { filename: bundle, cachedData });
    expect(script.cachedDataRejected).toBe(false);
  });

  test('a usage error exits 2', async () => {
    expect((await cli('plan')).code).toBe(EXIT.input);
    expect((await cli('frobnicate')).code).toBe(EXIT.input);
  });
});

describe('synth of a fleet of specs (worker threads in the built CLI)', () => {
  const { execFileSync, spawnSync } = require('child_process') as typeof import('child_process');
  const BIN = path.join(ROOT, 'lib', 'kong-flavor.js');
  const folder = tempDir();
  const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml') && !f.startsWith('from-'));
  for (let i = 0; i < 24; i++) {
    const text = fs.readFileSync(path.join(ROOT, 'examples', examples[i % examples.length]), 'utf8');
    fs.writeFileSync(path.join(folder, `spec-${String(i).padStart(2, '0')}.yaml`), text.replace(/^ {2}name: .*$/m, `  name: fleet-${i}`));
  }

  test('writes the same bytes as the in-process (serial) synth', async () => {
    const viaWorkers = tempDir();
    const serial = tempDir();
    execFileSync(process.execPath, [BIN, 'synth', folder, '--out', viaWorkers, '--quiet', '--jobs', '2']);
    expect((await cli('synth', folder, '--out', serial, '--quiet')).code).toBe(EXIT.ok);
    expect(fs.readdirSync(viaWorkers).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `fleet-${i}`).sort());
    expect(readTree(viaWorkers)).toEqual(readTree(serial));
  });

  test('--jobs 1 (rendered here, written by a background thread): each folder is what synth of that spec alone writes', async () => {
    const fleet = tempDir();
    expect((await cli('synth', folder, '--out', fleet, '--quiet', '--jobs', '1')).code).toBe(EXIT.ok);
    expect(fs.readdirSync(fleet).filter((f) => !f.startsWith('.')).sort()).toEqual(Array.from({ length: 24 }, (_, i) => `fleet-${i}`).sort());
    for (const i of [0, 7, 23]) {
      const alone = path.join(tempDir(), 'alone');
      expect((await cli('synth', path.join(folder, `spec-${String(i).padStart(2, '0')}.yaml`), '--out', alone, '--quiet')).code).toBe(EXIT.ok);
      expect(readTree(path.join(fleet, `fleet-${i}`))).toEqual(readTree(path.join(alone, `fleet-${i}`)));
    }
  });

  test('--jobs 1 with one bad spec among them: exit 2 and nothing written', async () => {
    const bad = tempDir();
    for (const f of fs.readdirSync(folder)) fs.copyFileSync(path.join(folder, f), path.join(bad, f));
    fs.writeFileSync(path.join(bad, 'spec-10a.yaml'), 'apiVersion: kong-flavor-migrator/v1alpha1\nkind: RouterFlavorMigration\nmetadata: { name: broken }\nspec: { to: fast }\n');
    const out = path.join(tempDir(), 'out');
    const r = await cli('synth', bad, '--out', out, '--jobs', '1');
    expect(r.code).toBe(EXIT.input);
    expect(r.err).toContain('spec.to: "fast" is not allowed');
    expect(fs.existsSync(out)).toBe(false);
  });

  test('one bad spec among them: exit 2 and nothing written', () => {
    const bad = tempDir();
    for (const f of fs.readdirSync(folder)) fs.copyFileSync(path.join(folder, f), path.join(bad, f));
    fs.writeFileSync(path.join(bad, 'spec-99.yaml'), 'apiVersion: kong-flavor-migrator/v1alpha1\nkind: RouterFlavorMigration\nmetadata: { name: broken }\nspec: { to: fast }\n');
    const out = path.join(tempDir(), 'out');
    const r = spawnSync(process.execPath, [BIN, 'synth', bad, '--out', out, '--jobs', '2'], { encoding: 'utf8' });
    expect(r.status).toBe(EXIT.input);
    expect(r.stderr).toContain('spec.to: "fast" is not allowed');
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('colour in the terminal output', () => {
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const BIN = path.join(ROOT, 'lib', 'kong-flavor.js');
  const ESC = '\u001b[';
  const example = path.join(ROOT, 'examples', 'from-manifests-routes.yaml');
  /** `plan` of the example by the built executable, its stdout a pipe, with exactly `env` on top of PATH. */
  const planWith = (env: Record<string, string>) => {
    const r = spawnSync(process.execPath, [BIN, 'plan', example], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
    expect(r.status).toBe(EXIT.ok);
    return r.stdout;
  };

  test('a pipe gets plain text, even on a CI machine (CI=true): logs and greps see no escapes', () => {
    const out = planWith({ CI: 'true', TERM: 'xterm-256color' });
    expect(out).not.toContain(ESC);
    expect(out).toMatch(/^Routes: 4 routing objects/m);
  });

  test('FORCE_COLOR turns colour on for a pipe; NO_COLOR wins over it', () => {
    expect(planWith({ FORCE_COLOR: '1' })).toContain(`${ESC}1mRoutes:`);
    expect(planWith({ FORCE_COLOR: '1', NO_COLOR: '1' })).not.toContain(ESC);
    expect(planWith({ FORCE_COLOR: '0' })).not.toContain(ESC);
  });

  test('in-process runs (a caller passing its own streams) get plain text whatever the environment says', async () => {
    const saved = { FORCE_COLOR: process.env.FORCE_COLOR, CI: process.env.CI };
    process.env.FORCE_COLOR = '1';
    process.env.CI = 'true';
    try {
      const r = await cli('plan', example);
      expect(r.code).toBe(EXIT.ok);
      expect(r.out).not.toContain(ESC);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
});
