/**
 * The cluster model the verifier explores, compiled from a plan: every gateway and controller
 * Deployment with the pod templates it has across the phases, the pod classes (template x
 * configuration) the counting abstraction counts, and what each phase wants. Pure data.
 */
import { EXPRESSION_ROUTES_GATE, FeatureGates, formatFeatureGates } from '../model/featureGates';
import { Flavor, RouteShape } from '../model/flavor';
import { controllerRouteShape, controllerUsesLeaderElection, dbLessReadinessNeedsConfig, gatewayAccepts } from '../model/rules';
import { Version } from '../model/version';
import { resolveBudget } from '../spec/intOrPercent';
import { RefusedConfiguration, specRefusedConfigurations } from '../routes';
import { ResolvedSpec } from '../spec/types';
import { InstallationState, Labels } from '../plan/types';

/**
 * Controller replicas the model runs (at most): a leader and one candidate. Only the leader
 * pushes configuration (DOMAIN.md §3), so what more replicas add is more candidates of the
 * same classes; checked over 324 combinations of flavors, Kong 3.4-3.9, KIC 2.12-3.4, databases
 * and budgets, 1 to 5 controller replicas gave the same verdicts and violations. Holding the
 * model at 2 keeps a stale candidate (the lease can move to a pod that detected an older
 * flavor) and makes 100 replicas cost what 2 do.
 */
export const MODELLED_CONTROLLER_REPLICAS = 2;

/** What a DB-less gateway holds: nothing yet, or the shape of the last config it accepted. */
export const CONFIGS = ['none', 'fields', 'expressions'] as const;
export type ConfigIdx = 0 | 1 | 2;
export const shapeIdx = (s: RouteShape): ConfigIdx => (s === 'fields' ? 1 : 2);

/** A phase of the checked run: the desired state and whether traffic must be served throughout. */
export interface CheckedPhase {
  readonly id: string;
  readonly state: InstallationState;
  readonly zeroDowntime: boolean;
  /** Whether the next phase waits for this one's gate. */
  readonly gated: boolean;
}

/** A move from one phase to another: the next phase of the plan, or a rollback. */
export interface PhaseEdge {
  readonly to: number;
  /** Whether the move waits for the current phase's gate. */
  readonly gated: boolean;
}

/** What counts as done in a phase: `final` (the end of a migration), `settled` (a consistent state), `none`. */
export type GoalKind = 'final' | 'settled' | 'none';

export interface GatewayTemplate {
  readonly dep: number;
  readonly flavor: Flavor;
  readonly labels: Labels;
  /** Sidecar: the shape this pod's own controller emits (it detects its own gateway). */
  readonly ownShape?: RouteShape;
}

export interface ControllerTemplate {
  readonly dep: number;
  readonly gates: FeatureGates;
  readonly electionId: string;
  readonly adminService: string;
}

export interface DeploymentDesire {
  readonly exists: boolean;
  readonly template: number;
  readonly replicas: number;
  readonly maxSurge: number;
  readonly maxUnavailable: number;
}

/** Everything the checker needs, as plain data (so equal models are equal as JSON). */
export interface Model {
  /** The flavor every gateway and controller runs before the plan. */
  readonly from: Flavor;
  /** The gateway Deployment's replicas and maxUnavailable (for the capacity message). */
  readonly replicas: number;
  readonly maxUnavailable: number;
  readonly kong: Version;
  readonly kic: Version;
  /**
   * DB-less: configurations the gateways refuse because of a route's content (the route report,
   * src/routes): a flavor that accepts the shape still answers 400 to the whole configuration.
   * Empty with Postgres, where the admin API refuses only those routes and serves the others.
   */
  readonly refused: readonly RefusedConfiguration[];
  readonly sidecar: boolean;
  readonly postgres: boolean;
  readonly leaderElection: boolean;
  readonly readyNeedsConfig: boolean;
  /** DB-less, separate, admin API reachable: a restart's gate reads every gateway pod's routes. */
  readonly podRoutesGate: boolean;
  /** Phases: index 0 is the initial state (already converged), 1..n the plan's phases. */
  readonly phases: readonly CheckedPhase[];
  readonly gatewayNames: readonly string[];
  readonly controllerNames: readonly string[];
  readonly gwTemplates: readonly GatewayTemplate[];
  readonly ctlTemplates: readonly ControllerTemplate[];
  /** desire[phase][deployment]: gateways first, then controllers (offset gatewayNames.length). */
  readonly gwDesire: readonly (readonly DeploymentDesire[])[];
  readonly ctlDesire: readonly (readonly DeploymentDesire[])[];
  /** discovers[phase][controller template]: the gateway templates its admin Service selects. */
  readonly discovers: readonly (readonly (readonly number[])[])[];
  /** proxySelects[phase][gateway template]: whether the proxy Service routes to its pods. */
  readonly proxySelects: readonly (readonly boolean[])[];
  /** Election groups (distinct election IDs). */
  readonly elections: readonly string[];
  /** Ready gateways behind the proxy Service must not drop below this (zero-downtime phases). */
  readonly minServing: number;
  /** edges[phase]: the phases a run may move to from there. */
  readonly edges: readonly (readonly PhaseEdge[])[];
  /** goals[phase]: what counts as done there. */
  readonly goals: readonly GoalKind[];
}

const key = (x: unknown) => JSON.stringify(x);

const matches = (selector: Labels, labels: Labels) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Whether gateways of `flavor` accept the configuration of `shape` on this model's Kong (its routes included). */
export function accepts(m: Model, flavor: Flavor, shape: RouteShape): boolean {
  return gatewayAccepts(flavor, m.kong, shape) && !m.refused.some((r) => r.flavor === flavor && r.shape === shape);
}

/** Why gateways of `flavor` refuse `shape` beyond the shape itself (` because route ...`), for traces; empty otherwise. */
export function refusalReason(m: Model, flavor: Flavor, shape: RouteShape): string {
  const r = m.refused.find((x) => x.flavor === flavor && x.shape === shape);
  return r ? ` because of ${r.reason}` : '';
}

/** The shape a controller of template `t` emits after detecting `flavor`. */
export function emits(m: Model, t: ControllerTemplate | FeatureGates, flavor: Flavor): RouteShape {
  const gates = 'dep' in t ? (t as ControllerTemplate).gates : (t as FeatureGates);
  return controllerRouteShape(m.kic, flavor, gates[EXPRESSION_ROUTES_GATE] === true);
}

/**
 * Compiles the model of `spec` running `phases` from `initial`: a straight line, each phase
 * gated as it says, the last one the `goal`. `graph` replaces the line (rollback branches).
 */
export function compileModel(
  spec: ResolvedSpec,
  initial: InstallationState,
  checked: readonly CheckedPhase[],
  goal: GoalKind = 'final',
  graph?: { edges: PhaseEdge[][]; goals: GoalKind[] },
): Model {
  const kic = spec.controller?.version ?? spec.gateway.sidecar!.version;
  const phases: CheckedPhase[] = [{ id: 'initial', state: initial, zeroDowntime: true, gated: true }, ...checked];
  const gatewayNames: string[] = [];
  const controllerNames: string[] = [];
  for (const p of phases) {
    for (const g of p.state.gateways) if (!gatewayNames.includes(g.name)) gatewayNames.push(g.name);
    for (const c of p.state.controllers) if (!controllerNames.includes(c.name)) controllerNames.push(c.name);
  }
  const gwTemplates: GatewayTemplate[] = [];
  const gwKeys: string[] = [];
  const ctlTemplates: ControllerTemplate[] = [];
  const ctlKeys: string[] = [];
  const gwDesire: DeploymentDesire[][] = [];
  const ctlDesire: DeploymentDesire[][] = [];
  for (const p of phases) {
    gwDesire.push(
      gatewayNames.map((name, dep) => {
        const g = p.state.gateways.find((x) => x.name === name);
        if (!g) return { exists: false, template: -1, replicas: 0, maxSurge: 0, maxUnavailable: 0 };
        const gates = g.sidecarFeatureGates ?? {};
        const t: GatewayTemplate = {
          dep,
          flavor: g.flavor,
          labels: g.selector,
          ...(spec.topology === 'sidecar' ? { ownShape: controllerRouteShape(kic, g.flavor, gates[EXPRESSION_ROUTES_GATE] === true) } : {}),
        };
        const k = key([dep, g.flavor, g.selector, formatFeatureGates(gates)]);
        let idx = gwKeys.indexOf(k);
        if (idx < 0) {
          idx = gwTemplates.length;
          gwKeys.push(k);
          gwTemplates.push(t);
        }
        const budget = resolveBudget(g.maxSurge, g.maxUnavailable, g.replicas);
        return { exists: true, template: idx, replicas: g.replicas, ...budget };
      }),
    );
    ctlDesire.push(
      controllerNames.map((name, dep) => {
        const c = p.state.controllers.find((x) => x.name === name);
        if (!c) return { exists: false, template: -1, replicas: 0, maxSurge: 0, maxUnavailable: 0 };
        // The pod template: a new restart annotation is a new template even when nothing else changed.
        const k = key([dep, c.restartFor ?? '', formatFeatureGates(c.featureGates), c.electionId, c.adminService, c.updateStatus, c.konnectSync ?? '']);
        let idx = ctlKeys.indexOf(k);
        if (idx < 0) {
          idx = ctlTemplates.length;
          ctlKeys.push(k);
          ctlTemplates.push({ dep, gates: c.featureGates, electionId: c.electionId, adminService: c.adminService });
        }
        // KIC's Deployments use Kubernetes' default strategy (25% / 25%).
        const replicas = Math.min(c.replicas, MODELLED_CONTROLLER_REPLICAS);
        const budget = resolveBudget('25%', '25%', replicas);
        return { exists: true, template: idx, replicas, ...budget };
      }),
    );
  }
  const discovers = phases.map((p) =>
    ctlTemplates.map((t) => {
      const svc = p.state.services.find((s) => s.name === t.adminService);
      return svc ? gwTemplates.map((g, i) => (matches(svc.selector, g.labels) ? i : -1)).filter((i) => i >= 0) : [];
    }),
  );
  const proxySelects = phases.map((p) => {
    const proxy = p.state.services.find((s) => s.role === 'proxy');
    return gwTemplates.map((g) => (proxy ? matches(proxy.selector, g.labels) : false));
  });
  const elections = [...new Set(ctlTemplates.map((t) => t.electionId))];
  return {
    from: spec.from,
    replicas: spec.gateway.replicas,
    maxUnavailable: spec.gateway.budget.maxUnavailable,
    kong: spec.gateway.version,
    kic,
    refused: spec.database === 'off' ? specRefusedConfigurations(spec) : [],
    sidecar: spec.topology === 'sidecar',
    postgres: spec.database === 'postgres',
    leaderElection: controllerUsesLeaderElection(spec.topology, spec.database),
    readyNeedsConfig: spec.database === 'off' && dbLessReadinessNeedsConfig(spec.gateway.version),
    podRoutesGate: spec.database === 'off' && spec.topology === 'separate' && spec.gateway.adminReachable,
    phases,
    gatewayNames,
    controllerNames,
    gwTemplates,
    ctlTemplates,
    gwDesire,
    ctlDesire,
    discovers,
    proxySelects,
    elections,
    minServing: spec.gateway.replicas - spec.gateway.budget.maxUnavailable,
    edges: graph?.edges ?? phases.map((p, i) => (i < phases.length - 1 ? [{ to: i + 1, gated: p.gated }] : [])),
    goals: graph?.goals ?? phases.map((_, i) => (i === phases.length - 1 ? goal : 'none')),
  };
}
