import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { gateChecks } from '../plan/phase';
import { InstallationState, Phase, Plan } from '../plan/types';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { ControllerDeployment } from './ControllerDeployment';
import { FlavorGate } from './FlavorGate';
import { GatewayDeployment } from './GatewayDeployment';
import { KongService } from './KongService';
import { objectName } from './names';
import { NamedObject } from './HookJob';
import { ObjectRemoval } from './ObjectRemoval';
import { PlanObject, objectChanged, objectPatch, objectsOf, patchesOnly } from './objectStates';

/** Sync waves inside a phase: Services first (a controller discovers gateways through them), then Deployments, removals, the gate. */
export const WAVE_OFFSET = { services: 0, deployments: 1, removals: 2, gate: 5 } as const;

/** The first sync wave of a phase (phase 1: 10, phase 2: 20, ...). */
export function phaseWave(index: number): number {
  return (index + 1) * 10;
}

export interface PhaseChartProps {
  readonly spec: ResolvedSpec;
  readonly plan: Plan;
  /** Index of the phase in `plan.phases`. */
  readonly index: number;
  /** `forward` renders the phase; `rollback` renders the return to the state before it. @default 'forward' */
  readonly direction?: 'forward' | 'rollback';
}

/** Objects that differ between two states (created or changed), and those `next` no longer has. */
export function changedObjects(prev: InstallationState, next: InstallationState): { changed: PlanObject[]; removed: NamedObject[] } {
  const before = objectsOf(prev);
  const after = objectsOf(next);
  return {
    changed: [...after].filter(([key, o]) => objectChanged(before.get(key), o)).map(([, o]) => o),
    // Deployments first, then Services (the order the removal Job names them in).
    removed: [...before]
      .filter(([key]) => !after.has(key))
      .map(([, o]) => ({ kind: o.kind, name: o.name }))
      .sort((a, b) => Number(a.kind === 'Service') - Number(b.kind === 'Service')),
  };
}

/**
 * Without `spec.source`: the strategic-merge patches that take the objects existing in `prev`
 * to `next` (Services first), and the objects `next` creates, which must be sent whole.
 */
export function stepPatches(spec: ResolvedSpec, prev: InstallationState, next: InstallationState): { patches: KubeObject[]; created: PlanObject[] } {
  const before = objectsOf(prev);
  const patches: KubeObject[] = [];
  const created: PlanObject[] = [];
  for (const o of changedObjects(prev, next).changed) {
    const was = before.get(`${o.kind}/${o.name}`);
    if (!was) created.push(o);
    else {
      const patch = objectPatch(spec, was, o);
      if (patch) patches.push(patch);
    }
  }
  return { patches, created };
}

/**
 * One phase as a chart: the full desired state of the objects the phase touches, a Job that
 * removes what the phase deletes, and the phase's gate. `direction: 'rollback'` renders the
 * way back to the state before the phase, gated the same way.
 */
export class PhaseChart extends Chart {
  public readonly phase: Phase;
  public readonly direction: 'forward' | 'rollback';
  /**
   * Without `spec.source`: strategic-merge patches of the existing objects the step changes
   * (Services first), applied with `kubectl patch`; those objects are then not in the chart.
   */
  public readonly patches: KubeObject[] = [];

  constructor(scope: Construct, id: string, props: PhaseChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec, plan, index } = props;
    const direction = props.direction ?? 'forward';
    const phase = plan.phases[index];
    this.phase = phase;
    this.direction = direction;
    const start = index === 0 ? plan.initial : plan.phases[index - 1].state;
    const [prev, next] = direction === 'forward' ? [start, phase.state] : [phase.state, start];
    const base = phaseWave(index);
    const nn = phase.id.slice(0, 2);
    const suffix = direction === 'forward' ? '' : 'rollback';

    const changed = changedObjects(prev, next);
    const step = patchesOnly(spec) ? stepPatches(spec, prev, next) : undefined;
    if (step) this.patches.push(...step.patches);
    // The user's objects carry no Argo CD annotation: they are what `final/` declares too, so
    // `kubectl diff -f final/` after the last phase shows nothing. Their files come first in
    // apply order (Services, then Deployments); the Jobs' sync waves order the rest.
    for (const o of step ? step.created : changed.changed) {
      if (o.role === 'service') new KongService(this, `Service-${o.name}`, { spec, state: o.state });
      else if (o.role === 'gateway') new GatewayDeployment(this, `Gateway-${o.name}`, { spec, state: o.state });
      else new ControllerDeployment(this, `Controller-${o.name}`, { spec, state: o.state });
    }
    if (changed.removed.length > 0) {
      new ObjectRemoval(this, 'Removal', {
        spec,
        name: objectName(plan.name, 'remove', nn, suffix),
        objects: changed.removed,
        description: `${direction === 'forward' ? 'Phase' : 'Rollback of phase'} ${phase.id}: delete ${changed.removed.map((o) => `${o.kind} ${o.name}`).join(', ')}`,
        syncWave: base + WAVE_OFFSET.removals,
      });
    }
    const checks = direction === 'forward' ? phase.gate.checks : gateChecks(spec, prev, next);
    if (checks.length > 0) {
      new FlavorGate(this, 'Gate', {
        spec,
        name: objectName(plan.name, 'gate', nn, suffix),
        phaseId: direction === 'forward' ? phase.id : `${phase.id} (rollback)`,
        checks,
        timeoutSeconds: phase.gate.timeoutSeconds,
        syncWave: base + WAVE_OFFSET.gate,
      });
    }
  }
}
