import { verifyNaive, verifyPlan } from '../src/verify';
import { EXPRESSION_ROUTES_GATE } from '../src/model/featureGates';
import { FLAVORS, Flavor, RouteShape } from '../src/model/flavor';
import { controllerRouteShape, gatewayAccepts } from '../src/model/rules';
import { parseVersion } from '../src/model/version';
import { planMigration } from '../src/plan/planner';
import { initialState } from '../src/plan/state';
import { resolveSpec } from '../src/spec/resolve';
import { MigrationSpecSchema } from '../src/spec/schema';

/**
 * The naive edit (KONG_ROUTER_FLAVOR changed in place, nothing else) judged straight from the
 * rules in DOMAIN.md, independently of the model checker:
 * - sidecar, DB-less: each new pod's own controller detects its gateway, so it is safe when that
 *   gateway accepts what its controller emits for the target;
 * - separate: the running controller keeps the shape it detected at start and nothing restarts
 *   it, so it is safe only when that shape does not change and the target accepts it;
 * - sidecar with Postgres: the target must accept what its controllers emit; the leader can move to any pod mid-rollout and rewrite the shared
 *   routes. Without a change of shape that is harmless; with one, pods that cannot read what the
 *   current leader wrote serve nothing, which only a budget that needs at most one serving pod
 *   (replicas - maxUnavailable <= 1) tolerates, and with one it must be the new pods that can
 *   also read the old shape.
 */
function naiveIsSafe(c: Case, gate: boolean, minServing: number): boolean {
  const { topology, database, from, to } = c;
  if (from === to) return true;
  const k = parseVersion(c.kong)!;
  const kic = parseVersion(c.kic)!;
  const emits = (f: Flavor): RouteShape => controllerRouteShape(kic, f, gate);
  if (topology === 'sidecar' && database === 'off') return gatewayAccepts(to, k, emits(to));
  if (!gatewayAccepts(to, k, emits(to))) return false;
  const sameShape = emits(from) === emits(to);
  if (topology === 'separate' || sameShape) return sameShape;
  return minServing === 0 || (minServing === 1 && gatewayAccepts(to, k, emits(from)));
}

const KONG = ['3.4.1', '3.6', '3.7', '3.9'];
const KIC = ['2.12', '3.0', '3.4'];
const BUDGETS: [number | string, number | string][] = [
  [1, 0],
  [0, 1],
  ['25%', '25%'],
];

interface Case {
  from: Flavor;
  to: Flavor;
  kong: string;
  kic: string;
  topology: 'separate' | 'sidecar';
  database: 'off' | 'postgres';
  replicas: number;
  budget: [number | string, number | string];
}

const cases: Case[] = [];
for (const from of FLAVORS)
  for (const to of FLAVORS)
    for (const kong of KONG)
      for (const kic of KIC)
        for (const topology of ['separate', 'sidecar'] as const)
          for (const database of ['off', 'postgres'] as const)
            for (const replicas of [1, 2, 3, 5])
              for (const budget of BUDGETS) cases.push({ from, to, kong, kic, topology, database, replicas, budget });

function specOf(c: Case) {
  // A running KIC 2.x in front of expressions gateways has the ExpressionRoutes gate on.
  const gates = c.kic.startsWith('2.') && c.from === 'expressions' ? `${EXPRESSION_ROUTES_GATE}=true` : undefined;
  const kicImage = `kong/kubernetes-ingress-controller:${c.kic}`;
  const doc = MigrationSpecSchema.parse({
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: 'matrix' },
    spec: {
      from: c.from,
      to: c.to,
      topology: c.topology,
      database: c.database,
      gateway: {
        image: `kong:${c.kong}`,
        replicas: c.replicas,
        maxSurge: c.budget[0],
        maxUnavailable: c.budget[1],
        ...(c.topology === 'sidecar' ? { sidecar: { image: kicImage, ...(gates ? { featureGates: gates } : {}) } } : {}),
      },
      ...(c.topology === 'separate' ? { controller: { image: kicImage, ...(gates ? { featureGates: gates } : {}) } } : {}),
    },
  });
  return { spec: resolveSpec(doc), gate: !!gates };
}

describe('matrix: every planned migration verifies; the naive edit matches the rules', () => {
  const planned: string[] = [];
  const disagreements: string[] = [];
  const unsafePlans: string[] = [];
  let naiveUnsafe = 0;

  beforeAll(() => {
    for (const c of cases) {
      const name = `${c.topology}/${c.database} ${c.from}->${c.to} Kong ${c.kong} KIC ${c.kic} x${c.replicas} ${c.budget.join('/')}`;
      const { spec, gate } = specOf(c);
      const naive = verifyNaive(spec, initialState(spec));
      const expected = naiveIsSafe(c, gate, spec.gateway.replicas - spec.gateway.budget.maxUnavailable);
      if (naive.safe !== expected) disagreements.push(`${name}: verifier says ${naive.safe ? 'safe' : `unsafe (${naive.violations.map((v) => v.invariant).join(', ')})`}, rules say ${expected ? 'safe' : 'unsafe'}`);
      if (!naive.safe) naiveUnsafe++;
      const r = planMigration(spec);
      if (r.kind !== 'plan') continue;
      planned.push(name);
      const verdict = verifyPlan(spec, r.plan);
      if (!verdict.safe) unsafePlans.push(`${name} (${r.plan.strategy}): ${verdict.violations.map((v) => `${v.invariant}: ${v.message}`).join('; ')}`);
    }
  });

  test(`covers ${cases.length} combinations`, () => {
    expect(cases.length).toBe(9 * 4 * 3 * 2 * 2 * 4 * 3);
    expect(planned.length).toBeGreaterThan(cases.length / 2);
    expect(naiveUnsafe).toBeGreaterThan(cases.length / 4);
  });

  test('every plan the planner emits is safe', () => {
    expect(unsafePlans).toEqual([]);
  });

  test("the naive edit's verdict matches DOMAIN.md's rules", () => {
    expect(disagreements).toEqual([]);
  });
});
