/**
 * Grouping a fleet: installations whose plans have the same phase sequence (same strategy,
 * same phases in the same order) move together, one ApplicationSet per phase. The rest are
 * listed with the reason: already on the target flavor, or no plan (refused, or rejected by
 * the verifier).
 */
import { objectName } from '../constructs/names';
import { PlanStrategy } from '../plan/types';
import { InstallationOutcome, Judgement } from './judge';

type Planned = Extract<Judgement, { kind: 'planned' }>;

/** Installations that share a phase sequence. */
export interface FleetGroup {
  /** DNS-1123 label, stable for the same phase sequence: `<strategy>-<phases>-<first phase>`. */
  readonly name: string;
  readonly strategy: PlanStrategy;
  readonly zeroDowntime: boolean;
  /** Phase ids (`NN-<slug>`) and titles, the same for every member. */
  readonly phases: readonly { readonly id: string; readonly title: string }[];
  /** Members in fleet order. */
  readonly installations: readonly InstallationOutcome[];
  /** Why the plans of this group were chosen (the first member's reasons). */
  readonly reasons: readonly string[];
  /** For every group but the largest: how its plans differ from the largest group's. */
  readonly differs?: string;
}

export interface FleetGrouping {
  /** Largest first (ties by name). */
  readonly groups: readonly FleetGroup[];
  /** Installations already on the target flavor: nothing to roll out. */
  readonly nothingToDo: readonly InstallationOutcome[];
  /** Installations without a plan, each with its reasons. */
  readonly refused: readonly InstallationOutcome[];
}

const planOf = (o: InstallationOutcome) => o.judgement as Planned;
const keyOf = (p: Planned) => [p.strategy, p.zeroDowntime ? 'zero-downtime' : 'downtime', ...p.phases.map((x) => x.id)].join('|');

function baseName(p: Planned): string {
  const first = p.phases[0].id.replace(/^\d+-/, '');
  return objectName(p.strategy, String(p.phases.length), first).slice(0, 50).replace(/-$/, '');
}

function difference(group: Planned, main: Planned): string {
  if (!group.zeroDowntime && main.zeroDowntime) return `downtime needed (strategy ${group.strategy}): ${group.reasons[0] ?? ''}`.trim();
  if (group.strategy !== main.strategy) return `different strategy (${group.strategy}, not ${main.strategy}): ${group.reasons[0] ?? ''}`.trim();
  return `other phases (${group.phases.map((p) => p.id).join(', ')}): ${group.reasons[0] ?? ''}`.trim();
}

/** Groups planned installations by phase sequence; lists the others. */
export function groupInstallations(outcomes: readonly InstallationOutcome[]): FleetGrouping {
  const byKey = new Map<string, InstallationOutcome[]>();
  const nothingToDo: InstallationOutcome[] = [];
  const refused: InstallationOutcome[] = [];
  for (const o of outcomes) {
    if (o.judgement.kind !== 'planned') refused.push(o);
    else if (o.judgement.phases.length === 0) nothingToDo.push(o);
    else {
      const key = keyOf(o.judgement);
      const members = byKey.get(key);
      if (members) members.push(o);
      else byKey.set(key, [o]);
    }
  }
  // Names come from the phase sequence, not the order, so adding an installation elsewhere in
  // the fleet does not rename a group (and its ApplicationSet) mid-rollout.
  const keys = [...byKey.keys()].sort();
  const taken = new Map<string, number>();
  const names = new Map<string, string>();
  for (const key of keys) {
    const base = baseName(planOf(byKey.get(key)![0]));
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    names.set(key, n === 1 ? base : `${base}-${n}`);
  }
  const ordered = keys.sort((a, b) => byKey.get(b)!.length - byKey.get(a)!.length || names.get(a)!.localeCompare(names.get(b)!));
  const main = ordered.length ? planOf(byKey.get(ordered[0])![0]) : undefined;
  const groups = ordered.map((key, i): FleetGroup => {
    const members = byKey.get(key)!;
    const p = planOf(members[0]);
    return {
      name: names.get(key)!,
      strategy: p.strategy,
      zeroDowntime: p.zeroDowntime,
      phases: p.phases.map((x) => ({ id: x.id, title: x.title })),
      installations: members,
      reasons: p.reasons,
      ...(i > 0 && main ? { differs: difference(p, main) } : {}),
    };
  });
  return { groups, nothingToDo, refused };
}
