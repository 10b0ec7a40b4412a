/**
 * The resolved migration spec: every field known, defaults applied, versions parsed, the
 * rules across fields checked. The planner, the verifier and the renderers read only this.
 */
import { Flavor } from '../model/flavor';
import { Version } from '../model/version';
import { IntOrPercent, RolloutBudget } from './intOrPercent';

/** A Kubernetes object as plain JSON (what `kubectl get -o json` or a YAML manifest holds). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export type Strategy = 'auto' | 'rolling' | 'blue-green' | 'maintenance';
export type Topology = 'separate' | 'sidecar';
export type Database = 'off' | 'postgres';

/** The KIC container inside the gateway pod (sidecar topology). */
export interface ResolvedSidecar {
  readonly container: string;
  readonly image: string;
  readonly version: Version;
  /** `CONTROLLER_FEATURE_GATES` as the pod has it today, parsed. */
  readonly featureGates: Readonly<Record<string, boolean>>;
}

export interface ResolvedGateway {
  readonly deployment: string;
  readonly container: string;
  readonly image: string;
  readonly version: Version;
  readonly replicas: number;
  readonly maxSurge: IntOrPercent;
  readonly maxUnavailable: IntOrPercent;
  /** `maxSurge` / `maxUnavailable` resolved for `replicas` as Kubernetes does. */
  readonly budget: RolloutBudget;
  readonly adminService: string;
  readonly proxyService: string;
  /** Admin API port and scheme the gate reads `GET /` from. */
  readonly adminPort: number;
  readonly adminScheme: 'http' | 'https';
  /**
   * Whether the admin API listens beyond localhost, so the gate can reach it through the
   * API server's pod proxy (sidecar installs usually bind it to 127.0.0.1).
   */
  readonly adminReachable: boolean;
  /** The Deployment's `spec.selector.matchLabels` (also on its pods). */
  readonly selector: Readonly<Record<string, string>>;
  /** Name of the parallel Deployment in blue-green plans. */
  readonly greenDeployment: string;
  /** Sidecar topology: the controller container in the gateway pod. */
  readonly sidecar?: ResolvedSidecar;
}

export interface ResolvedController {
  readonly deployment: string;
  readonly container: string;
  readonly image: string;
  readonly version: Version;
  readonly replicas: number;
  /** `CONTROLLER_ELECTION_ID`: the leader-election lease name. */
  readonly electionId: string;
  /** `CONTROLLER_FEATURE_GATES` as the controller has it today, parsed. */
  readonly featureGates: Readonly<Record<string, boolean>>;
  readonly webhookService: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly greenDeployment: string;
  /** The controller syncs its configuration to a Konnect control plane (`CONTROLLER_KONNECT_SYNC_ENABLED=true`). */
  readonly konnectSync: boolean;
}

export interface ResolvedArgoCd {
  readonly mode: 'waves' | 'app-per-phase';
  readonly repoURL: string;
  /** Repository folder holding `dist/<name>`; default `dist/<name>`. */
  readonly path: string;
  readonly targetRevision: string;
  readonly project: string;
  /** The Argo CD cluster (name or API server URL); absent: the cluster Argo CD runs in. */
  readonly cluster?: string;
}

/** Where the base objects came from. */
export type SourceKind = 'manifests' | 'helm' | 'modelled';

/** The user's objects the plan changes, as they stand before the migration. */
export interface BaseObjects {
  readonly origin: SourceKind;
  readonly gatewayDeployment: KubeObject;
  readonly controllerDeployment?: KubeObject;
  readonly adminService?: KubeObject;
  /** Absent when the user's manifests do not include it (the plan then only moves it in blue-green, which requires it). */
  readonly proxyService?: KubeObject;
  readonly webhookService?: KubeObject;
  /** The user's other Services that select the gateway pods (they move with the proxy Service). */
  readonly trafficServices?: readonly KubeObject[];
  /** Every object of the user's manifests (Kustomize base); the objects above when modelled. */
  readonly all: readonly KubeObject[];
}

/** One Helm release of a Kong chart. */
export interface HelmRelease {
  readonly chart: 'kong' | 'ingress';
  readonly release: string;
  /** The release's namespace (`helm -n`); the plan's namespace when the spec gives none. */
  readonly namespace: string;
  /** What its Deployments run: `both` for kong/ingress, and for kong/kong with the controller as a sidecar. */
  readonly runs: 'gateway' | 'controller' | 'both';
  /** Paths of the user's values files, relative to the spec. */
  readonly values?: readonly string[];
  /** The chart version the release runs (`spec.source.helm.version`), pinned in every helm command. */
  readonly version?: string;
  /**
   * The release's own `extraObjects` (`controller.extraObjects` for kong/ingress): a phase
   * that adds its gate there repeats them, since Helm replaces lists rather than merging.
   */
  readonly extraObjects?: readonly unknown[];
  /**
   * The values the phase files replace whole (lists and strings: `extraObjects`,
   * `ingressController.env.feature_gates`), by dotted key, as the spec's values files give them
   * (`null`: unset). The runbook checks the release runs the same before phase 01.
   */
  readonly replaced?: Readonly<Record<string, unknown>>;
  /** The release's chart renders no `extraObjects` (kong/kong before 2.12.0): gates go by kubectl. */
  readonly noExtraObjects?: boolean;
}

/** What a release's values say about one of its Deployments that the phases' values must work with. */
export interface ChartDeploymentSettings {
  /** `updateStrategy.type: Recreate`: every phase's values set RollingUpdate (maxUnavailable 0). */
  readonly recreate?: boolean;
  /** `autoscaling.enabled`: a phase that scales the Deployment turns the HPA off for it. */
  readonly autoscaling?: boolean;
  /** `podDisruptionBudget.enabled`: the chart refuses to render with replicaCount <= 1 unless turned off. */
  readonly podDisruptionBudget?: boolean;
}

/** The release that runs the gateways, and with gateway discovery as two releases, the controller's. */
export interface HelmSource extends HelmRelease {
  /** Gateway discovery as two kong/kong releases: the release that runs the controller. */
  readonly controllerRelease?: HelmRelease;
  /** The gateway Deployment's chart settings. */
  readonly gatewaySettings?: ChartDeploymentSettings;
  /** The controller Deployment's chart settings (not for a sidecar). */
  readonly controllerSettings?: ChartDeploymentSettings;
}

export interface ResolvedSpec {
  readonly name: string;
  readonly from: Flavor;
  readonly to: Flavor;
  readonly strategy: Strategy;
  readonly allowDowntime: boolean;
  readonly namespace: string;
  readonly topology: Topology;
  readonly database: Database;
  readonly gateway: ResolvedGateway;
  /** Absent in sidecar topology. */
  readonly controller?: ResolvedController;
  readonly hooks: {
    readonly image: string;
    /** Deadline of hook Jobs other than gates (and of gates when the spec sets one). */
    readonly timeoutSeconds: number;
    /** `spec.hooks.timeoutSeconds` as the spec sets it: every gate's deadline; absent, each gate's is derived. */
    readonly gateTimeoutSeconds?: number;
    /** UID/GID of the hook Jobs; `null`: none set (the platform assigns one), `runAsNonRoot` stays. */
    readonly runAsUser: number | null;
    /** Seconds a cutover gate keeps seeing the right endpoints before the next phase. */
    readonly cutoverSoakSeconds: number;
  };
  readonly output: { readonly argocd: ResolvedArgoCd };
  readonly helm?: HelmSource;
  readonly base: BaseObjects;
  /** Facts read from the source rather than written in the spec, for the plan's reasons. */
  readonly inferred: readonly string[];
  /** Things the user should know about the input (e.g. literal secrets copied through). */
  readonly warnings: readonly string[];
  /** The route report's input (src/routes): routing objects read and which findings refuse a plan. */
  readonly routes: ResolvedRoutes;
}

export interface ResolvedRoutes {
  /** Every object of `source.manifests` and `source.routes` (the report picks the routing ones). */
  readonly objects: readonly KubeObject[];
  /** `spec.routes.failOn` (default `rejected`). */
  readonly failOn: 'rejected' | 'changed' | 'never';
  /** Whether `spec.source.routes` was given (the report is then always shown). */
  readonly given: boolean;
}
