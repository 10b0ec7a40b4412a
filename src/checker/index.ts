/**
 * The verifier: a plan is safe when, in every interleaving the model allows, capacity,
 * progress and convergence hold (DESIGN.md "Invariants"). Pure: spec and plan in, verdict out.
 */
import { withGateway } from '../plan/state';
import { InstallationState, Plan, Verdict } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { ExploreOptions, explore } from './explore';
import { CheckedPhase, compileModel } from './model';

export type VerifyOptions = Omit<ExploreOptions, 'fromPhase' | 'goal' | 'labels'>;
export { CheckedPhase };

/** Checks a run of phases from `initial`. */
export function verifyStates(spec: ResolvedSpec, initial: InstallationState, phases: readonly CheckedPhase[], options: ExploreOptions = {}): Verdict {
  return explore(compileModel(spec, initial, phases), options);
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
 */
export function verifyRollbacks(spec: ResolvedSpec, plan: Plan, options: VerifyOptions = {}): Verdict[] {
  return plan.phases.map((phase, k) => {
    const phases = checkedPhases(plan).slice(0, k + 1);
    // The rollback may start at any moment of phase k: that phase is not gated here.
    phases[k] = { ...phases[k], gated: false };
    const back = k === 0 ? plan.initial : plan.phases[k - 1].state;
    phases.push({ id: `${phase.id}-rollback`, state: back, zeroDowntime: phase.zeroDowntime, gated: true });
    return verifyStates(spec, plan.initial, phases, { ...options, fromPhase: k + 1, goal: k === 0 ? 'final' : 'settled' });
  });
}
