/**
 * The errors that map to the CLI's exit codes (DESIGN.md): 2 invalid input (`InputError`,
 * in `spec/errors.ts`), 3 no plan without downtime, 4 the verifier found a violation.
 */
import { PlanResult, Verdict } from './plan/types';

type Refusal = Extract<PlanResult, { kind: 'refused' }>;

/** No plan without downtime exists (or the requested strategy is ruled out): exit 3. */
export class PlanRefusedError extends Error {
  constructor(public readonly refusal: Refusal) {
    super(
      [
        `no plan for ${refusal.name} (${refusal.from} -> ${refusal.to}):`,
        ...refusal.reasons.map((r) => `  ${r}`),
        ...refusal.ruledOut.map((r) => `  ruled out ${r.strategy}: ${r.reason}`),
      ].join('\n'),
    );
    this.name = 'PlanRefusedError';
  }
}

/** The verifier rejected the plan: exit 4, nothing written. */
export class UnsafePlanError extends Error {
  constructor(
    public readonly planName: string,
    public readonly verdict: Verdict,
  ) {
    super(
      [
        `the verifier rejected the plan for ${planName}:`,
        ...verdict.violations.flatMap((v) => [`  ${v.invariant}: ${v.message}`, ...v.trace.map((t) => `    ${t}`)]),
      ].join('\n'),
    );
    this.name = 'UnsafePlanError';
  }
}
