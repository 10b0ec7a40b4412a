/**
 * `strategy: auto` when no zero-downtime plan passes the verifier: exit 3 (no plan without
 * downtime), not 4, with each strategy named once and why it was ruled out.
 */
import { EXIT, run } from '../src/cli';
import { PlanRefusedError, UnsafePlanError } from '../src/errors';
import { verifiedPlan } from '../src/verification';
import { resolve, specDoc, tempDir } from './helpers';
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

/** Sidecar DB-less Kong 3.2 with KIC 2.9 (the KIC 2.9 all-in-one): Kong < 3.3 is Ready before it holds a configuration. */
const sidecar32 = (patch: Record<string, unknown> = {}) =>
  specDoc({
    spec: {
      from: 'traditional',
      to: 'traditional_compatible',
      topology: 'sidecar',
      gateway: { deployment: 'ingress-kong', image: 'kong:3.2', replicas: 2, sidecar: { image: 'kong/kubernetes-ingress-controller:2.9' } },
      controller: undefined,
      ...patch,
    },
  });

describe('strategy auto with no zero-downtime plan', () => {
  test('exits 3 listing rolling (the counterexample), blue-green (sidecar) and maintenance (allowDowntime), each once', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'spec.yaml');
    fs.writeFileSync(file, YAML.stringify(sidecar32()));
    let err = '';
    const code = await run(['plan', file], { out: () => undefined, err: (t) => (err += t) });
    expect(code).toBe(EXIT.noPlan);
    expect(err).toMatch(/no plan without downtime exists for traditional -> traditional_compatible here; set allowDowntime: true/);
    expect(err).toMatch(/ruled out rolling: the verifier rejected it: capacity: .*\(counterexample: start: the installation as it runs today; apply phase 01/);
    expect(err).toMatch(/ruled out blue-green: needs a separate controller Deployment/);
    expect(err).toMatch(/ruled out maintenance: takes the gateways down; needs allowDowntime: true/);
    for (const s of ['rolling', 'blue-green', 'maintenance']) expect(err.split(`ruled out ${s}:`)).toHaveLength(2);
  });

  test('the refusal lists strategies in order, each once', () => {
    try {
      verifiedPlan(resolve(sidecar32()));
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(PlanRefusedError);
      expect((e as PlanRefusedError).refusal.ruledOut.map((r) => r.strategy)).toEqual(['rolling', 'blue-green', 'maintenance']);
    }
  });

  test('asked for by name, the rejected strategy is still exit 4 with the counterexample', () => {
    expect(() => verifiedPlan(resolve(sidecar32({ strategy: 'rolling' })))).toThrow(UnsafePlanError);
  });

  test('with allowDowntime, auto plans the maintenance window instead', () => {
    expect(verifiedPlan(resolve(sidecar32({ allowDowntime: true }))).strategy).toBe('maintenance');
  });
});
