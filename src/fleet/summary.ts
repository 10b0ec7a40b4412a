/**
 * The fleet summary: groups, their rollout steps, and per phase and step how long it should
 * take and how many extra pods (a blue-green green stack) run across the fleet at once. Plain
 * data: `plan --json` on a fleet prints it, `fleet.json` holds it, FLEET.md and the terminal
 * table are written from it.
 */
import { FleetGroup, FleetGrouping } from './group';
import { InstallationOutcome, Judgement } from './judge';
import { applicationName, applicationSetName } from './PhaseApplicationSet';
import { DEFAULTS } from '../spec/defaults';
import { GroupRollout, HOLD } from './rollout';
import { BASE } from './schema';

/** The repository the Applications name when the spec gives none: it does not exist. */
export const PLACEHOLDER_REPO = DEFAULTS.output.argocd.repoURL;

type Planned = Extract<Judgement, { kind: 'planned' }>;

/** One RollingSync step while one phase is promoted. */
export interface StepEstimate {
  readonly step: string;
  readonly installations: number;
  /** Applications Argo CD syncs at once; 0: each one by hand. */
  readonly atOnce: number;
  /** Rough duration: rounds of `atOnce` times the slowest member's phase estimate. Absent when synced by hand. */
  readonly estimatedSeconds?: number;
  /** Pods above today's count across the group at the worst moment of this step. */
  readonly extraPods: number;
}

export interface PhasePromotion {
  readonly phase: string;
  readonly title: string;
  readonly steps: readonly StepEstimate[];
  /** Sum of the steps' estimates (absent when a step is synced by hand). */
  readonly estimatedSeconds?: number;
  /** The slowest installation's own estimate of the phase (rollouts and gate): one Application's sync. */
  readonly slowestSeconds: number;
}

export interface GroupSummary {
  readonly name: string;
  readonly applicationSet: string;
  readonly strategy: string;
  readonly zeroDowntime: boolean;
  readonly installations: number;
  readonly clusters: number;
  readonly phases: readonly { readonly id: string; readonly title: string }[];
  readonly reasons: readonly string[];
  readonly differs?: string;
  readonly steps: readonly { readonly name: string; readonly selects: string; readonly maxUpdate: number | string; readonly atOnce: number; readonly installations: readonly string[] }[];
  readonly held: readonly string[];
  /** Each held installation's pinned overlay (`00-base`, a phase, a phase's rollback), by name. */
  readonly heldAt: Readonly<Record<string, string>>;
  readonly promotion: readonly PhasePromotion[];
  /** The most extra pods the group runs at once, over the whole rollout. */
  readonly peakExtraPods: number;
  /** Maintenance plans: the longest an installation's gateways may be down. */
  readonly downtimeWindowSeconds?: number;
}

export interface InstallationLine {
  readonly name: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly application: string;
  /** `planned`, `nothing-to-do`, `refused` (no plan without downtime) or `unsafe` (the verifier rejected every plan). */
  readonly status: 'planned' | 'nothing-to-do' | 'refused' | 'unsafe';
  readonly group?: string;
  readonly step?: string;
  readonly strategy?: string;
  readonly phases?: number;
  readonly zeroDowntime?: boolean;
  readonly statesExplored?: number;
  readonly reasons?: readonly string[];
}

export interface FleetSummary {
  readonly fleet: string;
  readonly to: string;
  readonly installations: number;
  readonly clusters: number;
  readonly groups: readonly GroupSummary[];
  /** Extra pods across the fleet at the worst moment if every group is promoted at the same time (the sum of the groups' peaks). */
  readonly peakExtraPods: number;
  readonly nothingToDo: readonly string[];
  /** Planned installations without `spec.source`: their `kustomize/base/` must hold their own manifests before any Application can build. */
  readonly baseToFill: readonly string[];
  /** Planned installations whose Applications point at the placeholder repository (`spec.output.argocd.repoURL` unset). */
  readonly placeholderRepo: readonly string[];
  readonly refused: readonly { readonly name: string; readonly cluster: string; readonly origin: string; readonly status: 'refused' | 'unsafe'; readonly reasons: readonly string[] }[];
  readonly installationList: readonly InstallationLine[];
}

const clustersOf = (os: readonly InstallationOutcome[]) => new Set(os.map((o) => o.cluster)).size;
const phasesOf = (o: InstallationOutcome) => (o.judgement as Planned).phases;

/** Extra pods an installation runs after phase `k` (index; -1 is today). */
const extraAt = (o: InstallationOutcome, k: number) => (k < 0 ? 0 : phasesOf(o)[k].extraPods);

/**
 * Phase `k` promoted step by step: the steps before `s` are done (at phase k), step `s` is under
 * way (each member at the larger of both counts), the steps after it are still at phase k-1.
 */
function promotion(group: FleetGroup, rollout: GroupRollout, k: number): PhasePromotion {
  const steps = rollout.steps.map((step, s): StepEstimate => {
    let extraPods = 0;
    rollout.steps.forEach((other, t) => {
      for (const o of other.installations) {
        extraPods += t < s ? extraAt(o, k) : t > s ? extraAt(o, k - 1) : Math.max(extraAt(o, k - 1), extraAt(o, k));
      }
    });
    const n = step.installations.length;
    const slowest = Math.max(...step.installations.map((o) => phasesOf(o)[k].estimatedSeconds));
    return {
      step: step.name,
      installations: n,
      atOnce: step.atOnce,
      ...(step.atOnce > 0 ? { estimatedSeconds: Math.ceil(n / step.atOnce) * slowest } : {}),
      extraPods,
    };
  });
  const known = steps.every((s) => s.estimatedSeconds !== undefined);
  return {
    phase: group.phases[k].id,
    title: group.phases[k].title,
    slowestSeconds: Math.max(...group.installations.map((o) => phasesOf(o)[k].estimatedSeconds)),
    steps,
    ...(known ? { estimatedSeconds: steps.reduce((t, s) => t + s.estimatedSeconds!, 0) } : {}),
  };
}

export function groupSummary(fleet: string, group: FleetGroup, rollout: GroupRollout): GroupSummary {
  const promotions = group.phases.map((_, k) => promotion(group, rollout, k));
  const windows = group.installations.map((o) => (o.judgement as Planned).downtimeWindowSeconds).filter((w): w is number => w !== undefined);
  return {
    name: group.name,
    applicationSet: applicationSetName(fleet, group.name),
    strategy: group.strategy,
    zeroDowntime: group.zeroDowntime,
    installations: group.installations.length,
    clusters: clustersOf(group.installations),
    phases: group.phases,
    reasons: group.reasons,
    ...(group.differs ? { differs: group.differs } : {}),
    steps: rollout.steps.map((s) => ({ name: s.name, selects: s.selects, maxUpdate: s.maxUpdate, atOnce: s.atOnce, installations: s.installations.map((o) => o.name) })),
    held: rollout.held.map((o) => o.name),
    heldAt: Object.fromEntries(rollout.held.map((o) => [o.name, o.holdAt ?? BASE])),
    promotion: promotions,
    peakExtraPods: Math.max(0, ...promotions.flatMap((p) => p.steps.map((s) => s.extraPods))),
    ...(windows.length ? { downtimeWindowSeconds: Math.max(...windows) } : {}),
  };
}

/** The whole fleet's summary, installations in fleet order. */
export function fleetSummary(fleet: string, outcomes: readonly InstallationOutcome[], grouping: FleetGrouping, rollouts: ReadonlyMap<string, GroupRollout>): FleetSummary {
  const groups = grouping.groups.map((g) => groupSummary(fleet, g, rollouts.get(g.name)!));
  const placement = new Map<string, { group: string; step: string }>();
  for (const g of grouping.groups) {
    const r = rollouts.get(g.name)!;
    for (const s of r.steps) for (const o of s.installations) placement.set(o.name, { group: g.name, step: s.name });
    for (const o of r.held) placement.set(o.name, { group: g.name, step: HOLD });
  }
  const installationList = outcomes.map((o): InstallationLine => {
    const base = { name: o.name, cluster: o.cluster, namespace: o.namespace, labels: o.labels, application: applicationName(o.name) };
    const j = o.judgement;
    if (j.kind !== 'planned') return { ...base, status: j.kind, reasons: j.reasons };
    if (j.phases.length === 0) return { ...base, status: 'nothing-to-do', strategy: j.strategy, phases: 0, zeroDowntime: true, statesExplored: j.statesExplored };
    return { ...base, status: 'planned', ...placement.get(o.name)!, strategy: j.strategy, phases: j.phases.length, zeroDowntime: j.zeroDowntime, statesExplored: j.statesExplored };
  });
  return {
    fleet,
    to: outcomes[0]?.to ?? '',
    installations: outcomes.length,
    clusters: clustersOf(outcomes),
    groups,
    peakExtraPods: groups.reduce((n, g) => n + g.peakExtraPods, 0),
    nothingToDo: grouping.nothingToDo.map((o) => o.name),
    baseToFill: grouping.groups.flatMap((g) => g.installations.filter((o) => o.baseToFill).map((o) => o.name)),
    placeholderRepo: grouping.groups.flatMap((g) => g.installations.filter((o) => o.argocd.repoURL === PLACEHOLDER_REPO).map((o) => o.name)),
    refused: grouping.refused.map((o) => ({ name: o.name, cluster: o.cluster, origin: o.origin, status: o.judgement.kind as 'refused' | 'unsafe', reasons: o.judgement.kind === 'planned' ? [] : o.judgement.reasons })),
    installationList,
  };
}
