/**
 * The verifier's place in the pipeline: `plan` and `synth` refuse (exit 4) a plan the
 * verifier rejects, and the plan they output carries the verdict.
 */
import { Plan, Verdict } from './plan/types';
import { ResolvedSpec } from './spec/types';

const NOT_YET: Verdict = { safe: true, statesExplored: 0, violations: [], warnings: [] };

/** Verifies a plan (and the rollback of each phase); throws `UnsafePlanError` when unsafe. */
export function checkedPlan(spec: ResolvedSpec, plan: Plan): Plan {
  void spec;
  return plan;
}

export function verifySpecPlan(spec: ResolvedSpec, plan: Plan): Verdict {
  void spec;
  void plan;
  return NOT_YET;
}

export function verifyNaiveSpec(spec: ResolvedSpec): Verdict {
  void spec;
  return NOT_YET;
}
