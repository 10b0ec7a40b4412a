/**
 * KIC feature gates (`--feature-gates`, env `CONTROLLER_FEATURE_GATES`, format `A=true,B=false`).
 * KIC 2.10-2.12 need `ExpressionRoutes=true` to emit expression routes (DOMAIN.md §2).
 */
export type FeatureGates = Readonly<Record<string, boolean>>;

/** The feature gate KIC 2.x needs for expression routes. */
export const EXPRESSION_ROUTES_GATE = 'ExpressionRoutes';

/** Parses `A=true,B=false`; a gate named without a value is on. */
export function parseFeatureGates(text: string | undefined): FeatureGates {
  const gates: Record<string, boolean> = {};
  for (const part of (text ?? '').split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    if (key) gates[key] = value === undefined || value.toLowerCase() === 'true';
  }
  return gates;
}

/** Formats gates back in a stable order; undefined when there are none. */
export function formatFeatureGates(gates: FeatureGates): string | undefined {
  const keys = Object.keys(gates).sort();
  return keys.length === 0 ? undefined : keys.map((k) => `${k}=${gates[k]}`).join(',');
}
