/**
 * The verifier's place in the pipeline: `plan` and `synth` refuse (exit 4) a plan the
 * verifier rejects; the plan they output carries the verdict, and each phase the verdict on
 * rolling it back.
 */
import { verifyNaive, verifyPlan, verifyRollbacks } from './verify';
import { PlanRefusedError, UnsafePlanError } from './errors';
import { planMigration } from './plan/planner';
import { initialState } from './plan/state';
import { Plan, RuledOut, Verdict } from './plan/types';
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

const STRATEGY_ORDER = ['rolling', 'blue-green', 'maintenance'] as const;

/** Why the verifier rejected a plan: each violation with its shortest trace. */
function rejection(verdict: Verdict): string {
  return `the verifier rejected it: ${verdict.violations
    .map((v) => `${v.invariant}: ${v.message}${v.trace.length ? ` (counterexample: ${v.trace.join('; ')})` : ''}`)
    .join('; ')}`;
}

/**
 * The plan for a spec, verified (what `plan` and `synth` output). With `strategy: auto`, a
 * plan the verifier rejects gives way to the next strategy the planner allows, and the plan
 * says why: the rules choose, the verifier judges. When none is left, that is "no plan without
 * downtime" (`PlanRefusedError`, exit 3) listing each strategy once with why it was ruled out
 * (the verifier's counterexample, or the planner's rule). A strategy asked for by name throws
 * the verifier's `UnsafePlanError` (exit 4).
 */
export function verifiedPlan(spec: ResolvedSpec): Plan {
  const result = planMigration(spec);
  if (result.kind === 'refused') throw new PlanRefusedError(result);
  const first = result.plan;
  try {
    return checkedPlan(spec, first);
  } catch (e) {
    if (!(e instanceof UnsafePlanError) || spec.strategy !== 'auto' || first.strategy === 'none') throw e;
    const rejected = rejection(e.verdict);
    const ruledOut = new Map<RuledOut['strategy'], string>([[first.strategy, rejected]]);
    for (const next of STRATEGY_ORDER.slice(STRATEGY_ORDER.indexOf(first.strategy) + 1)) {
      const alternative = planMigration({ ...spec, strategy: next });
      if (alternative.kind !== 'plan') {
        for (const r of alternative.ruledOut) if (!ruledOut.has(r.strategy)) ruledOut.set(r.strategy, r.reason);
        continue;
      }
      try {
        const plan = checkedPlan(spec, alternative.plan);
        return {
          ...plan,
          reasons: [`${first.strategy} was planned first, but ${rejected}`, ...plan.reasons.filter((r) => !r.startsWith('in place is unsafe'))],
          ruledOut: [...plan.ruledOut.filter((r) => r.strategy !== first.strategy), { strategy: first.strategy, reason: rejected }],
        };
      } catch (again) {
        if (!(again instanceof UnsafePlanError)) throw again;
        ruledOut.set(next, rejection(again.verdict));
      }
    }
    for (const r of first.ruledOut) if (!ruledOut.has(r.strategy)) ruledOut.set(r.strategy, r.reason);
    throw new PlanRefusedError({
      kind: 'refused',
      name: spec.name,
      from: spec.from,
      to: spec.to,
      reasons: [
        spec.allowDowntime
          ? `no strategy passes the verifier for ${spec.from} -> ${spec.to} here`
          : `no plan without downtime exists for ${spec.from} -> ${spec.to} here; set allowDowntime: true for a maintenance window`,
      ],
      ruledOut: STRATEGY_ORDER.filter((x) => ruledOut.has(x)).map((strategy) => ({ strategy, reason: ruledOut.get(strategy)! })),
    });
  }
}

/** The verdict on the plan for a spec (`kong-flavor verify`). */
export function verifySpecPlan(spec: ResolvedSpec, plan: Plan): Verdict {
  return verifyPlan(spec, plan);
}

/** The verdict on the naive in-place edit (`kong-flavor verify --naive`). */
export function verifyNaiveSpec(spec: ResolvedSpec): Verdict {
  return verifyNaive(spec, initialState(spec));
}
