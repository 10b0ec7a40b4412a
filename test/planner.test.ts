import { planMigration } from '../src/plan/planner';
import { Plan, PlanResult } from '../src/plan/types';
import { resolve, specDoc } from './helpers';

const sidecar = (patch: Record<string, unknown> = {}) =>
  specDoc({
    spec: {
      topology: 'sidecar',
      controller: undefined,
      gateway: { deployment: 'kong-kong', sidecar: { image: 'kong/kubernetes-ingress-controller:3.4' } },
      ...patch,
    },
  });

function plan(doc: Record<string, unknown>): Plan {
  const r = planMigration(resolve(doc));
  if (r.kind !== 'plan') throw new Error(`expected a plan, got: ${r.reasons.join('; ')}`);
  return r.plan;
}

function refusal(doc: Record<string, unknown>): Extract<PlanResult, { kind: 'refused' }> {
  const r = planMigration(resolve(doc));
  if (r.kind !== 'refused') throw new Error(`expected a refusal, got strategy ${r.plan.strategy}`);
  return r;
}

const ids = (p: Plan) => p.phases.map((x) => x.id);

describe('strategy table (DESIGN.md)', () => {
  test('from == to: no-op that says so', () => {
    const p = plan(specDoc({ spec: { from: 'expressions', to: 'expressions' } }));
    expect(p.strategy).toBe('none');
    expect(p.phases).toEqual([]);
    expect(p.reasons).toEqual(['spec.from and spec.to are both expressions: nothing to change']);
  });

  test.each([
    ['traditional', 'expressions'],
    ['expressions', 'traditional'],
    ['expressions', 'traditional_compatible'],
    ['traditional_compatible', 'traditional'],
  ])('sidecar DB-less %s -> %s: one rolling phase on the gateway Deployment', (from, to) => {
    const p = plan(sidecar({ from, to }));
    expect(p.strategy).toBe('rolling');
    expect(ids(p)).toEqual([`01-gateways-to-${to.replace('_', '-')}`]);
    expect(p.phases[0].changes).toEqual([{ kind: 'Deployment', name: 'kong-kong', change: `env KONG_ROUTER_FLAVOR=${to}` }]);
    expect(p.phases[0].restartsController).toBe(true);
  });

  test('sidecar DB-less with KIC 2.12 -> expressions sets the ExpressionRoutes gate in the same roll', () => {
    const p = plan(sidecar({ from: 'traditional', to: 'expressions', gateway: { deployment: 'kong-kong', sidecar: { image: 'kong/kubernetes-ingress-controller:2.12' } } }));
    expect(p.phases[0].changes[0].change).toBe('env KONG_ROUTER_FLAVOR=expressions; env CONTROLLER_FEATURE_GATES=ExpressionRoutes=true');
    expect(p.reasons.join(' ')).toMatch(/ExpressionRoutes=true/);
  });

  test.each([
    ['separate', 'off'],
    ['separate', 'postgres'],
    ['sidecar', 'off'],
    ['sidecar', 'postgres'],
  ])('traditional <-> traditional_compatible (%s, %s): one rolling phase, controller untouched', (topology, database) => {
    for (const [from, to] of [
      ['traditional', 'traditional_compatible'],
      ['traditional_compatible', 'traditional'],
    ]) {
      const doc = topology === 'sidecar' ? sidecar({ from, to, database }) : specDoc({ spec: { from, to, database } });
      const p = plan(doc);
      expect(p.strategy).toBe('rolling');
      expect(p.phases).toHaveLength(1);
      expect(p.phases[0].changes.map((c) => c.name)).toEqual([topology === 'sidecar' ? 'kong-kong' : 'proxy-kong']);
    }
  });

  test('separate DB-less -> expressions on Kong 3.9: gateways roll first, then the controller restarts (never the other way)', () => {
    const p = plan(specDoc());
    expect(p.strategy).toBe('rolling');
    expect(ids(p)).toEqual(['01-gateways-to-expressions', '02-restart-controller']);
    expect(p.phases[0].restartsController).toBe(false);
    expect(p.phases[0].changes).toEqual([{ kind: 'Deployment', name: 'proxy-kong', change: 'env KONG_ROUTER_FLAVOR=expressions' }]);
    expect(p.phases[1].restartsController).toBe(true);
    expect(p.phases[1].changes).toEqual([
      { kind: 'Deployment', name: 'ingress-kong', change: 'annotation kong-flavor-migrator/restart-for=expressions (restart: detects expressions)' },
    ]);
    expect(p.reasons[0]).toBe('Kong 3.9 >= 3.7 accepts fields routes under expressions (mixed mode)');
    // The restart's gate reads every gateway pod's routes back: the controller really sends expressions routes.
    expect(p.phases[1].gate.checks).toContainEqual({ check: 'routes', deployment: 'proxy-kong', selector: { app: 'proxy-kong' }, shape: 'expressions', everyPod: true });
    expect(p.phases[0].gate.checks.some((c) => c.check === 'routes')).toBe(false);
  });

  test('-> expressions rolls with a surge-only strategy and restores the user strategy with the restart', () => {
    const p = plan(specDoc({ spec: { gateway: { maxSurge: '25%', maxUnavailable: '25%', replicas: 4 } } }));
    expect(p.phases[0].changes[0].change).toBe('env KONG_ROUTER_FLAVOR=expressions; rollingUpdate maxSurge=1 maxUnavailable=0');
    expect(p.phases[1].changes.map((c) => `${c.name}: ${c.change}`)).toEqual([
      'proxy-kong: rollingUpdate maxSurge=25% maxUnavailable=25%',
      'ingress-kong: annotation kong-flavor-migrator/restart-for=expressions (restart: detects expressions)',
    ]);
  });

  test('a percent maxUnavailable that rounds to 0 at the planned replicas is still set to 0: an HPA at 4 would take a pod down', () => {
    const p = plan(specDoc({ spec: { gateway: { maxSurge: '25%', maxUnavailable: '25%', replicas: 2 } } }));
    expect(p.phases[0].changes[0].change).toBe('env KONG_ROUTER_FLAVOR=expressions; rollingUpdate maxSurge=1 maxUnavailable=0');
    expect(p.phases[0].description).toContain('maxUnavailable=0');
    // Surge-only at any count already: the user's own values stay.
    const own = plan(specDoc({ spec: { gateway: { maxSurge: '50%', maxUnavailable: '0%', replicas: 2 } } }));
    expect(own.phases[0].changes[0].change).toBe('env KONG_ROUTER_FLAVOR=expressions');
  });

  test('Postgres: the rollback of the gateway roll never points at blue-green (not offered with Postgres)', () => {
    const p = plan(specDoc({ spec: { database: 'postgres' } }));
    expect(p.phases[1].rollback).toContain('strategy maintenance and allowDowntime: true');
    expect(p.phases[1].rollback).not.toContain('blue-green plan');
    expect(plan(specDoc()).phases[0].rollback).toContain('roll back with a blue-green plan (expressions -> traditional_compatible) instead');
  });

  test('KIC 2.12 -> expressions: the restart also sets CONTROLLER_FEATURE_GATES=ExpressionRoutes=true', () => {
    const p = plan(specDoc({ spec: { controller: { image: 'kong/kubernetes-ingress-controller:2.12' } } }));
    expect(p.phases[1].changes[0].change).toContain('env CONTROLLER_FEATURE_GATES=ExpressionRoutes=true');
  });

  test('separate Postgres -> expressions on Kong >= 3.7: freeze the controller, roll gateways, start the controller', () => {
    const p = plan(specDoc({ spec: { database: 'postgres' } }));
    expect(ids(p)).toEqual(['01-freeze-controller', '02-gateways-to-expressions', '03-restart-controller']);
    expect(p.phases[0].changes).toEqual([{ kind: 'Deployment', name: 'ingress-kong', change: 'replicas 1 -> 0' }]);
    expect(p.phases[2].changes[0].change).toMatch(/replicas 0 -> 1/);
    expect(p.reasons.join(' ')).toMatch(/only the leader writes the database/);
  });

  test('separate DB-less -> expressions on Kong < 3.7: blue-green', () => {
    const p = plan(specDoc({ spec: { gateway: { image: 'kong:3.6' } } }));
    expect(p.strategy).toBe('blue-green');
    expect(ids(p)).toEqual(['01-green-stack-up', '02-cutover', '03-retire-blue', '04-remove-blue']);
    expect(p.ruledOut[0]).toEqual({ strategy: 'rolling', reason: expect.stringMatching(/Kong 3\.6 < 3\.7: new expressions gateways reject the fields routes/) });
  });

  test('separate Postgres -> expressions on Kong < 3.7: refused, naming the upgrade to >= 3.7', () => {
    const r = refusal(specDoc({ spec: { database: 'postgres', gateway: { image: 'kong:3.6' } } }));
    expect(r.ruledOut.map((x) => x.strategy)).toEqual(['rolling', 'blue-green', 'maintenance']);
    expect(r.ruledOut[0].reason).toMatch(/upgrade Kong to >= 3\.7 first/);
    expect(r.ruledOut[1].reason).toMatch(/not offered with Postgres/);
  });

  test('the seed scenario (expressions -> traditional, DB-less, separate, Kong 3.5, KIC 3.0): blue-green with the cutover on the proxy Service', () => {
    const p = plan(specDoc({ spec: { from: 'expressions', to: 'traditional', gateway: { image: 'kong:3.5' }, controller: { image: 'kong/kubernetes-ingress-controller:3.0' } } }));
    expect(p.strategy).toBe('blue-green');
    expect(p.phases[0].changes).toContainEqual({
      kind: 'Deployment',
      name: 'proxy-kong-green',
      change: 'create (3 replicas, KONG_ROUTER_FLAVOR=traditional, pods app=proxy-kong-green)',
    });
    expect(p.phases[1].changes).toContainEqual({ kind: 'Service', name: 'kong-proxy', change: 'selector app=proxy-kong -> app=proxy-kong-green' });
    expect(p.extraCapacity).toEqual({ pods: 4, fromPhase: '01-green-stack-up', untilPhase: '03-retire-blue' });
  });

  test('KIC 2.12 with ExpressionRoutes on, Kong 3.9, expressions -> traditional: controller first (gate off), then the gateways', () => {
    const p = plan(
      specDoc({
        spec: { from: 'expressions', to: 'traditional', controller: { image: 'kong/kubernetes-ingress-controller:2.12', featureGates: 'ExpressionRoutes=true' } },
      }),
    );
    expect(p.strategy).toBe('rolling');
    expect(ids(p)).toEqual(['01-controller-to-fields-routes', '02-gateways-to-traditional']);
    expect(p.phases[0].changes[0]).toEqual({ kind: 'Deployment', name: 'ingress-kong', change: 'env CONTROLLER_FEATURE_GATES=ExpressionRoutes=false' });
  });

  test.each(['separate', 'sidecar'])('Postgres expressions -> traditional (%s): maintenance only, refused unless allowDowntime', (topology) => {
    const doc = (extra: Record<string, unknown>) =>
      topology === 'sidecar'
        ? sidecar({ from: 'expressions', to: 'traditional', database: 'postgres', ...extra })
        : specDoc({ spec: { from: 'expressions', to: 'traditional', database: 'postgres', ...extra } });
    const r = refusal(doc({}));
    expect(r.reasons[0]).toMatch(/set allowDowntime: true for a maintenance window/);
    const p = plan(doc({ allowDowntime: true }));
    expect(p.strategy).toBe('maintenance');
    expect(p.zeroDowntime).toBe(false);
  });

  test('sidecar Postgres with a change of route shape: maintenance only', () => {
    const r = refusal(sidecar({ from: 'traditional', to: 'expressions', database: 'postgres' }));
    expect(r.ruledOut.find((x) => x.strategy === 'rolling')!.reason).toMatch(/leader controller can move to a new pod mid-rollout/);
  });

  test('strategy maintenance + allowDowntime: scale to 0, change, start controller and gateways, with a window estimate', () => {
    const p = plan(specDoc({ spec: { strategy: 'maintenance', allowDowntime: true } }));
    expect(p.strategy).toBe('maintenance');
    expect(ids(p)).toEqual(['01-stop-gateways', '02-set-flavor-expressions', '03-start']);
    expect(p.phases.map((x) => x.changes.map((c) => `${c.name}: ${c.change}`))).toEqual([
      ['proxy-kong: replicas 3 -> 0'],
      ['proxy-kong: env KONG_ROUTER_FLAVOR=expressions', 'ingress-kong: replicas 1 -> 0'],
      ['proxy-kong: replicas 0 -> 3', 'ingress-kong: annotation kong-flavor-migrator/restart-for=expressions (restart: detects expressions); replicas 0 -> 1'],
    ]);
    expect(p.downtimeWindowSeconds).toBe(1800);
  });

  test('a requested strategy that is unsafe is refused with its reason', () => {
    const r = refusal(specDoc({ spec: { from: 'expressions', to: 'traditional', strategy: 'rolling' } }));
    expect(r.reasons[0]).toMatch(/^strategy rolling is ruled out: KIC 3\.4 started on expressions/);
  });

  test('KIC < 2.10 cannot go to expressions at all', () => {
    const r = refusal(specDoc({ spec: { controller: { image: 'kong/kubernetes-ingress-controller:2.9' } } }));
    expect(r.reasons[0]).toMatch(/KIC 2\.9 cannot emit expression routes/);
  });
});
