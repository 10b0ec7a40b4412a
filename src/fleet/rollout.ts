/**
 * The rollout policy applied to a group: which installations each RollingSync step takes, and
 * how many Argo CD syncs at once. Membership is decided here, from labels and shares, and
 * written on each Application as the label `kong-flavor-migrator/rollout-step`, so every
 * Application matches exactly one step (Argo CD leaves an Application no step selects to be
 * synced by hand: Progressive-Syncs.md, argoproj/argo-cd v3.3).
 */
import { InputError } from '../spec/errors';
import { IntOrPercent, scaledValue } from '../spec/intOrPercent';
import { FleetGroup } from './group';
import { InstallationOutcome } from './judge';
import { HOLD, RolloutStepInput } from './schema';

export { HOLD };

/** The Application label RollingSync steps select on; its value is the step's name. */
export const STEP_LABEL = 'kong-flavor-migrator/rollout-step';

export interface RolloutStep {
  readonly name: string;
  /** How the step selects, for people (`wave=canary`, `25% of the group`, `the rest`). */
  readonly selects: string;
  /** RollingSync `maxUpdate` as written (Argo CD's IntOrString). */
  readonly maxUpdate: IntOrPercent;
  /** Applications synced at once: `maxUpdate` resolved as Argo CD does; 0 means each by hand. */
  readonly atOnce: number;
  /** Members, in fleet order. */
  readonly installations: readonly InstallationOutcome[];
}

export interface GroupRollout {
  /** Steps that select at least one installation of the group, in order. */
  readonly steps: readonly RolloutStep[];
  /** Installations kept out of the rollout (`hold`), each at its pinned overlay. */
  readonly held: readonly InstallationOutcome[];
}

/**
 * The default policy: canary clusters first (label `wave: canary`, or else the group's first
 * installation), then a quarter of the group, then the rest, a quarter of each step at a time.
 */
export function defaultSteps(group: FleetGroup): RolloutStepInput[] {
  const canaries = group.installations.some((o) => o.labels.wave === 'canary');
  return [
    canaries ? { name: 'canary', matchLabels: { wave: 'canary' }, maxUpdate: 1 } : { name: 'canary', size: 1, maxUpdate: 1 },
    { name: 'quarter', size: '25%', maxUpdate: '25%' },
    { name: 'rest', maxUpdate: '25%' },
  ];
}

/**
 * `maxUpdate` as the ApplicationSet controller resolves it for a step of `n` Applications:
 * an integer as is; a percentage rounded down, but at least 1 when above 0%
 * (applicationset/progressivesync/progressive_sync.go, argoproj/argo-cd v3.3:
 * `GetScaledValueFromIntOrPercent(..., false)`, then floored at 1). Unset means 100%.
 */
export function resolveMaxUpdate(maxUpdate: IntOrPercent, n: number): number {
  if (typeof maxUpdate === 'number') return maxUpdate;
  const v = scaledValue(maxUpdate, n, false);
  return maxUpdate !== '0%' && v < 1 ? 1 : v;
}

const describeSelection = (s: RolloutStepInput) =>
  [
    s.matchLabels && Object.keys(s.matchLabels).length
      ? Object.entries(s.matchLabels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
      : undefined,
    s.size !== undefined ? (typeof s.size === 'number' ? `${s.size} installation${s.size === 1 ? '' : 's'}` : `${s.size} of the group`) : undefined,
  ]
    .filter(Boolean)
    .join(', ') || 'the rest';

/**
 * Assigns a group's installations to the steps of `policy` (or the default). Throws
 * `InputError` when an installation would be left out of every step.
 */
export function planRollout(group: FleetGroup, policy: readonly RolloutStepInput[] | undefined, origin: string): GroupRollout {
  const steps = policy ?? defaultSteps(group);
  const held = group.installations.filter((o) => o.hold);
  let left = group.installations.filter((o) => !o.hold);
  const total = left.length;
  const out: RolloutStep[] = [];
  for (const step of steps) {
    const matching = left.filter((o) => Object.entries(step.matchLabels ?? {}).every(([k, v]) => o.labels[k] === v));
    const count = step.size === undefined ? matching.length : Math.min(matching.length, typeof step.size === 'number' ? step.size : Math.ceil((Number(step.size.slice(0, -1)) * total) / 100));
    const taken = new Set(matching.slice(0, count));
    left = left.filter((o) => !taken.has(o));
    if (taken.size === 0) continue;
    const maxUpdate = (step.maxUpdate ?? '100%') as IntOrPercent;
    out.push({ name: step.name, selects: describeSelection(step), maxUpdate, atOnce: resolveMaxUpdate(maxUpdate, taken.size), installations: [...taken] });
  }
  if (left.length) {
    const names = left.slice(0, 5).map((o) => o.name).join(', ') + (left.length > 5 ? ` and ${left.length - 5} more` : '');
    throw new InputError({
      path: `${origin}: spec.policies.rollout.steps`,
      message: `no step selects ${names} (group ${group.name}); end the steps with one that has neither matchLabels nor size, or hold them (hold: { at: <the overlay they are at> })`,
    });
  }
  return { steps: out, held };
}
