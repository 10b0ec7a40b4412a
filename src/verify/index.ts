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
  return remember(memoKey('plan', model, options), () => explore(model, options));
}

/** What a verdict depends on: the check, the model and the options. */
const memoKey = (check: string, model: Model, options: VerifyOptions) =>
  JSON.stringify([check, options.controllerRestarts ?? true, options.maxStates ?? 0, options.stopAtDeadlock ?? true, model]);

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
  const judged = () => exploreJudged(model, options, plan.phases.map((_, k) => (p: number) => p === n + k + 1));
  return remember(memoKey('rollbacks', model, options), judged);
}
