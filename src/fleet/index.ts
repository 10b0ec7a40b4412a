/**
 * Fleets: one migration rolled across many clusters by Argo CD ApplicationSets. A fleet spec
 * (or a folder of specs that name their clusters) is read; every installation is planned and
 * verified as its own spec would be; installations whose plans share a phase sequence are
 * grouped; each group gets one ApplicationSet per phase whose RollingSync steps promote that
 * phase canaries first; FLEET.md and `plan` summarize it all. Argo CD does the scheduling.
 */
import * as path from 'path';
import { OutputFiles } from '../render/files';
import { Staging } from '../render/write';
import { toYaml } from '../render/yaml';
import { InputError, InputProblem } from '../spec/errors';
import { FleetGrouping, groupInstallations } from './group';
import { InstallationOutcome } from './judge';
import { phaseApplicationSetManifest } from './PhaseApplicationSet';
import { FleetInput, readFleet } from './read';
import { fleetMarkdown } from './report';
import { GroupRollout, planRollout } from './rollout';
import { BASE } from './schema';
import { stageFleet } from './stage';
import { FleetSummary, fleetSummary } from './summary';

export { isFleetInput, readFleet, installationDocument } from './read';
export { FLEET_KIND, FleetSpecSchema } from './schema';
export { formatFleetSummary, fleetMarkdown, placeholderWarning } from './report';
export { runFleetPlanWorker } from './stage';
export { phaseApplicationSetManifest, PhaseApplicationSet, PhaseApplicationSetProps } from './PhaseApplicationSet';
export type { FleetSummary, GroupSummary } from './summary';
export type { InstallationOutcome } from './judge';

export interface FleetPlan {
  readonly input: FleetInput;
  readonly outcomes: readonly InstallationOutcome[];
  readonly grouping: FleetGrouping;
  readonly rollouts: ReadonlyMap<string, GroupRollout>;
  readonly summary: FleetSummary;
}

export interface FleetRunOptions {
  /** The running script, to start worker threads from. @default this thread only */
  readonly entry?: string;
  /** Worker threads. @default cores - 1 from 4 cores on; on 2-3 cores, 2 from 200 installations on */
  readonly jobs?: number;
}

/** Checks what only the whole fleet shows: unique names, one target flavor, one installation per cluster namespace. */
function checkFleet(input: FleetInput, outcomes: readonly InstallationOutcome[]): void {
  const problems: InputProblem[] = [];
  const byName = new Map<string, InstallationOutcome>();
  const byPlace = new Map<string, InstallationOutcome>();
  const byFolder = new Map<string, InstallationOutcome>();
  for (const o of outcomes) {
    const same = byName.get(o.name);
    if (same) problems.push({ path: o.origin, message: `the installation name "${o.name}" is also used by ${same.origin}; names must be unique` });
    byName.set(o.name, o);
    if (o.name === input.name) problems.push({ path: o.origin, message: `"${o.name}" is the fleet's name too (its folder dist/${o.name}/); rename one` });
    const place = `${o.cluster}\u0000${o.namespace}`;
    const there = byPlace.get(place);
    if (there) problems.push({ path: o.origin, message: `${o.name} and ${there.name} are both in cluster ${o.cluster}, namespace ${o.namespace}; a fleet holds one Kong installation per namespace of a cluster` });
    byPlace.set(place, o);
    const folder = `${o.argocd.repoURL}\u0000${o.argocd.targetRevision}\u0000${o.argocd.path}`;
    const sameFolder = byFolder.get(folder);
    if (sameFolder) problems.push({ path: o.origin, message: `${o.name} and ${sameFolder.name} have the same spec.output.argocd.path (${o.argocd.path}); each installation needs its own folder` });
    byFolder.set(folder, o);
    if (o.holdAt && o.judgement.kind === 'planned') {
      const overlays = [BASE, ...o.judgement.phases.flatMap((p) => [p.id, `${p.id}-rollback`])];
      if (!overlays.includes(o.holdAt)) problems.push({ path: `${o.origin}.hold.at`, message: `"${o.holdAt}" is not an overlay of ${o.name}; give the one its cluster is at: ${overlays.join(', ')}` });
    }
    if (o.to !== outcomes[0].to) problems.push({ path: o.origin, message: `spec.to is ${o.to} but ${outcomes[0].name} migrates to ${outcomes[0].to}; a fleet has one target flavor` });
  }
  if (problems.length) throw new InputError(problems);
}

function planFrom(input: FleetInput, outcomes: readonly InstallationOutcome[]): FleetPlan {
  checkFleet(input, outcomes);
  const grouping = groupInstallations(outcomes);
  const rollouts = new Map(grouping.groups.map((g) => [g.name, planRollout(g, input.steps, input.origin)]));
  return { input, outcomes, grouping, rollouts, summary: fleetSummary(input.name, outcomes, grouping, rollouts) };
}

/** Plans and verifies a fleet (a fleet file or a folder of specs) without writing anything. */
export async function planFleet(arg: string, options: FleetRunOptions = {}): Promise<FleetPlan> {
  const input = readFleet(arg);
  const { outcomes } = await stageFleet(input.installations, { ...options, fleetFiles: input.fleetFiles });
  return planFrom(input, outcomes);
}

/** The fleet's own files (`dist/<fleet>/`): FLEET.md, fleet.json and the ApplicationSets of every group, phase and phase rollback. */
export function fleetFiles(plan: FleetPlan): OutputFiles {
  const files = new OutputFiles();
  files.add('FLEET.md', fleetMarkdown(plan.summary));
  files.add('fleet.json', JSON.stringify(plan.summary, null, 2) + '\n');
  for (const group of plan.grouping.groups) {
    const rollout = plan.rollouts.get(group.name)!;
    const fleet = plan.input.name;
    files.add(`applicationsets/${group.name}/00-base.yaml`, toYaml(phaseApplicationSetManifest({ fleet, group, rollout })));
    for (const phase of group.phases) {
      files.add(`applicationsets/${group.name}/${phase.id}.yaml`, toYaml(phaseApplicationSetManifest({ fleet, group, rollout, phase })));
      files.add(`applicationsets/${group.name}/${phase.id}-rollback.yaml`, toYaml(phaseApplicationSetManifest({ fleet, group, rollout, phase, rollback: true })));
    }
  }
  return files;
}

export interface FleetSynthOptions extends FleetRunOptions {
  readonly out: string;
  readonly force?: boolean;
}

/**
 * `synth` of a fleet: every installation with a plan into `<out>/<installation>/` (the same
 * bytes as `synth` of its spec alone), and the fleet's files into `<out>/<fleet>/`. All or
 * nothing: everything is staged first and moved into place only when all of it succeeded.
 */
export async function synthesizeFleet(arg: string, options: FleetSynthOptions): Promise<{ plan: FleetPlan; written: { target: string; files: number }[] }> {
  const input = readFleet(arg);
  // The same staging as synth's: --out and its parents only on success, replaced folders kept
  // until their successors are in place, a killed run's staging recovered by the next.
  const staging = new Staging(options.out);
  try {
    const { outcomes, files } = await stageFleet(input.installations, { ...options, staging: staging.dir, fleetFiles: input.fleetFiles });
    const plan = planFrom(input, outcomes);
    const own = fleetFiles(plan);
    staging.write(input.name, own);
    const counts = new Map(outcomes.map((o, i) => [o.name, files[i]]));
    counts.set(input.name, own.size);
    const names = [...outcomes.filter((o) => o.judgement.kind === 'planned').map((o) => o.name), input.name];
    const targets = staging.commit(names, { force: options.force });
    return { plan, written: targets.map((target) => ({ target: path.join(options.out, path.basename(target)), files: counts.get(path.basename(target))! })) };
  } finally {
    staging.discard();
  }
}
