import { Plan } from '../plan/types';

/** `plan.json`: the plan as data (DESIGN.md `plan --json`), stable key order, trailing newline. */
export function planJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2) + '\n';
}
