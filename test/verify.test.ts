import * as fs from 'fs';
import * as path from 'path';
import { forgetVerdicts, naivePhases, verifyNaive, verifyPlan, verifyRollbacks, verifyStates } from '../src/verify';
import { InputError } from '../src/spec/errors';
import { verifiedPlan } from '../src/verification';
import { planMigration } from '../src/plan/planner';
import { initialState, withGateway } from '../src/plan/state';
import { Plan } from '../src/plan/types';
import { loadSpec } from '../src/spec/load';
import { ROOT, resolve, specDoc } from './helpers';

/** The seed scenario (DOMAIN.md §3): all-in-one DB-less, separate, expressions on Kong 3.5, KIC 3.0, 3 replicas. */
const seed = (kong = 'kong:3.5') =>
  resolve(
    specDoc({
      spec: {
        from: 'expressions',
        to: 'traditional',
        gateway: { image: kong, replicas: 3, maxSurge: '25%', maxUnavailable: '25%' },
        controller: { image: 'kong/kubernetes-ingress-controller:3.0' },
      },
    }),
  );

describe('the seed scenario (DOMAIN.md section 3)', () => {
  test.each(['kong:3.5', 'kong:3.9'])('%s: the naive edit deadlocks: the new traditional pod rejects expression routes and never becomes Ready', (image) => {
    const spec = seed(image);
    const verdict = verifyNaive(spec, initialState(spec));
    expect(verdict.safe).toBe(false);
    expect(verdict.violations.map((v) => v.invariant)).toEqual(['progress', 'acceptance']);
    const trace = verdict.violations[0].trace;
    expect(trace[1]).toBe('apply phase naive-edit');
    expect(trace).toContainEqual(expect.stringMatching(/^proxy-kong: a new pod starts \(traditional, no config yet/));
    expect(trace[trace.length - 1]).toMatch(/a new traditional pod of proxy-kong rejects the expressions routes the controller \(detected expressions\) sends and holds no config/);
    expect(verdict.violations[1].message).toMatch(/so it never becomes Ready$/);
  });

  test('scaling the gateways to 0 and back to 3 does not recover', () => {
    const spec = seed();
    const initial = initialState(spec);
    const down = withGateway(initial, 'proxy-kong', { flavor: 'traditional', replicas: 0 });
    const up = withGateway(down, 'proxy-kong', { replicas: 3 });
    const verdict = verifyStates(spec, initial, [
      { id: 'edit-and-scale-to-0', state: down, zeroDowntime: false, gated: true },
      { id: 'scale-back-to-3', state: up, zeroDowntime: false, gated: true },
    ]);
    expect(verdict.safe).toBe(false);
    const stuck = verdict.violations.find((v) => v.invariant === 'progress')!;
    expect(stuck.message).toContain('proxy-kong: 3 traditional/none; ingress-kong: 1 detected expressions');
    expect(stuck.trace).toContain('apply phase scale-back-to-3');
  });

  test('a controller restart during the mixed state may detect either flavor (a die roll)', () => {
    const spec = seed();
    const labels = new Set<string>();
    verifyStates(spec, initialState(spec), naivePhases(spec, initialState(spec)), { labels, stopAtDeadlock: false });
    const rolls = [...labels].filter((l) => l.includes('(first root of expressions/traditional gateways)'));
    expect(rolls.sort()).toEqual([
      'ingress-kong: a controller pod starts and detects expressions (first root of expressions/traditional gateways): it will emit expressions routes',
      'ingress-kong: a controller pod starts and detects traditional (first root of expressions/traditional gateways): it will emit fields routes',
    ]);
    // Without the adversary no restart happens, so no die is rolled.
    const calm = new Set<string>();
    verifyStates(spec, initialState(spec), naivePhases(spec, initialState(spec)), { labels: calm, controllerRestarts: false, stopAtDeadlock: false });
    expect([...calm].some((l) => l.includes('first root of'))).toBe(false);
  });

  test('the blue-green plan for it is safe: green detects traditional, the cutover moves the proxy Service', () => {
    const spec = seed();
    const r = planMigration(spec);
    if (r.kind !== 'plan') throw new Error('expected a plan');
    const verdict = verifyPlan(spec, r.plan);
    expect(verdict).toMatchObject({ safe: true, violations: [] });
    expect(verdict.statesExplored).toBeGreaterThan(100);
    expect(r.plan.phases[0].state.gateways.find((g) => g.stack === 'green')!.flavor).toBe('traditional');
    expect(verifyRollbacks(spec, r.plan).map((v) => v.safe)).toEqual([true, true, true, true]);
  });
});

describe('verdicts on the plans of every example', () => {
  const files = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'));
  test.each(files)('%s', (file) => {
    const spec = loadSpec(path.join(ROOT, 'examples', file));
    const r = planMigration(spec);
    if (r.kind !== 'plan') throw new Error(`${file}: no plan`);
    expect(verifyPlan(spec, r.plan).safe).toBe(true);
    expect(verifyRollbacks(spec, r.plan)).toHaveLength(r.plan.phases.length);
  });
});

describe('rollback verdicts per strategy', () => {
  const rollbacks = (doc: Record<string, unknown>) => {
    const spec = resolve(doc);
    const r = planMigration(spec);
    if (r.kind !== 'plan') throw new Error('no plan');
    return verifyRollbacks(spec, r.plan).map((v) => v.safe);
  };

  test('-> expressions (rolling): rolling the gateways back is not safe if the controller restarts meanwhile; after the restart it is', () => {
    const spec = resolve(specDoc());
    const r = planMigration(spec) as { kind: 'plan'; plan: Plan };
    const verdicts = verifyRollbacks(spec, r.plan);
    expect(verdicts.map((v) => v.safe)).toEqual([false, true]);
    expect(verdicts[0].violations[0].trace).toContainEqual(expect.stringMatching(/adversary: a ingress-kong pod .* is restarted/));
    // Without restarts, rolling phase 1 back is fine: the controller never stopped emitting fields routes.
    expect(verifyRollbacks(spec, r.plan, { controllerRestarts: false }).map((v) => v.safe)).toEqual([true, true]);
  });

  test.each([
    ['blue-green', specDoc({ spec: { from: 'expressions', to: 'traditional' } }), [true, true, true, true]],
    ['postgres freeze', specDoc({ spec: { database: 'postgres' } }), [true, true, true]],
    ['KIC 2.x controller first', specDoc({ spec: { from: 'expressions', to: 'traditional', controller: { image: 'kong/kubernetes-ingress-controller:2.12', featureGates: 'ExpressionRoutes=true' } } }), [true, true]],
    ['traditional -> traditional_compatible', specDoc({ spec: { from: 'traditional', to: 'traditional_compatible' } }), [true]],
  ])('%s', (_name, doc, expected) => {
    expect(rollbacks(doc)).toEqual(expected);
  });
});

describe('remembered verdicts (a fleet explores each distinct model once)', () => {
  const naiveOf = (doc: Record<string, unknown>) => {
    const spec = resolve(doc);
    return verifyNaive(spec, initialState(spec));
  };
  const seedDoc = (gateway: Record<string, unknown> = {}) =>
    specDoc({
      spec: {
        from: 'expressions',
        to: 'traditional',
        gateway: { image: 'kong:3.5', replicas: 3, maxSurge: '25%', maxUnavailable: '25%', ...gateway },
        controller: { image: 'kong/kubernetes-ingress-controller:3.0' },
      },
    });

  test('the same model twice: equal verdicts, each the caller\'s own copy', () => {
    const first = naiveOf(seedDoc());
    const second = naiveOf(seedDoc());
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    first.violations[0].trace.push('changed by the caller');
    expect(naiveOf(seedDoc()).violations[0].trace).not.toContain('changed by the caller');
  });

  test('a model that differs only in names is recalled with its own names; another replica count is explored', () => {
    const original = naiveOf(seedDoc());
    const renamed = naiveOf(seedDoc({ deployment: 'edge-kong' }));
    expect(renamed.violations[0].trace).toContainEqual(expect.stringMatching(/^edge-kong: a new pod starts/));
    expect(renamed.violations[0].trace.join('\n')).not.toContain('proxy-kong');
    expect(JSON.stringify(renamed)).toBe(JSON.stringify(original).replace(/proxy-kong/g, 'edge-kong'));
    const five = naiveOf(seedDoc({ replicas: 5 }));
    expect(five.statesExplored).not.toBe(naiveOf(seedDoc()).statesExplored);
  });
});

describe("the verifier's budget", () => {
  const base = (controllerReplicas: number, replicas = 3) => resolve(specDoc({ spec: { gateway: { replicas }, controller: { replicas: controllerReplicas } } }));

  test('controller replicas do not multiply the states: 100 cost what 2 do, with the same verdict', () => {
    forgetVerdicts();
    const two = verifyPlan(base(2), verifiedPlan(base(2)));
    forgetVerdicts();
    const hundred = verifyPlan(base(100), verifiedPlan(base(100)));
    expect(hundred.safe).toBe(true);
    expect(hundred.statesExplored).toBe(two.statesExplored);
    expect(hundred.statesExplored).toBeLessThan(3 * verifyPlan(base(1), verifiedPlan(base(1))).statesExplored);
  });

  test('running out of states is an input error (exit 2) naming what to change, not a crash', () => {
    const spec = base(1, 50);
    expect(() => verifyPlan(spec, verifiedPlan(spec), { maxStates: 200 })).toThrow(InputError);
    try {
      verifyPlan(spec, verifiedPlan(spec), { maxStates: 200 });
    } catch (e) {
      expect((e as InputError).problems[0]).toMatchObject({ path: 'spec.gateway.replicas' });
      expect((e as InputError).problems[0].message).toMatch(/more than 200 states .* raise spec\.gateway\.maxSurge/);
    }
  });

  test('states are counted, packed and traced the same at any size: 300 replicas still give the seed counterexample', () => {
    const spec = resolve(specDoc({ spec: { from: 'expressions', to: 'traditional', gateway: { image: 'kong:3.5', replicas: 300 }, controller: { image: 'kong/kubernetes-ingress-controller:3.0' } } }));
    const naive = verifyNaive(spec, initialState(spec));
    expect(naive.safe).toBe(false);
    expect(naive.violations.map((v) => v.invariant)).toEqual(expect.arrayContaining(['progress']));
    expect(naive.violations[0].trace[0]).toBe('start: the installation as it runs today');
    expect(naive.violations[0].trace.join('\n')).toMatch(/a new pod starts \(traditional, no config yet/);
  });
});
