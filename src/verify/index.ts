/**
 * The verifier: a plan is safe when, in every interleaving the model allows, capacity,
 * progress and convergence hold (DESIGN.md "Invariants"). Pure: spec and plan in, verdict out.
 */
import { withGateway } from '../plan/state';
import { InstallationState, Plan, Verdict } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { ExploreOptions, explore, exploreJudged } from './explore';
import { remember } from './memo';
import { CheckedPhase, GoalKind, Model, PhaseEdge, compileModel } from './model';

export type VerifyOptions = Omit<ExploreOptions, 'judge' | 'labels'>;
export { CheckedPhase };
export { forgetVerdicts } from './memo';

/** Checks a run of phases from `initial`. */
export function verifyStates(spec: ResolvedSpec, initial: InstallationState, phases: readonly CheckedPhase[], options: ExploreOptions = {}): Verdict {
  const model = compileModel(spec, initial, phases);
  if (options.judge || options.labels) return explore(model, options);
  return rememberNamed('plan', model, options, (m) => explore(m, options));
}

/** A name's stand-in in a model without names: control characters no name or text of ours holds. */
const PLACEHOLDER = /\u0001[GCEA]\d+\u0002/g;

/**
 * The model with every name (Deployments, election IDs, admin Services) replaced by a stand-in,
 * and the pod-template labels and desired states (compiled into indices already) left out: the
 * checker compares names only for equality, so installations that differ only in names (a
 * fleet's thousand `gw-<n>` Deployments) are one model, explored once.
 */
function withoutNames(model: Model): { model: Model; names: Map<string, string> } {
  const names = new Map<string, string>();
  const stand = (kind: string, table: Map<string, string>) => (name: string) => {
    let s = table.get(name);
    if (s === undefined) {
      s = `\u0001${kind}${table.size}\u0002`;
      table.set(name, s);
      names.set(s, name);
    }
    return s;
  };
  const gw = stand('G', new Map());
  const ctl = stand('C', new Map());
  const election = stand('E', new Map());
  const admin = stand('A', new Map());
  return {
    names,
    model: {
      ...model,
      gatewayNames: model.gatewayNames.map(gw),
      controllerNames: model.controllerNames.map(ctl),
      gwTemplates: model.gwTemplates.map((t) => ({ ...t, labels: {} })),
      ctlTemplates: model.ctlTemplates.map((t) => ({ ...t, electionId: election(t.electionId), adminService: admin(t.adminService) })),
      elections: model.elections.map(election),
      phases: model.phases.map((p) => ({ ...p, state: undefined as unknown as CheckedPhase['state'] })),
    },
  };
}

/** Puts the names back into a verdict computed on the nameless model. */
function withNames<T>(value: T, names: Map<string, string>): T {
  if (typeof value === 'string') return value.replace(PLACEHOLDER, (s) => names.get(s) ?? s) as T;
  if (Array.isArray(value)) return value.map((v) => withNames(v, names)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNames(v, names)])) as T;
  return value;
}

/** A check of the nameless model, remembered by it (with the options), its verdict given back with the names. */
function rememberNamed<T>(check: string, model: Model, options: VerifyOptions, run: (m: Model) => T): T {
  const { model: nameless, names } = withoutNames(model);
  const key = JSON.stringify([check, options.controllerRestarts ?? true, options.maxStates ?? 0, options.stopAtDeadlock ?? true, nameless]);
  return withNames(remember(key, () => run(nameless)), names);
}

const checkedPhases = (plan: Plan): CheckedPhase[] => plan.phases.map((p) => ({ id: p.id, state: p.state, zeroDowntime: p.zeroDowntime, gated: true }));

/** Checks the plan's phases in order, each gated, from the installation as it runs today. */
export function verifyPlan(spec: ResolvedSpec, plan: Plan, options: VerifyOptions = {}): Verdict {
  if (plan.phases.length === 0) return { safe: true, statesExplored: 1, violations: [], warnings: [] };
  return verifyStates(spec, plan.initial, checkedPhases(plan), options);
}

/** The plan a user writes by hand: edit KONG_ROUTER_FLAVOR on the gateway Deployment, nothing else. */
export function naivePhases(spec: ResolvedSpec, initial: InstallationState): CheckedPhase[] {
  return [{ id: 'naive-edit', state: withGateway(initial, spec.gateway.deployment, { flavor: spec.to }), zeroDowntime: true, gated: false }];
}

/** Verifies the naive in-place edit (the seed scenario's deadlock shows up here). */
export function verifyNaive(spec: ResolvedSpec, initial: InstallationState, options: VerifyOptions = {}): Verdict {
  if (spec.from === spec.to) return { safe: true, statesExplored: 1, violations: [], warnings: [] };
  return verifyStates(spec, initial, naivePhases(spec, initial), options);
}

/**
 * For each phase: rolling back (applying the state before it) from any point of that phase,
 * before or after its gate passed, must itself keep capacity, progress and convergence.
 * One exploration covers them all: the plan's line, with a rollback branch out of each phase.
 */
export function verifyRollbacks(spec: ResolvedSpec, plan: Plan, options: VerifyOptions = {}): Verdict[] {
  const n = plan.phases.length;
  if (n === 0) return [];
  const forward = checkedPhases(plan);
  const rollbacks: CheckedPhase[] = plan.phases.map((phase, k) => ({
    id: `${phase.id}-rollback`,
    state: k === 0 ? plan.initial : plan.phases[k - 1].state,
    zeroDowntime: phase.zeroDowntime,
    gated: true,
  }));
  // Model phases: 0 initial, 1..n the plan, n+1..2n the rollback of phase 1..n.
  const edges: PhaseEdge[][] = [
    [{ to: 1, gated: true }],
    ...forward.map((p, k) => [...(k + 1 < n ? [{ to: k + 2, gated: p.gated }] : []), { to: n + k + 1, gated: false }]),
    ...rollbacks.map(() => []),
  ];
  // Rolling back phase 1 returns to the installation as it ran: that is a migration's end.
  const goals: GoalKind[] = [...Array(n + 1).fill('none'), 'final', ...Array(n - 1).fill('settled')];
  const model = compileModel(spec, plan.initial, [...forward, ...rollbacks], 'final', { edges, goals });
  return rememberNamed('rollbacks', model, options, (m) => exploreJudged(m, options, plan.phases.map((_, k) => (p: number) => p === n + k + 1)));
}
