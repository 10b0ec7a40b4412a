import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { Plan } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { FlavorGate } from './FlavorGate';
import { objectName } from './names';
import { ObjectRemoval } from './ObjectRemoval';
import { PlanObject, objectChanged, objectPatch, objectsOf, patchesOnly, renderObject } from './objectStates';
import { WAVE_OFFSET, phaseWave, stepPatches } from './PhaseChart';
import { StagedApply } from './StagedApply';
import { SyncFailReport } from './SyncFailReport';
import { withPruneDisabled } from './syncOptions';
import { withSyncWave } from './syncWave';
import { pushTo } from '../util/multiMap';

export interface WavesChartProps {
  readonly spec: ResolvedSpec;
  readonly plan: Plan;
}

/** Where each object of the plan goes in one sync. */
export interface WavesLayout {
  /** Objects declared once, with the phase index whose wave applies them (see `wavesLayout`). */
  readonly declared: { readonly phase: number; readonly object: PlanObject }[];
  /** Per phase index: earlier states of objects that exist before the plan and change again later (applied whole by a hook). */
  readonly staged: Map<number, PlanObject[]>;
  /** Per phase index: later states of objects the plan creates (patched by a hook from `before` to `after`). */
  readonly patched: Map<number, { readonly before: PlanObject; readonly after: PlanObject }[]>;
  /** Per phase index: objects deleted in that phase. */
  readonly removed: Map<number, PlanObject[]>;
}

/**
 * Lays a plan out for one Argo CD sync. A sync declares each object once and applies it once,
 * at its wave (gitops-engine `pkg/sync/sync_tasks.go`, argo-cd v3.5.1), so:
 * - an object that exists before and after the migration is declared at its final state in the
 *   wave of its last change, and its earlier states are applied by hooks in their own waves;
 * - an object the plan creates is declared at its FIRST state in the wave that creates it, and
 *   each later change is patched by a hook in that change's wave (the green controller starts
 *   with Konnect sync and Ingress status updates off, and they turn on only in the phases that
 *   verified it);
 * - an object the plan deletes is changed by hooks and deleted by a Job.
 */
export function wavesLayout(plan: Plan): WavesLayout {
  const states = [plan.initial, ...plan.phases.map((p) => p.state)];
  const maps = states.map(objectsOf);
  const keys: string[] = [];
  for (const m of maps) for (const k of m.keys()) if (!keys.includes(k)) keys.push(k);
  const declared: WavesLayout['declared'] = [];
  const staged = new Map<number, PlanObject[]>();
  const patched: WavesLayout['patched'] = new Map();
  const removed = new Map<number, PlanObject[]>();
  for (const key of keys) {
    const changes: number[] = [];
    for (let k = 1; k < states.length; k++) if (objectChanged(maps[k - 1].get(key), maps[k].get(key))) changes.push(k - 1);
    if (changes.length === 0) continue;
    const atStart = maps[0].get(key);
    const atEnd = maps[maps.length - 1].get(key);
    if (!atStart) {
      declared.push({ phase: changes[0], object: maps[changes[0] + 1].get(key)! });
      for (const k of changes.slice(1)) {
        const before = maps[k].get(key);
        const after = maps[k + 1].get(key);
        if (!before) throw new Error(`${key} is created again in phase ${plan.phases[k].id} after its removal: one Argo CD sync cannot declare it twice; use app-per-phase`);
        if (after) pushTo(patched, k, { before, after });
        else pushTo(removed, k, before);
      }
      continue;
    }
    const last = changes[changes.length - 1];
    for (const k of changes.slice(0, -1)) pushTo(staged, k, maps[k + 1].get(key)!);
    if (atEnd) declared.push({ phase: last, object: atEnd });
    else pushTo(removed, last, maps[last].get(key)!);
  }
  return { declared, staged, patched, removed };
}

/**
 * The whole plan in one Argo CD sync (`argocd/waves`): phases in sync-wave order, each closed
 * by its gate (a `Sync` hook Job, so the sync stops on a failed gate), and a `SyncFail` hook
 * that reports where things stand.
 */
export class WavesChart extends Chart {
  public readonly layout: WavesLayout;

  constructor(scope: Construct, id: string, props: WavesChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec, plan } = props;
    this.layout = wavesLayout(plan);
    // Without spec.source, the objects that exist before the migration are never sent whole:
    // each phase's changes to them are patched by a hook at the phase's wave.
    const patching = patchesOnly(spec);
    const initial = objectsOf(plan.initial);
    const states = [plan.initial, ...plan.phases.map((p) => p.state)];
    for (const { phase, object } of this.layout.declared) {
      if (patching && initial.has(`${object.kind}/${object.name}`)) continue;
      const offset = object.kind === 'Service' ? WAVE_OFFSET.services : WAVE_OFFSET.deployments;
      new ApiObject(this, `${object.kind}-${object.name}`, withSyncWave(withPruneDisabled(renderObject(spec, object)), phaseWave(phase) + offset));
    }
    plan.phases.forEach((phase, i) => {
      const nn = phase.id.slice(0, 2);
      // Without spec.source every change to an existing object is a patch (created objects included);
      // with one, earlier states of the user's objects go whole and created objects are patched.
      const patches = patching
        ? stepPatches(spec, states[i], states[i + 1]).patches
        : (this.layout.patched.get(i) ?? []).flatMap(({ before, after }) => objectPatch(spec, before, after) ?? []);
      const staged = patching ? [] : (this.layout.staged.get(i) ?? []).map((o) => renderObject(spec, o));
      if (patches.length + staged.length > 0) {
        new StagedApply(this, `Staged-${nn}`, {
          spec,
          name: objectName(plan.name, 'apply', nn),
          phaseId: phase.id,
          objects: staged,
          patches,
          syncWave: phaseWave(i) + WAVE_OFFSET.deployments,
        });
      }
      const removed = this.layout.removed.get(i);
      if (removed) {
        new ObjectRemoval(this, `Removal-${nn}`, {
          spec,
          name: objectName(plan.name, 'remove', nn),
          objects: removed.map((o) => ({ kind: o.kind, name: o.name })),
          description: `Phase ${phase.id}: delete ${removed.map((o) => `${o.kind} ${o.name}`).join(', ')}`,
          syncWave: phaseWave(i) + WAVE_OFFSET.removals,
        });
      }
      if (phase.gate.checks.length > 0) {
        new FlavorGate(this, `Gate-${nn}`, {
          spec,
          name: objectName(plan.name, 'gate', nn),
          phaseId: phase.id,
          checks: phase.gate.checks,
          timeoutSeconds: phase.gate.timeoutSeconds,
          syncWave: phaseWave(i) + WAVE_OFFSET.gate,
        });
      }
    });
    const deployments = [...new Set([plan.initial, ...plan.phases.map((p) => p.state)].flatMap((s) => [...s.gateways, ...s.controllers].map((d) => d.name)))];
    new SyncFailReport(this, 'SyncFail', { spec, name: objectName(plan.name, 'sync-failed'), deployments });
  }
}
