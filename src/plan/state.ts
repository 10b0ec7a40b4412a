/**
 * The installation's state as the plan sees it: read from the resolved spec, changed phase
 * by phase, and compared to say what a phase changes.
 */
import { FeatureGates, formatFeatureGates } from '../model/featureGates';
import { ResolvedSpec } from '../spec/types';
import { Change, ControllerState, GatewayState, InstallationState, Labels, ServiceState } from './types';

/**
 * Pod-template annotation that restarts the controller declaratively. Its value names the
 * flavor the controller must detect: same input, same bytes, and a restart exactly when the
 * value changes (DOMAIN.md §4, the declarative `kubectl rollout restart`).
 */
export const RESTART_ANNOTATION = 'kong-flavor-migrator/restart-for';

/** Pod label that tells the stacks of a blue-green plan apart. */
export const STACK_LABEL = 'kong-flavor-migrator/stack';

/** Suffix of the parallel stack's label values and names. */
export const GREEN_SUFFIX = '-green';

/** Labels of the green stack: every selector value gets `-green`, so no blue selector matches. */
export function greenLabels(selector: Labels): Labels {
  const out: Record<string, string> = {};
  for (const key of Object.keys(selector).sort()) {
    const v = selector[key];
    out[key] = v.length + GREEN_SUFFIX.length <= 63 ? `${v}${GREEN_SUFFIX}` : `${v.slice(0, 63 - GREEN_SUFFIX.length)}${GREEN_SUFFIX}`;
  }
  return out;
}

/** The restart annotation currently on the controller's pod template, if any. */
function currentRestartFor(spec: ResolvedSpec): string | undefined {
  const template = (spec.base.controllerDeployment?.spec as { template?: { metadata?: { annotations?: Record<string, string> } } } | undefined)
    ?.template;
  return template?.metadata?.annotations?.[RESTART_ANNOTATION];
}

/**
 * The annotation value that restarts the controller for `spec.to`: the target flavor, or,
 * when the pod template already carries that value (an earlier migration), one that differs.
 */
export function restartValue(spec: ResolvedSpec): string {
  return currentRestartFor(spec) === spec.to ? `${spec.to}-from-${spec.from}` : spec.to;
}

/** The state of the installation before the migration. */
export function initialState(spec: ResolvedSpec): InstallationState {
  const gw = spec.gateway;
  const gateways: GatewayState[] = [
    {
      name: gw.deployment,
      stack: 'blue',
      flavor: spec.from,
      replicas: gw.replicas,
      maxSurge: gw.maxSurge,
      maxUnavailable: gw.maxUnavailable,
      selector: gw.selector,
      ...(gw.sidecar ? { sidecarFeatureGates: gw.sidecar.featureGates } : {}),
    },
  ];
  const services: ServiceState[] = [{ name: gw.proxyService, role: 'proxy', stack: 'blue', selector: gw.selector }];
  const controllers: ControllerState[] = [];
  const c = spec.controller;
  if (c) {
    controllers.push({
      name: c.deployment,
      stack: 'blue',
      replicas: c.replicas,
      restartFor: currentRestartFor(spec),
      featureGates: c.featureGates,
      electionId: c.electionId,
      adminService: gw.adminService,
      updateStatus: true,
      ...(c.konnectSync ? { konnectSync: true } : {}),
      selector: c.selector,
    });
    // The controller discovers gateways through the admin Service: part of the model even when
    // the user's manifests keep it elsewhere. The webhook Service only moves if the user has one.
    services.push({ name: gw.adminService, role: 'admin', stack: 'blue', selector: gw.selector });
    if (spec.base.webhookService) services.push({ name: c.webhookService, role: 'webhook', stack: 'blue', selector: c.selector });
  }
  for (const svc of spec.base.trafficServices ?? []) {
    if (services.some((x) => x.name === svc.metadata.name)) continue;
    const selector = (svc.spec as { selector?: Record<string, string> } | undefined)?.selector ?? {};
    services.push({ name: svc.metadata.name, role: 'traffic', stack: 'blue', selector: { ...selector } });
  }
  return { gateways, controllers, services };
}

/** Replaces the gateway named `name`. */
export function withGateway(state: InstallationState, name: string, patch: Partial<GatewayState>): InstallationState {
  return { ...state, gateways: state.gateways.map((g) => (g.name === name ? { ...g, ...patch } : g)) };
}

/** Replaces the controller named `name`. */
export function withController(state: InstallationState, name: string, patch: Partial<ControllerState>): InstallationState {
  return { ...state, controllers: state.controllers.map((c) => (c.name === name ? { ...c, ...patch } : c)) };
}

/** Replaces the Service named `name`. */
export function withService(state: InstallationState, name: string, patch: Partial<ServiceState>): InstallationState {
  return { ...state, services: state.services.map((s) => (s.name === name ? { ...s, ...patch } : s)) };
}

const labelsText = (l: Labels) =>
  Object.keys(l)
    .sort()
    .map((k) => `${k}=${l[k]}`)
    .join(',');

const gatesText = (g: FeatureGates | undefined) => formatFeatureGates(g ?? {}) ?? '(none)';

const sameLabels = (a: Labels | undefined, b: Labels | undefined) => labelsText(a ?? {}) === labelsText(b ?? {});

/** Whether a gateway's pod template differs (a rollout follows). */
export function gatewayTemplateChanged(a: GatewayState, b: GatewayState): boolean {
  return a.flavor !== b.flavor || !sameLabels(a.selector, b.selector) || gatesText(a.sidecarFeatureGates) !== gatesText(b.sidecarFeatureGates);
}

/** Whether a controller's pod template differs (its pods restart). */
export function controllerTemplateChanged(a: ControllerState, b: ControllerState): boolean {
  return (
    a.restartFor !== b.restartFor ||
    gatesText(a.featureGates) !== gatesText(b.featureGates) ||
    a.electionId !== b.electionId ||
    a.adminService !== b.adminService ||
    a.updateStatus !== b.updateStatus ||
    a.konnectSync !== b.konnectSync
  );
}

function gatewayChanges(a: GatewayState | undefined, b: GatewayState | undefined): string[] {
  if (!a && !b) return [];
  if (!a) return [`create (${b!.replicas} replicas, KONG_ROUTER_FLAVOR=${b!.flavor}, pods ${labelsText(b!.selector)})`];
  if (!b) return ['delete'];
  const out: string[] = [];
  if (a.flavor !== b.flavor) out.push(`env KONG_ROUTER_FLAVOR=${b.flavor}`);
  if (gatesText(a.sidecarFeatureGates) !== gatesText(b.sidecarFeatureGates)) out.push(`env CONTROLLER_FEATURE_GATES=${gatesText(b.sidecarFeatureGates)}`);
  if (a.replicas !== b.replicas) out.push(`replicas ${a.replicas} -> ${b.replicas}`);
  if (a.maxSurge !== b.maxSurge || a.maxUnavailable !== b.maxUnavailable) {
    out.push(`rollingUpdate maxSurge=${b.maxSurge} maxUnavailable=${b.maxUnavailable}`);
  }
  return out;
}

function controllerChanges(a: ControllerState | undefined, b: ControllerState | undefined): string[] {
  if (!a && !b) return [];
  if (!a) return [`create (${b!.replicas} replicas, discovers ${b!.adminService}, election ID ${b!.electionId}, status updates ${b!.updateStatus ? 'on' : 'off'})`];
  if (!b) return ['delete'];
  const out: string[] = [];
  if (a.restartFor !== b.restartFor) out.push(`annotation ${RESTART_ANNOTATION}=${b.restartFor} (restart: detects ${b.restartFor})`);
  if (gatesText(a.featureGates) !== gatesText(b.featureGates)) out.push(`env CONTROLLER_FEATURE_GATES=${gatesText(b.featureGates)}`);
  if (a.updateStatus !== b.updateStatus) out.push(`env CONTROLLER_UPDATE_STATUS=${b.updateStatus}`);
  if (a.konnectSync !== b.konnectSync) out.push(`env CONTROLLER_KONNECT_SYNC_ENABLED=${b.konnectSync === true}`);
  if (a.electionId !== b.electionId) out.push(`env CONTROLLER_ELECTION_ID=${b.electionId}`);
  if (a.adminService !== b.adminService) out.push(`env CONTROLLER_KONG_ADMIN_SVC=${b.adminService}`);
  if (a.replicas !== b.replicas) out.push(`replicas ${a.replicas} -> ${b.replicas}`);
  return out;
}

function serviceChanges(a: ServiceState | undefined, b: ServiceState | undefined): string[] {
  if (!a && !b) return [];
  if (!a) return [`create (selects ${labelsText(b!.selector)})`];
  if (!b) return ['delete'];
  return sameLabels(a.selector, b.selector) ? [] : [`selector ${labelsText(a.selector)} -> ${labelsText(b.selector)}`];
}

function names<T extends { name: string }>(a: readonly T[], b: readonly T[]): string[] {
  const seen: string[] = [];
  for (const x of [...a, ...b]) if (!seen.includes(x.name)) seen.push(x.name);
  return seen;
}

/** What going from `a` to `b` changes, object by object, in a stable order. */
export function diffStates(a: InstallationState, b: InstallationState): Change[] {
  const out: Change[] = [];
  const find = <T extends { name: string }>(list: readonly T[], name: string) => list.find((x) => x.name === name);
  for (const name of names(a.gateways, b.gateways)) {
    const list = gatewayChanges(find(a.gateways, name), find(b.gateways, name));
    if (list.length) out.push({ kind: 'Deployment', name, change: list.join('; ') });
  }
  for (const name of names(a.services, b.services)) {
    const list = serviceChanges(find(a.services, name), find(b.services, name));
    if (list.length) out.push({ kind: 'Service', name, change: list.join('; ') });
  }
  for (const name of names(a.controllers, b.controllers)) {
    const list = controllerChanges(find(a.controllers, name), find(b.controllers, name));
    if (list.length) out.push({ kind: 'Deployment', name, change: list.join('; ') });
  }
  return out;
}
