import { ControllerState, GatewayState, InstallationState, ServiceState } from '../plan/types';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { controllerDeploymentManifest } from './ControllerDeployment';
import { gatewayDeploymentManifest } from './GatewayDeployment';
import { kongServiceManifest } from './KongService';

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

/** Whether an object differs between two states (absent counts as different). */
export function objectChanged(a: PlanObject | undefined, b: PlanObject | undefined): boolean {
  return JSON.stringify(a?.state) !== JSON.stringify(b?.state);
}
