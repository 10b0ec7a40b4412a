import { ControllerState, GatewayState, InstallationState, ServiceState } from '../plan/types';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { controllerDeploymentManifest } from './ControllerDeployment';
import { gatewayDeploymentManifest } from './GatewayDeployment';
import { kongServiceManifest } from './KongService';
import { strategicMergePatch } from './strategicPatch';
import { jsonEqual } from '../util/jsonEqual';

/** One object of the plan in one state: what it is and how to render it. */
export type PlanObject =
  | { readonly kind: 'Deployment'; readonly role: 'gateway'; readonly name: string; readonly state: GatewayState }
  | { readonly kind: 'Deployment'; readonly role: 'controller'; readonly name: string; readonly state: ControllerState }
  | { readonly kind: 'Service'; readonly role: 'service'; readonly name: string; readonly state: ServiceState };

/** Every object of a state, keyed `Kind/name`, in a stable order. */
export function objectsOf(state: InstallationState): Map<string, PlanObject> {
  const out = new Map<string, PlanObject>();
  for (const s of state.services) out.set(`Service/${s.name}`, { kind: 'Service', role: 'service', name: s.name, state: s });
  for (const g of state.gateways) out.set(`Deployment/${g.name}`, { kind: 'Deployment', role: 'gateway', name: g.name, state: g });
  for (const c of state.controllers) out.set(`Deployment/${c.name}`, { kind: 'Deployment', role: 'controller', name: c.name, state: c });
  return out;
}

/** The manifest of a plan object. */
export function renderObject(spec: ResolvedSpec, obj: PlanObject): KubeObject {
  switch (obj.role) {
    case 'gateway':
      return gatewayDeploymentManifest(spec, obj.state);
    case 'controller':
      return controllerDeploymentManifest(spec, obj.state);
    case 'service':
      return kongServiceManifest(spec, obj.state);
  }
}

/**
 * Whether objects are emitted as patches of the planned fields rather than whole: without
 * `spec.source` the tool knows the user's objects only as modelled on KIC's all-in-one
 * manifests, and a whole object applied over the user's own would remove their fields.
 */
export function patchesOnly(spec: ResolvedSpec): boolean {
  return spec.base.origin === 'modelled';
}

/** The strategic-merge patch that takes an existing object from one plan state to another (undefined: no change). */
export function objectPatch(spec: ResolvedSpec, before: PlanObject, after: PlanObject): KubeObject | undefined {
  return strategicMergePatch(renderObject(spec, before), renderObject(spec, after));
}

/** Whether an object differs between two states (absent counts as different). */
export function objectChanged(a: PlanObject | undefined, b: PlanObject | undefined): boolean {
  return !jsonEqual(a?.state, b?.state);
}
