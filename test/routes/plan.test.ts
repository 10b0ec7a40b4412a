/**
 * The route report in the plan (issue 11 "Show it" and "Act on it"): `plan` shows it, plan.json
 * carries it as `routes --json` prints it, RUNBOOK.md has a routes section, synth writes
 * ROUTES.md, and findings that reach spec.routes.failOn refuse the plan (exit 3).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { EXIT } from '../../src/cli';
import { ROOT, readTree, runCli, specDoc, tempDir } from '../helpers';

const cli = runCli;

type Obj = Record<string, unknown>;
const ingress = (name: string, path: string, pathType: string, annotations: Record<string, string> = {}): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default', annotations },
  spec: { ingressClassName: 'kong', rules: [{ host: 'a.test', http: { paths: [{ path, pathType, backend: { service: { name, port: { number: 80 } } } }] } }] },
});

/** A spec in a new folder whose spec.source.routes file holds `objects`. */
function specWithRoutes(objects: Obj[], patch: Obj = {}): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'routes.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
  const file = path.join(dir, 'spec.yaml');
  fs.writeFileSync(file, YAML.stringify(specDoc({ spec: { source: { routes: 'routes.yaml' }, ...patch } })));
  return file;
}

const EXAMPLE = path.join(ROOT, 'examples', 'from-manifests-routes.yaml');

describe('the route report in plan, plan.json, RUNBOOK.md and synth', () => {
  test('plan.json carries the report exactly as `routes --json` prints it, last', async () => {
    const plan = await cli('plan', EXAMPLE, '--json');
    const report = await cli('routes', EXAMPLE, '--json');
    expect(plan.code).toBe(EXIT.ok);
    const parsed = JSON.parse(plan.out);
    expect(parsed.routes).toEqual(JSON.parse(report.out));
    expect(Object.keys(parsed).pop()).toBe('routes');
    expect(parsed.routes.findings.map((f: { rule: string }) => f.rule)).toEqual(expect.arrayContaining(['R8', 'R14', 'R19']));
  });

  test('plan prints a routes section: the summary, each finding with its example request and fix', async () => {
    const r = await cli('plan', EXAMPLE);
    expect(r.code).toBe(EXIT.ok);
    const section = r.out.slice(r.out.indexOf('Routes:'));
    expect(section).toMatch(/^Routes: 4 routing objects, 4 routes, traditional -> expressions \(Kong 3\.9, KIC 3\.4\): 0 rejected, \d+ changed/);
    expect(section).toContain('R8');
    expect(section).toContain('Example: GET shop.example.com/api/v2 goes to ingress.shop.shop-api-v2.0.0 before and ingress.shop.shop-api.0.0 after.');
    expect(section).toContain('Fix: use one pathType for overlapping paths of a host');
  });

  test('synth writes ROUTES.md (every finding, with the fix) and a routes section in RUNBOOK.md before the phases', async () => {
    const out = tempDir();
    expect((await cli('synth', EXAMPLE, '--out', out, '--quiet')).code).toBe(EXIT.ok);
    const tree = readTree(path.join(out, 'from-manifests-routes'));
    const routesMd = tree['ROUTES.md'];
    expect(routesMd).toContain('# Route semantics: traditional -> expressions');
    expect(routesMd).toContain('| changed | R8 | ingress.shop.shop-api-v2.0.0, ingress.shop.shop-api.0.0 |');
    const runbook = tree['RUNBOOK.md'];
    const routes = runbook.indexOf('## Routes');
    expect(routes).toBeGreaterThan(runbook.indexOf('## Why this strategy'));
    expect(routes).toBeLessThan(runbook.indexOf('## Phases and gates'));
    expect(runbook).toContain('- changed R8: GET shop.example.com/api/v2 goes to Ingress shop/shop-api');
    expect(runbook).toContain('`ROUTES.md`');
    expect(JSON.parse(tree['plan.json']).routes.objects).toBe(4);
  });

  test('a spec without routing objects has no routes key, no ROUTES.md and no routes section', async () => {
    const out = tempDir();
    const example = path.join(ROOT, 'examples', 'dbless-to-expressions.yaml');
    expect((await cli('synth', example, '--out', out, '--quiet')).code).toBe(EXIT.ok);
    const tree = readTree(path.join(out, 'prod-kong'));
    expect(JSON.parse(tree['plan.json']).routes).toBeUndefined();
    expect(tree['ROUTES.md']).toBeUndefined();
    expect(tree['RUNBOOK.md']).not.toContain('## Routes');
  });
});

describe('spec.routes.failOn refuses a plan (exit 3), naming the objects and the fix', () => {
  const lookAhead = [ingress('lookahead', '/~/api/(?!internal)', 'ImplementationSpecific'), ingress('plain', '/web', 'Prefix')];

  test('default rejected: a regex the Rust engine refuses stops plan and synth, nothing written', async () => {
    const spec = specWithRoutes(lookAhead, { from: 'traditional', to: 'traditional_compatible' });
    const plan = await cli('plan', spec);
    expect(plan.code).toBe(EXIT.noPlan);
    // The route itself, then the request that shows it.
    expect(plan.err).toContain('2 route findings reach spec.routes.failOn: rejected (the target refuses them):');
    expect(plan.err).toMatch(/reach spec\.routes\.failOn: rejected \(the target refuses them\):\n  - rejected R22: Ingress default\/lookahead: traditional_compatible gateways on Kong 3\.9 refuse route .*look-around/);
    expect(plan.err).toMatch(/\n  - rejected R22: GET a\.test\/api\/.*: Ingress default\/lookahead \(ingress\.default\.lookahead\.0\.0\) no longer matches it under traditional_compatible/);
    expect(plan.err).toContain("Fix: rewrite the regex for Rust's regex crate");
    expect(plan.err).toContain('set spec.routes.failOn: never');
    expect(plan.err).toContain('DB-less gateway refuses a whole configuration');
    const out = path.join(tempDir(), 'out');
    expect((await cli('synth', spec, '--out', out)).code).toBe(EXIT.noPlan);
    expect(fs.existsSync(out)).toBe(false);
    // `routes` is a report: it says the same and exits 0.
    const report = await cli('routes', spec);
    expect(report.code).toBe(EXIT.ok);
    expect(report.out).toContain('R22');
  });

  test('failOn: never with Postgres plans anyway, with a warning naming the objects', async () => {
    const spec = specWithRoutes(lookAhead, { from: 'traditional', to: 'traditional_compatible', database: 'postgres', routes: { failOn: 'never' } });
    const plan = await cli('plan', spec, '--json');
    expect(plan.code).toBe(EXIT.ok);
    const parsed = JSON.parse(plan.out);
    expect(parsed.warnings).toEqual(expect.arrayContaining([expect.stringContaining('2 route findings of severity rejected (Ingress default/lookahead) are accepted by spec.routes.failOn: never')]));
    expect(parsed.routes.findings.filter((f: { severity: string }) => f.severity === 'rejected').map((f: { rule: string }) => f.rule)).toEqual(['R22', 'R22']);
  });

  test('failOn: changed refuses a change of winner too, and rejected lets it through', async () => {
    const objects = [ingress('api', '/api', 'Prefix'), ingress('v1', '/api/v1', 'ImplementationSpecific')];
    const changed = await cli('plan', specWithRoutes(objects, { routes: { failOn: 'changed' } }));
    expect(changed.code).toBe(EXIT.noPlan);
    expect(changed.err).toContain('spec.routes.failOn: changed (they change how routes match)');
    expect(changed.err).toMatch(/- changed R8: GET a\.test\/api\/v1 goes to Ingress default\/api/);
    expect((await cli('plan', specWithRoutes(objects))).code).toBe(EXIT.ok);
  });
});
