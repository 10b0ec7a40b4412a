/**
 * The verifier's place in the pipeline: `plan` and `synth` refuse (exit 4) a plan the
 * verifier rejects; the plan they output carries the verdict, and each phase the verdict on
 * rolling it back.
 */
import { verifyNaive, verifyPlan, verifyRollbacks } from './verify';
import { UnsafePlanError } from './errors';
import { initialState } from './plan/state';
import { Plan, Verdict } from './plan/types';
import { ResolvedSpec } from './spec/types';

/**
 * Verifies a plan and the rollback of each phase; throws `UnsafePlanError` when the plan itself
 * is unsafe. Rollbacks that are not zero-downtime are reported, not refused: the plan says
 * from which phase on rolling back can cost capacity.
 */
export function checkedPlan(spec: ResolvedSpec, plan: Plan): Plan {
  const verification = verifyPlan(spec, plan);
  if (!verification.safe) throw new UnsafePlanError(plan.name, verification);
  const rollbacks = verifyRollbacks(spec, plan);
  const phases = plan.phases.map((p, i) => ({
    ...p,
    rollbackZeroDowntime: p.zeroDowntime && rollbacks[i].safe,
    rollbackVerdict: rollbacks[i],
  }));
  const firstUnsafe = phases.find((p) => p.zeroDowntime && !p.rollbackZeroDowntime);
  return {
    ...plan,
    phases,
    verification,
    ...(firstUnsafe ? { rollbackNotZeroDowntimeFrom: firstUnsafe.id } : {}),
  };
}

/** The verdict on the plan for a spec (`kong-flavor verify`). */
export function verifySpecPlan(spec: ResolvedSpec, plan: Plan): Verdict {
  return verifyPlan(spec, plan);
}

/** The verdict on the naive in-place edit (`kong-flavor verify --naive`). */
export function verifyNaiveSpec(spec: ResolvedSpec): Verdict {
  return verifyNaive(spec, initialState(spec));
}
