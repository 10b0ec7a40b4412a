/**
 * One phase of a plan, built from the states before and after it: what changes, what the
 * gate checks, and what rolling back means. Strategies only say which states follow which.
 */
import { resolveBudget } from '../spec/intOrPercent';
import { ResolvedSpec } from '../spec/types';
import { controllerTemplateChanged, diffStates, gatewayTemplateChanged } from './state';
import { EXPRESSION_ROUTES_GATE } from '../model/featureGates';
import { Flavor, RouteShape } from '../model/flavor';
import { controllerRouteShape } from '../model/rules';
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
}

/**
 * The checks a gate must pass after going from `prev` to `next`. With `routes`, a gate after
 * a controller (re)start also waits until the routes its gateways serve have the shape the
 * controller sends: stored in Postgres, or each DB-less pod's own configuration.
 */
export function gateChecks(prev: InstallationState, next: InstallationState, routes?: RouteShapeCheck): GateCheck[] {
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
          checks.push({ check: 'routes', deployment: g.name, selector: g.selector, shape: routes.shapeOf(c, g.flavor), ...(routes.everyPod ? { everyPod: true } : {}) });
        }
      }
    } else {
      checks.push({ check: 'scaled-down', deployment: c.name, selector: c.selector });
    }
  }
  for (const s of next.services) {
    const before = prev.services.find((x) => x.name === s.name);
    const moved = before && JSON.stringify(before.selector) !== JSON.stringify(s.selector);
    if (moved && s.role !== 'admin') checks.push({ check: 'endpoints', service: s.name, selector: s.selector });
  }
  for (const g of prev.gateways) if (!next.gateways.some((x) => x.name === g.name)) checks.push({ check: 'removed', kind: 'Deployment', name: g.name });
  for (const c of prev.controllers) if (!next.controllers.some((x) => x.name === c.name)) checks.push({ check: 'removed', kind: 'Deployment', name: c.name });
  for (const s of prev.services) if (!next.services.some((x) => x.name === s.name)) checks.push({ check: 'removed', kind: 'Service', name: s.name });
  return checks;
}

/** What a gate check means, for people. */
export function describeCheck(check: GateCheck, namespace: string): string {
  switch (check.check) {
    case 'rollout':
      return `kubectl -n ${namespace} rollout status deployment/${check.deployment} completes`;
    case 'flavor':
      return `every ${check.deployment} pod answers GET / on the admin API with router_flavor "${check.flavor}" and holds a configuration`;
    case 'scaled-down':
      return `no ${check.deployment} pods are left`;
    case 'endpoints':
      return `Service ${check.service} has only Ready endpoints of pods ${Object.entries(check.selector).map(([k, v]) => `${k}=${v}`).join(',')}`;
    case 'removed':
      return `${check.kind} ${check.name} is gone`;
    case 'routes':
      return check.everyPod
        ? `every ${check.deployment} pod serves only ${check.shape} routes (GET /routes on each pod's admin API)`
        : `the routes stored in Postgres (GET /routes on a ${check.deployment} pod) are all ${check.shape} routes`;
  }
}

function estimateSeconds(prev: InstallationState, next: InstallationState): number {
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
  return seconds;
}

/** The shape a controller sends once it detected its gateways' flavor, and where its gate reads it back. */
export function routeShapeOf(spec: ResolvedSpec): RouteShapeCheck | undefined {
  // Separate topology only; a DB-less gate can read the pods only when their admin API is reachable.
  if (!spec.controller || (spec.database === 'off' && !spec.gateway.adminReachable)) return undefined;
  const kic = spec.controller.version;
  return { shapeOf: (c, f) => controllerRouteShape(kic, f, c.featureGates[EXPRESSION_ROUTES_GATE] === true), everyPod: spec.database === 'off' };
}

/** Builds the phases of a plan from the initial state and each phase's target state. */
export function buildPhases(spec: ResolvedSpec, initial: InstallationState, inputs: readonly PhaseInput[]): Phase[] {
  const phases: Phase[] = [];
  let prev = initial;
  inputs.forEach((input, i) => {
    const checks = gateChecks(prev, input.state, routeShapeOf(spec));
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
      waitFor: checks.map((c) => describeCheck(c, spec.namespace)),
      gate: { checks, timeoutSeconds: spec.hooks.timeoutSeconds },
      rollback: input.rollback,
      rollbackTo: prev,
      zeroDowntime: input.zeroDowntime ?? true,
      estimatedSeconds: estimateSeconds(prev, input.state),
    });
    prev = input.state;
  });
  return phases;
}
