/**
 * A migration plan: the installation's desired state after each phase, and what a person
 * (and a gate) must see before going on. The planner produces it, the verifier judges it,
 * the constructs render it. Everything here is plain data (it is `plan.json`).
 */
import { FeatureGates } from '../model/featureGates';
import { Flavor, RouteShape } from '../model/flavor';
import { IntOrPercent } from '../spec/intOrPercent';
import type { RouteReport } from '../routes/types';
import type { LifecycleStep } from './lifecycle';

export type Labels = Readonly<Record<string, string>>;

/** `blue` is what the user runs today; `green` is the parallel stack of a blue-green plan. */
export type Stack = 'blue' | 'green';

/** A gateway Deployment as it should stand. */
export interface GatewayState {
  readonly name: string;
  readonly stack: Stack;
  /** `KONG_ROUTER_FLAVOR` of its pods. */
  readonly flavor: Flavor;
  readonly replicas: number;
  /** The rolling-update strategy the Deployment carries at this point. */
  readonly maxSurge: IntOrPercent;
  readonly maxUnavailable: IntOrPercent;
  /** `spec.selector.matchLabels`, also on its pods. */
  readonly selector: Labels;
  /** Sidecar topology: `CONTROLLER_FEATURE_GATES` of the controller container in the pod. */
  readonly sidecarFeatureGates?: FeatureGates;
}

/** A controller Deployment (separate topology) as it should stand. */
export interface ControllerState {
  readonly name: string;
  readonly stack: Stack;
  readonly replicas: number;
  /**
   * Value of the pod-template annotation `RESTART_ANNOTATION`: names the flavor the
   * controller must detect. A new value restarts the controller; the same value does not.
   */
  readonly restartFor?: string;
  readonly featureGates: FeatureGates;
  /** `CONTROLLER_ELECTION_ID`: controllers sharing it share one leader. */
  readonly electionId: string;
  /** `CONTROLLER_KONG_ADMIN_SVC` name (same namespace): the gateways it discovers. */
  readonly adminService: string;
  /** `CONTROLLER_UPDATE_STATUS`: whether it writes Ingress/Gateway status. */
  readonly updateStatus: boolean;
  /** `CONTROLLER_KONNECT_SYNC_ENABLED`, for a controller that syncs to Konnect (absent otherwise). */
  readonly konnectSync?: boolean;
  readonly selector: Labels;
}

/**
 * proxy: the Service KIC publishes; admin: gateway discovery; webhook: the admission webhook;
 * traffic: any other Service of the user's that selects the gateway pods (an internal load
 * balancer, UDP, status): it moves with the proxy Service at cutover.
 */
export type ServiceRole = 'proxy' | 'admin' | 'webhook' | 'traffic';

/** A Service whose selector the plan sets. */
export interface ServiceState {
  readonly name: string;
  readonly role: ServiceRole;
  readonly stack: Stack;
  readonly selector: Labels;
}

/** The desired state of everything the plan touches. Objects absent here do not exist. */
export interface InstallationState {
  readonly gateways: readonly GatewayState[];
  readonly controllers: readonly ControllerState[];
  readonly services: readonly ServiceState[];
}

/** A change a phase makes to one object, for people. */
export interface Change {
  readonly kind: 'Deployment' | 'Service';
  readonly name: string;
  readonly change: string;
}

/** What a phase's gate Job checks before the next phase may start. */
export type GateCheck =
  /** Preflight (first step of gate 01): the API server reaches one gateway's admin API through the pod proxy. */
  | { readonly check: 'admin-reachable'; readonly deployment: string; readonly selector: Labels }
  | { readonly check: 'rollout'; readonly deployment: string }
  | { readonly check: 'flavor'; readonly deployment: string; readonly selector: Labels; readonly flavor: Flavor; readonly replicas: number }
  | { readonly check: 'scaled-down'; readonly deployment: string; readonly selector: Labels }
  /** The Service's ready endpoints are exactly the Ready pods of `selector`, for `soakSeconds` in a row. */
  | { readonly check: 'endpoints'; readonly service: string; readonly selector: Labels; readonly soakSeconds: number }
  | { readonly check: 'removed'; readonly kind: 'Deployment' | 'Service'; readonly name: string }
  /** Postgres: the stored routes, read through one pod. DB-less (`everyPod`): each pod's own configuration. */
  | {
      readonly check: 'routes';
      readonly deployment: string;
      readonly selector: Labels;
      readonly shape: RouteShape;
      readonly everyPod?: boolean;
      /** Postgres: only the routes the controller manages (its `--kong-admin-filter-tag`) are read. */
      readonly filterTag?: string;
    };

export interface Gate {
  readonly checks: readonly GateCheck[];
  /**
   * Seconds before the gate fails: `spec.hooks.timeoutSeconds` when set, else derived from the
   * phase's estimate with margin. The Job's `activeDeadlineSeconds`, the RUNBOOK's waits, `helm
   * --timeout` and `argocd app sync --timeout` follow from it.
   */
  readonly timeoutSeconds: number;
}

/** The verifier's verdict on something: safe, or why not. */
export interface Verdict {
  readonly safe: boolean;
  readonly statesExplored: number;
  readonly violations: readonly Violation[];
  /** Transient problems that heal (e.g. an old pod rejecting a config it will not need). */
  readonly warnings: readonly Violation[];
}

export type Invariant = 'capacity' | 'acceptance' | 'progress' | 'convergence';

export interface Violation {
  readonly invariant: Invariant;
  readonly message: string;
  /** Steps from the start of the checked run to the violation, one line each. */
  readonly trace: readonly string[];
}

export interface Phase {
  /** `NN-<slug>`, also the folder name under `phases/`. */
  readonly id: string;
  readonly title: string;
  /** Why this phase exists and what to watch. */
  readonly description: string;
  /** The desired state once the phase is applied. */
  readonly state: InstallationState;
  readonly changes: readonly Change[];
  readonly restartsController: boolean;
  /** What must hold before the next phase, for people (the gate checks it). */
  readonly waitFor: readonly string[];
  readonly gate: Gate;
  /** How to roll this phase back, for people (DESIGN.md: a string). */
  readonly rollback: string;
  /** The state rolling back returns to (the state before this phase). */
  readonly rollbackTo: InstallationState;
  /** Whether rolling back from this phase keeps serving, as the verifier found. */
  readonly rollbackZeroDowntime?: boolean;
  /** The verifier's verdict on rolling back from any point of this phase. */
  readonly rollbackVerdict?: Verdict;
  /** Whether traffic is served throughout this phase. */
  readonly zeroDowntime: boolean;
  /** A rough duration, for the runbook (seconds). */
  readonly estimatedSeconds: number;
}

export type PlanStrategy = 'none' | 'rolling' | 'blue-green' | 'maintenance';

export interface RuledOut {
  readonly strategy: Exclude<PlanStrategy, 'none'>;
  readonly reason: string;
}

export interface Plan {
  readonly name: string;
  readonly namespace: string;
  readonly from: Flavor;
  readonly to: Flavor;
  readonly strategy: PlanStrategy;
  readonly zeroDowntime: boolean;
  readonly reasons: readonly string[];
  readonly ruledOut: readonly RuledOut[];
  readonly initial: InstallationState;
  readonly phases: readonly Phase[];
  readonly warnings: readonly string[];
  /** Extra pods a blue-green plan runs, and between which phases. */
  readonly extraCapacity?: { readonly pods: number; readonly fromPhase: string; readonly untilPhase: string };
  /** Maintenance plans: the longest the gateways may be down (sum of the gate timeouts). */
  readonly downtimeWindowSeconds?: number;
  /** First phase from which rolling back no longer keeps serving, if any. */
  readonly rollbackNotZeroDowntimeFrom?: string;
  /** Before the first phase: pause other deployers, preflight checks, save the objects (empty when nothing changes). */
  readonly before: readonly LifecycleStep[];
  /** After the last phase: write the final state to the source of truth, re-enable owners, clean up. */
  readonly after: readonly LifecycleStep[];
  /** The verifier's verdict on the whole plan (set by `verifyPlan`). */
  readonly verification?: Verdict;
  /** The route-semantics report (`kong-flavor routes --json`), when the spec has routing objects. */
  readonly routes?: RouteReport;
}

/** The planner's answer: a plan, or why no plan without downtime exists (exit 3). */
export type PlanResult =
  | { readonly kind: 'plan'; readonly plan: Plan }
  | {
      readonly kind: 'refused';
      readonly name: string;
      readonly from: Flavor;
      readonly to: Flavor;
      /** The strategy the rules point at, when it exists but cannot be produced. */
      readonly strategy?: Exclude<PlanStrategy, 'none'>;
      readonly reasons: readonly string[];
      readonly ruledOut: readonly RuledOut[];
    };
