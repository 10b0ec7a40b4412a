/**
 * `maxSurge` / `maxUnavailable` as Kubernetes reads them: an integer or a percentage of the
 * replicas; surge rounds up, unavailable rounds down (DOMAIN.md §4,
 * `k8s.io/kubernetes/pkg/controller/deployment/util.ResolveFenceposts`).
 */
export type IntOrPercent = number | `${number}%`;

const PERCENT = /^(\d+)%$/;

/** Whether a value is an integer >= 0 or a string like `25%`. */
export function isIntOrPercent(value: unknown): value is IntOrPercent {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0;
  return typeof value === 'string' && PERCENT.test(value);
}

/** The absolute value of an int-or-percent for `replicas`, rounding up or down. */
export function scaledValue(value: IntOrPercent, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const pct = Number(PERCENT.exec(value)![1]);
  const exact = (pct * replicas) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** The rolling-update budget Kubernetes derives from the strategy and the replica count. */
export interface RolloutBudget {
  /** Pods above `replicas` the rollout may create. */
  readonly maxSurge: number;
  /** Pods below `replicas` that may be unavailable. */
  readonly maxUnavailable: number;
}

/**
 * Resolves the rolling-update budget as the Deployment controller does: surge rounds up,
 * unavailable rounds down, and when both come out 0, unavailable becomes 1.
 */
export function resolveBudget(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, replicas: number): RolloutBudget {
  const surge = scaledValue(maxSurge, replicas, true);
  let unavailable = scaledValue(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: unavailable };
}
