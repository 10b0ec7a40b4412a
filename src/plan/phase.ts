/**
 * One phase of a plan, built from the states before and after it: what changes, what the
 * gate checks, and what rolling back means. Strategies only say which states follow which.
 */
import { resolveBudget } from '../spec/intOrPercent';
import { ResolvedSpec } from '../spec/types';
import { controllerTemplateChanged, diffStates, gatewayTemplateChanged } from './state';
import { EXPRESSION_ROUTES_GATE } from '../model/featureGates';
import { Flavor, RouteShape } from '../model/flavor';
import { DEFAULT_FILTER_TAG, controllerRouteShape } from '../model/rules';
import { controllerSetting } from '../spec/controllerSettings';
import { ControllerState, GateCheck, InstallationState, Phase } from './types';

/** Rough seconds for one pod to start and become Ready, for estimates only. */
const POD_START_SECONDS = 30;

export interface PhaseInput {
  readonly slug: string;
  readonly title: string;
  readonly description: string;
  readonly state: InstallationState;
  /** Whether traffic is served throughout (false in maintenance phases). */
  readonly zeroDowntime?: boolean;
  /** How rolling back from this phase goes, for people. */
  readonly rollback: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The route shape a (re)started controller sends, and where the gate reads it back. */
export interface RouteShapeCheck {
  readonly shapeOf: (c: ControllerState, gatewayFlavor: Flavor) => RouteShape;
  /** DB-less: every gateway pod holds its own configuration, so every pod is read. */
  readonly everyPod: boolean;
  /** Postgres: the controller's filter tag; the gate reads only the routes it manages. */
  readonly filterTag?: string;
}

/**
 * The checks a gate must pass after going from `prev` to `next`. A gate after a controller
 * (re)start also waits until the routes its gateways serve have the shape the controller sends
 * (stored in Postgres, or each DB-less pod's own configuration), when the gateways' admin API
 * can be read.
 */
export function gateChecks(spec: ResolvedSpec, prev: InstallationState, next: InstallationState): GateCheck[] {
  const routes = routeShapeOf(spec);
  const checks: GateCheck[] = [];
  const flavorChecked = new Set<string>();
  const checkGateway = (name: string) => {
    const g = next.gateways.find((x) => x.name === name);
    if (!g || flavorChecked.has(name)) return;
    flavorChecked.add(name);
    if (g.replicas > 0) {
      checks.push({ check: 'rollout', deployment: g.name });
      checks.push({ check: 'flavor', deployment: g.name, selector: g.selector, flavor: g.flavor, replicas: g.replicas });
    } else {
      checks.push({ check: 'scaled-down', deployment: g.name, selector: g.selector });
    }
  };
  for (const g of next.gateways) {
    const before = prev.gateways.find((x) => x.name === g.name);
    if (!before || gatewayTemplateChanged(before, g) || before.replicas !== g.replicas) checkGateway(g.name);
  }
  for (const c of next.controllers) {
    const before = prev.controllers.find((x) => x.name === c.name);
    const changed = !before || controllerTemplateChanged(before, c) || before.replicas !== c.replicas;
    if (!changed) continue;
    if (c.replicas > 0) {
      checks.push({ check: 'rollout', deployment: c.name });
      // A controller that (re)started detected a flavor: check the gateways it configures.
      const admin = next.services.find((s) => s.name === c.adminService);
      const discovered = next.gateways.filter((g) => admin && Object.keys(admin.selector).every((k) => g.selector[k] === admin.selector[k]));
      for (const g of discovered) checkGateway(g.name);
      if (routes) {
        // DB-less: every running gateway Deployment; Postgres: one of them reads the shared routes.
        const running = discovered.filter((g) => g.replicas > 0);
        for (const g of routes.everyPod ? running : running.slice(0, 1)) {
          checks.push({
            check: 'routes',
            deployment: g.name,
            selector: g.selector,
            shape: routes.shapeOf(c, g.flavor),
            ...(routes.everyPod ? { everyPod: true } : {}),
            ...(routes.filterTag ? { filterTag: routes.filterTag } : {}),
          });
        }
      }
    } else {
      checks.push({ check: 'scaled-down', deployment: c.name, selector: c.selector });
    }
  }
  for (const s of next.services) {
    const before = prev.services.find((x) => x.name === s.name);
    const moved = before && JSON.stringify(before.selector) !== JSON.stringify(s.selector);
    if (moved && s.role !== 'admin') checks.push({ check: 'endpoints', service: s.name, selector: s.selector, soakSeconds: spec.hooks.cutoverSoakSeconds });
  }
  for (const g of prev.gateways) if (!next.gateways.some((x) => x.name === g.name)) checks.push({ check: 'removed', kind: 'Deployment', name: g.name });
  for (const c of prev.controllers) if (!next.controllers.some((x) => x.name === c.name)) checks.push({ check: 'removed', kind: 'Deployment', name: c.name });
  for (const s of prev.services) if (!next.services.some((x) => x.name === s.name)) checks.push({ check: 'removed', kind: 'Service', name: s.name });
  return checks;
}

/**
 * The preflight that opens gate 01: one gateway's admin API read through the API server's pod
 * proxy, so a firewall, a NetworkPolicy or an admin API that wants a client certificate stops
 * the migration in its first minutes instead of at the first gate's deadline. Only when the
 * plan's gates read admin APIs, and on a gateway that keeps running through the phase.
 */
export function preflightCheck(spec: ResolvedSpec, prev: InstallationState, next: InstallationState, later: readonly GateCheck[]): GateCheck | undefined {
  if (!spec.gateway.adminReachable || !later.some((c) => c.check === 'flavor' || c.check === 'routes')) return undefined;
  const running = (s: InstallationState) => s.gateways.filter((g) => g.replicas > 0);
  const g = running(next).find((x) => running(prev).some((y) => y.name === x.name));
  return g ? { check: 'admin-reachable', deployment: g.name, selector: g.selector } : undefined;
}

/** What a gate check means, for people (the RUNBOOK's "Watch" list says the same as the gate). */
export function describeCheck(check: GateCheck, spec: Pick<ResolvedSpec, 'namespace' | 'gateway' | 'database'>): string {
  const namespace = spec.namespace;
  switch (check.check) {
    case 'admin-reachable':
      return `preflight: the API server reads the admin API of a ${check.deployment} pod through the pod proxy`;
    case 'rollout':
      return `kubectl -n ${namespace} rollout status deployment/${check.deployment} completes`;
    case 'flavor':
      // A configuration hash is checked DB-less only (FlavorGate's DBLESS): Postgres gateways read the database.
      return spec.gateway.adminReachable
        ? `every live ${check.deployment} pod (not Failed, Succeeded or terminating) answers GET / on the admin API with router_flavor "${check.flavor}"${spec.database === 'off' ? ' and holds a configuration' : ''}, as many as the Deployment asks for (${check.replicas} planned)`
        : `every live ${check.deployment} pod (not Failed, Succeeded or terminating) runs KONG_ROUTER_FLAVOR=${check.flavor} and is Ready, as many as the Deployment asks for (${check.replicas} planned)`;
    case 'scaled-down':
      return `no live ${check.deployment} pods are left (Failed or Succeeded pods do not count)`;
    case 'endpoints':
      return `the EndpointSlices of Service ${check.service} list exactly the Ready pods ${Object.entries(check.selector).map(([k, v]) => `${k}=${v}`).join(',')} as ready endpoints, for ${check.soakSeconds} s in a row`;
    case 'removed':
      return `${check.kind} ${check.name} is gone`;
    case 'routes':
      return check.everyPod
        ? `every live ${check.deployment} pod serves only ${check.shape} routes (GET /routes, every page, on each pod's admin API)`
        : `the routes the controller manages in Postgres (GET /routes?tags=${check.filterTag ?? ''}, every page, through one ${check.deployment} pod) are all ${check.shape} routes`;
  }
}

/** Rough seconds a phase takes, for the runbook and the gate's deadline. */
function estimateSeconds(prev: InstallationState, next: InstallationState, checks: readonly GateCheck[]): number {
  let seconds = 10;
  for (const g of next.gateways) {
    const before = prev.gateways.find((x) => x.name === g.name);
    if (!before) seconds = Math.max(seconds, 2 * POD_START_SECONDS);
    else if (gatewayTemplateChanged(before, g) && g.replicas > 0) {
      const budget = resolveBudget(g.maxSurge, g.maxUnavailable, g.replicas);
      const step = Math.max(1, budget.maxSurge + budget.maxUnavailable);
      seconds = Math.max(seconds, Math.ceil(g.replicas / step) * POD_START_SECONDS + POD_START_SECONDS);
    } else if (before.replicas !== g.replicas) seconds = Math.max(seconds, 2 * POD_START_SECONDS);
  }
  for (const c of next.controllers) {
    const before = prev.controllers.find((x) => x.name === c.name);
    if (!before || controllerTemplateChanged(before, c) || before.replicas !== c.replicas) seconds += 2 * POD_START_SECONDS;
  }
  // A cutover waits for its soak after the endpoints settle.
  seconds += Math.max(0, ...checks.map((c) => (c.check === 'endpoints' ? c.soakSeconds : 0)));
  return seconds;
}

/** Seconds the preflight of gate 01 may take before it fails (within the gate's deadline). */
export const PREFLIGHT_SECONDS = 120;

/** The shortest deadline a gate gets when the spec sets none (the gates' former fixed default). */
export const MIN_GATE_TIMEOUT_SECONDS = 600;

/**
 * A gate's deadline derived from its phase's estimate: twice the estimate plus two minutes,
 * rounded up to a minute, and never below `MIN_GATE_TIMEOUT_SECONDS`. Pod starts vary (image
 * pulls, node scale-ups), so the estimate alone would fail healthy rollouts.
 */
export function derivedGateTimeout(estimatedSeconds: number): number {
  return Math.max(MIN_GATE_TIMEOUT_SECONDS, Math.ceil((2 * estimatedSeconds + 120) / 60) * 60);
}

/** Warnings for gates whose deadline (set in the spec) is shorter than the phase's estimate. */
export function gateTimeoutWarnings(spec: ResolvedSpec, phases: readonly Phase[]): string[] {
  const set = spec.hooks.gateTimeoutSeconds;
  if (set === undefined) return [];
  return phases
    .filter((p) => p.gate.checks.length > 0 && set < p.estimatedSeconds)
    .map(
      (p) =>
        `spec.hooks.timeoutSeconds (${set} s) is below the estimate of phase ${p.id} (about ${p.estimatedSeconds} s): its gate may fail a healthy rollout; raise it to at least ${derivedGateTimeout(p.estimatedSeconds)} s, or remove it to have each gate's deadline derived from its estimate`,
    );
}

/** The shape a controller sends once it detected its gateways' flavor, and where its gate reads it back. */
export function routeShapeOf(spec: ResolvedSpec): RouteShapeCheck | undefined {
  // Separate topology only; a DB-less gate can read the pods only when their admin API is reachable.
  if (!spec.controller || (spec.database === 'off' && !spec.gateway.adminReachable)) return undefined;
  const kic = spec.controller.version;
  const everyPod = spec.database === 'off';
  return {
    shapeOf: (c, f) => controllerRouteShape(kic, f, c.featureGates[EXPRESSION_ROUTES_GATE] === true),
    everyPod,
    // In Postgres other writers (decK, Kong Manager, a second controller) may own routes too.
    ...(everyPod ? {} : { filterTag: controllerFilterTag(spec) }),
  };
}

/**
 * The tag KIC puts on every entity it manages and filters the database by: the
 * `--kong-admin-filter-tag` flag (env `CONTROLLER_KONG_ADMIN_FILTER_TAG`), default
 * `managed-by-ingress-controller` (KIC `internal/cmd/rootcmd/config/cli.go`). Several tags
 * (a flag given more than once, or a comma list) are all on each entity: Kong's `tags=a,b`
 * reads entities that carry all of them.
 */
export function controllerFilterTag(spec: ResolvedSpec): string {
  const base = spec.base.controllerDeployment;
  const containers = ((base?.spec as { template?: { spec?: { containers?: unknown } } } | undefined)?.template?.spec?.containers ?? []) as {
    name?: string;
    env?: { name: string; value?: string }[];
    args?: unknown;
  }[];
  const container = Array.isArray(containers) ? containers.find((c) => c?.name === spec.controller?.container) : undefined;
  const value = container ? controllerSetting(container, 'CONTROLLER_KONG_ADMIN_FILTER_TAG') : undefined;
  return value && value.trim() ? value.trim() : DEFAULT_FILTER_TAG;
}

/** Builds the phases of a plan from the initial state and each phase's target state. */
export function buildPhases(spec: ResolvedSpec, initial: InstallationState, inputs: readonly PhaseInput[]): Phase[] {
  const phases: Phase[] = [];
  const before = [initial, ...inputs.map((x) => x.state)];
  const forward = inputs.map((input, i) => gateChecks(spec, before[i], input.state));
  const preflight = inputs.length > 0 ? preflightCheck(spec, initial, inputs[0].state, forward.flat()) : undefined;
  let prev = initial;
  inputs.forEach((input, i) => {
    const checks = i === 0 && preflight ? [preflight, ...forward[i]] : forward[i];
    const estimatedSeconds = estimateSeconds(prev, input.state, checks);
    const changes = diffStates(prev, input.state);
    const sidecarRoll = spec.topology === 'sidecar' && input.state.gateways.some((g) => {
      const before = prev.gateways.find((x) => x.name === g.name);
      return before !== undefined && gatewayTemplateChanged(before, g) && g.replicas > 0;
    });
    const restartsController =
      sidecarRoll ||
      input.state.controllers.some((c) => {
        const before = prev.controllers.find((x) => x.name === c.name);
        return c.replicas > 0 && (!before || controllerTemplateChanged(before, c) || before.replicas === 0);
      });
    phases.push({
      id: `${pad(i + 1)}-${input.slug}`,
      title: input.title,
      description: input.description,
      state: input.state,
      changes,
      restartsController,
      waitFor: checks.map((c) => describeCheck(c, spec)),
      gate: { checks, timeoutSeconds: spec.hooks.gateTimeoutSeconds ?? derivedGateTimeout(estimatedSeconds) },
      rollback: input.rollback,
      rollbackTo: prev,
      zeroDowntime: input.zeroDowntime ?? true,
      estimatedSeconds,
    });
    prev = input.state;
  });
  return phases;
}
