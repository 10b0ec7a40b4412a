/**
 * The verifier learns the route report (issue 11 "Act on it"): a DB-less configuration holding a
 * route the target refuses is refused whole, so the new gateways never become Ready; with
 * Postgres the admin API drops those routes and the gateways keep serving the others.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { planMigration } from '../../src/plan/planner';
import { refusedConfigurations } from '../../src/routes';
import { specFromText } from '../../src/spec/load';
import { verifyPlan } from '../../src/verify';
import { specDoc, tempDir } from '../helpers';
import { KIC_34, KONG_39 } from './helpers';

type Obj = Record<string, unknown>;
const ingress = (name: string, path: string): Obj => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace: 'default' },
  spec: { ingressClassName: 'kong', rules: [{ host: 'a.test', http: { paths: [{ path, pathType: 'ImplementationSpecific', backend: { service: { name, port: { number: 80 } } } }] } }] },
});
const LOOK_AHEAD = ingress('lookahead', '/~/api/(?!internal)');
const UNCLOSED = ingress('unclosed', '/~/api/(x');

function spec(objects: Obj[], patch: Obj) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'routes.yaml'), objects.map((o) => YAML.stringify(o)).join('---\n'));
  const doc = specDoc({ spec: { from: 'traditional', to: 'traditional_compatible', source: { routes: 'routes.yaml' }, routes: { failOn: 'never' }, ...patch } });
  return specFromText(YAML.stringify(doc), path.join(dir, 'spec.yaml'), dir);
}

function rollingPlan(s: ReturnType<typeof spec>) {
  const r = planMigration(s);
  if (r.kind !== 'plan') throw new Error(r.reasons.join('\n'));
  return r.plan;
}

describe('refusedConfigurations: what each flavor refuses of the routes served today', () => {
  test('a look-ahead regex: the ATC flavors refuse the fields configuration, traditional does not', () => {
    const refused = refusedConfigurations({ objects: [LOOK_AHEAD] as never, from: 'traditional', kong: KONG_39, kic: KIC_34 });
    expect(refused.map((r) => `${r.flavor}/${r.shape}`)).toEqual(['traditional_compatible/fields', 'expressions/fields', 'expressions/expressions']);
    expect(refused[0].reason).toMatch(/^route default\.lookahead\.lookahead\.a\.test\.80 \(Ingress default\/lookahead\): regex "\/api\/\(\?!internal\)" does not compile in Rust regex/);
  });

  test('a regex no flavor accepts is not served today, so no configuration of the migration is refused because of it', () => {
    expect(refusedConfigurations({ objects: [UNCLOSED] as never, from: 'traditional', kong: KONG_39, kic: KIC_34 })).toEqual([]);
  });
});

describe('the verifier with routes the target refuses', () => {
  test('DB-less: the new traditional_compatible pods reject the whole configuration and never become Ready', () => {
    const s = spec([LOOK_AHEAD, ingress('plain', '/web')], {});
    const verdict = verifyPlan(s, rollingPlan(s));
    expect(verdict.safe).toBe(false);
    expect(verdict.violations.map((v) => v.invariant)).toEqual(['progress', 'acceptance']);
    expect(verdict.violations[1].message).toMatch(
      /^a new traditional_compatible pod of proxy-kong rejects the fields routes the controller \(detected traditional\) sends because of route default\.lookahead\.lookahead\.a\.test\.80 \(Ingress default\/lookahead\): .*look-around.* and holds no config, so it never becomes Ready$/,
    );
  });

  test('DB-less: the same migration without that route is safe (the route is the cause)', () => {
    const s = spec([ingress('plain', '/web')], {});
    expect(verifyPlan(s, rollingPlan(s)).safe).toBe(true);
  });

  test('DB-less: a route refused today already changes nothing', () => {
    const s = spec([UNCLOSED, ingress('plain', '/web')], {});
    expect(verifyPlan(s, rollingPlan(s)).safe).toBe(true);
  });

  test('Postgres: the admin API drops those routes and the gateways serve the rest: safe, with the plan warning', () => {
    const s = spec([LOOK_AHEAD, ingress('plain', '/web')], { database: 'postgres' });
    const plan = rollingPlan(s);
    expect(verifyPlan(s, plan).safe).toBe(true);
    expect(plan.warnings).toEqual(expect.arrayContaining([expect.stringContaining('accepted by spec.routes.failOn: never')]));
  });
});
