import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { gateChecks, routeShapeOf } from '../plan/phase';
import { gatewayTemplateChanged, controllerTemplateChanged } from '../plan/state';
import { InstallationState, Phase, Plan } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { ControllerDeployment } from './ControllerDeployment';
import { FlavorGate } from './FlavorGate';
import { GatewayDeployment } from './GatewayDeployment';
import { KongService } from './KongService';
import { objectName } from './names';
import { ObjectRemoval } from './ObjectRemoval';

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

/** Objects that differ between two states. */
export function changedObjects(prev: InstallationState, next: InstallationState) {
  const json = (x: unknown) => JSON.stringify(x);
  const gateways = next.gateways.filter((g) => {
    const b = prev.gateways.find((x) => x.name === g.name);
    return !b || gatewayTemplateChanged(b, g) || json(b) !== json(g);
  });
  const controllers = next.controllers.filter((c) => {
    const b = prev.controllers.find((x) => x.name === c.name);
    return !b || controllerTemplateChanged(b, c) || json(b) !== json(c);
  });
  const services = next.services.filter((s) => {
    const b = prev.services.find((x) => x.name === s.name);
    return !b || json(b) !== json(s);
  });
  const removed = [
    ...prev.gateways.filter((g) => !next.gateways.some((x) => x.name === g.name)).map((g) => ({ kind: 'Deployment' as const, name: g.name })),
    ...prev.controllers.filter((c) => !next.controllers.some((x) => x.name === c.name)).map((c) => ({ kind: 'Deployment' as const, name: c.name })),
    ...prev.services.filter((s) => !next.services.some((x) => x.name === s.name)).map((s) => ({ kind: 'Service' as const, name: s.name })),
  ];
  return { gateways, controllers, services, removed };
}

/**
 * One phase as a chart: the full desired state of the objects the phase touches, a Job that
 * removes what the phase deletes, and the phase's gate. `direction: 'rollback'` renders the
 * way back to the state before the phase, gated the same way.
 */
export class PhaseChart extends Chart {
  public readonly phase: Phase;
  public readonly direction: 'forward' | 'rollback';

  constructor(scope: Construct, id: string, props: PhaseChartProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const { spec, plan, index } = props;
    const direction = props.direction ?? 'forward';
    const phase = plan.phases[index];
    this.phase = phase;
    this.direction = direction;
    const before = index === 0 ? plan.initial : plan.phases[index - 1].state;
    const [prev, next] = direction === 'forward' ? [before, phase.state] : [phase.state, before];
    const base = phaseWave(index);
    const nn = phase.id.slice(0, 2);
    const suffix = direction === 'forward' ? '' : 'rollback';

    const changed = changedObjects(prev, next);
    for (const s of changed.services) new KongService(this, `Service-${s.name}`, { spec, state: s, syncWave: base + WAVE_OFFSET.services });
    for (const g of changed.gateways) new GatewayDeployment(this, `Gateway-${g.name}`, { spec, state: g, syncWave: base + WAVE_OFFSET.deployments });
    for (const c of changed.controllers) new ControllerDeployment(this, `Controller-${c.name}`, { spec, state: c, syncWave: base + WAVE_OFFSET.deployments });
    if (changed.removed.length > 0) {
      new ObjectRemoval(this, 'Removal', {
        spec,
        name: objectName(plan.name, 'remove', nn, suffix),
        objects: changed.removed,
        description: `${direction === 'forward' ? 'Phase' : 'Rollback of phase'} ${phase.id}: delete ${changed.removed.map((o) => `${o.kind} ${o.name}`).join(', ')}`,
        syncWave: base + WAVE_OFFSET.removals,
      });
    }
    const checks = direction === 'forward' ? phase.gate.checks : gateChecks(prev, next, routeShapeOf(spec));
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
