import { Plan } from '../plan/types';

/**
 * `plan.json`: the plan as data (DESIGN.md `plan --json`), stable key order, trailing newline.
 * The route report, the longest part, comes last.
 */
export function planJson(plan: Plan): string {
  const { routes, ...rest } = plan;
  return JSON.stringify(routes ? { ...rest, routes } : rest, null, 2) + '\n';
}
