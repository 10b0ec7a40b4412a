/**
 * From a spec as written (and the facts a source told) to a `ResolvedSpec`: explicit fields
 * win over inferred ones, `DEFAULTS` fill the rest, versions are parsed, and the rules that
 * span several fields are checked. Every failure is an `InputError` naming the field.
 */
import { Flavor } from '../model/flavor';
import { EXPRESSION_ROUTES_GATE, parseFeatureGates } from '../model/featureGates';
import { DEFAULT_ELECTION_ID, MIN_KONG_FOR_KIC3, controllerRouteShape, gatewayAccepts, kicSupportsKong, supportsRouterFlavor } from '../model/rules';
import { KONG_IMAGE_NAMES, Version, formatVersion, imageName, imageTag, parseVersion } from '../model/version';
import { DEFAULTS } from './defaults';
import { InputError, InputProblem } from './errors';
import { IntOrPercent, resolveBudget } from './intOrPercent';
import { PodTemplateFacts, modelledObjects } from './modelled';
import { bothZero } from './source/validate';
import { MigrationSpecInput } from './schema';
import {
  BaseObjects,
  Database,
  HelmSource,
  KubeObject,
  ResolvedController,
  ResolvedGateway,
  ResolvedSidecar,
  ResolvedSpec,
  Topology,
} from './types';

/** What a source (manifests or chart values) told about the installation. */
export interface SourceFacts {
  readonly from?: Flavor;
  readonly namespace?: string;
  readonly topology?: Topology;
  readonly database?: Database;
  readonly gateway?: {
    readonly deployment?: string;
    readonly container?: string;
    readonly image?: string;
    readonly version?: string;
    readonly replicas?: number;
    readonly maxSurge?: IntOrPercent;
    readonly maxUnavailable?: IntOrPercent;
    readonly adminService?: string;
    readonly proxyService?: string;
    readonly adminPort?: number;
    readonly adminScheme?: 'http' | 'https';
    readonly adminReachable?: boolean;
    readonly selector?: Record<string, string>;
    readonly sidecar?: { container?: string; image?: string; version?: string; featureGates?: string; imageOrigin?: string };
    /** Where the image (and so the version) was read, for messages: "image.tag in values.yaml (Deployment kong-gateway)". */
    readonly imageOrigin?: string;
  };
  readonly controller?: {
    readonly deployment?: string;
    readonly container?: string;
    readonly image?: string;
    readonly version?: string;
    readonly replicas?: number;
    readonly electionId?: string;
    readonly featureGates?: string;
    readonly webhookService?: string;
    readonly selector?: Record<string, string>;
    readonly imageOrigin?: string;
    /** The controller syncs its configuration to Konnect (`CONTROLLER_KONNECT_SYNC_ENABLED`). */
    readonly konnectSync?: boolean;
  };
  /** Chart sources: the pod-template fields the chart computes, for the modelled Deployments. */
  readonly podTemplates?: { readonly gateway?: PodTemplateFacts; readonly controller?: PodTemplateFacts };
  /** The user's objects, when the source has them (manifests; chart values are modelled). */
  readonly base?: BaseObjects;
  /** Where modelled objects stand in for the user's (chart values). @default 'modelled' */
  readonly baseOrigin?: BaseObjects['origin'];
  readonly helm?: HelmSource;
  readonly warnings?: readonly string[];
  /** Objects of `spec.source.routes`, for the route report. */
  readonly routeObjects?: readonly KubeObject[];
}

function versionOf(
  problems: InputProblem[],
  path: string,
  product: keyof typeof KONG_IMAGE_NAMES,
  image: string | undefined,
  version: string | undefined,
  origin?: string,
): Version | undefined {
  // A value the user did not write says where it was read, so the fix is findable.
  const from = origin ? ` (read from ${origin})` : '';
  if (version !== undefined) {
    const v = parseVersion(version);
    if (!v) problems.push({ path: `${path}.version`, message: `"${version}"${from} is not a version; write it as "3.9.1" (Kong Enterprise: "3.10.0.2")` });
    return v;
  }
  if (image === undefined) {
    problems.push({ path: `${path}.image`, message: `required (or give version), unless spec.source tells it${from}` });
    return undefined;
  }
  const tag = imageTag(image);
  const v = tag === undefined ? undefined : parseVersion(tag);
  const names: readonly string[] = KONG_IMAGE_NAMES[product];
  if (v && !names.includes(imageName(image))) {
    problems.push({
      path: `${path}.version`,
      message: `image "${image}"${from} is not one of ${product === 'gateway' ? "Kong's" : "KIC's"} own images (${names.join(', ')}): its tag "${tag}" is that image's release, not necessarily the ${product === 'gateway' ? 'Kong Gateway' : 'KIC'} version it runs; add ${path}.version (the version it is built on, e.g. "${product === 'gateway' ? '3.9.1' : '3.4.3'}")`,
    });
    return undefined;
  }
  if (!v) {
    const what = tag === undefined ? 'has no tag' : `has tag "${tag}", which is not a version`;
    problems.push({ path: `${path}.version`, message: `image "${image}"${from} ${what}; add ${path}.version (e.g. "3.9.1")` });
  }
  return v;
}

/** Where a fact came from when the spec did not give it: the source's note, else nothing. */
const originOf = (explicit: { image?: string; version?: string } | undefined, origin: string | undefined) =>
  explicit?.image !== undefined || explicit?.version !== undefined ? undefined : origin;

/**
 * Resolves a validated spec against the facts of its source. Throws `InputError` listing
 * every problem found.
 */
export function resolveSpec(input: MigrationSpecInput, facts: SourceFacts = {}): ResolvedSpec {
  const s = input.spec;
  const problems: InputProblem[] = [];
  const inferred: string[] = [];
  const pick = <T>(path: string, explicit: T | undefined, fromSource: T | undefined, fallback?: T): T | undefined => {
    if (explicit !== undefined) return explicit;
    if (fromSource !== undefined) {
      inferred.push(path);
      return fromSource;
    }
    return fallback;
  };

  const topology = pick<Topology>('spec.topology', s.topology, facts.topology, DEFAULTS.topology)!;
  const database = pick<Database>('spec.database', s.database, facts.database, DEFAULTS.database)!;
  const namespace = pick('spec.namespace', s.namespace, facts.namespace, DEFAULTS.namespace)!;
  const from = pick<Flavor>('spec.from', s.from, facts.from);
  if (from === undefined) {
    problems.push({
      path: 'spec.from',
      message: 'required unless spec.source tells it: one of traditional, traditional_compatible, expressions',
    });
  }

  if (topology === 'sidecar' && s.controller) {
    problems.push({
      path: 'spec.controller',
      message: 'not allowed in sidecar topology (the controller runs in the gateway pod); describe it in spec.gateway.sidecar',
    });
  }
  if (topology === 'separate' && s.gateway?.sidecar) {
    problems.push({ path: 'spec.gateway.sidecar', message: 'only allowed when spec.topology is sidecar' });
  }
  if (topology === 'separate' && !s.controller && !facts.controller) {
    problems.push({
      path: 'spec.controller',
      message: 'required when spec.topology is separate: give at least controller.image (or version)',
    });
  }
  if (s.strategy === 'maintenance' && s.allowDowntime !== true) {
    problems.push({
      path: 'spec.allowDowntime',
      message: 'strategy maintenance takes the gateways down; set allowDowntime: true to accept the outage',
    });
  }

  // Gateway.
  const g = s.gateway ?? {};
  const fg = facts.gateway ?? {};
  const gwImage = pick('spec.gateway.image', g.image, fg.image);
  const gwOrigin = originOf(g, fg.imageOrigin);
  const gwVersion = versionOf(problems, 'spec.gateway', 'gateway', gwImage, pick('spec.gateway.version', g.version, fg.version), gwOrigin);
  const replicas = pick('spec.gateway.replicas', g.replicas, fg.replicas, DEFAULTS.gateway.replicas)!;
  const maxSurge = pick<IntOrPercent>('spec.gateway.maxSurge', g.maxSurge as IntOrPercent | undefined, fg.maxSurge, DEFAULTS.gateway.maxSurge)!;
  const maxUnavailable = pick<IntOrPercent>(
    'spec.gateway.maxUnavailable',
    g.maxUnavailable as IntOrPercent | undefined,
    fg.maxUnavailable,
    DEFAULTS.gateway.maxUnavailable,
  )!;
  if (bothZero(maxSurge, maxUnavailable)) {
    problems.push({
      path: 'spec.gateway.maxSurge',
      message: 'maxSurge and maxUnavailable cannot both be 0 (Kubernetes rejects it); set maxSurge to 1 or more',
    });
  }
  if (typeof maxUnavailable === 'string' && Number(maxUnavailable.slice(0, -1)) > 100) {
    problems.push({ path: 'spec.gateway.maxUnavailable', message: 'a percentage above 100% is not allowed' });
  }
  if (gwVersion && !supportsRouterFlavor(gwVersion)) {
    problems.push({
      path: 'spec.gateway.version',
      message: `Kong ${gwVersion.raw} has no router_flavor; it needs Kong Gateway 3.0 or later`,
    });
  }
  const gwDeployment = pick(
    'spec.gateway.deployment',
    g.deployment,
    fg.deployment,
    topology === 'sidecar' ? DEFAULTS.gateway.deploymentSidecar : DEFAULTS.gateway.deploymentSeparate,
  )!;

  let sidecar: ResolvedSidecar | undefined;
  if (topology === 'sidecar') {
    const sc = g.sidecar ?? {};
    const fsc = fg.sidecar ?? {};
    const image = pick('spec.gateway.sidecar.image', sc.image, fsc.image);
    const version = versionOf(problems, 'spec.gateway.sidecar', 'controller', image, pick('spec.gateway.sidecar.version', sc.version, fsc.version), originOf(sc, fsc.imageOrigin));
    if (version) {
      sidecar = {
        container: pick('spec.gateway.sidecar.container', sc.container, fsc.container, DEFAULTS.controller.container)!,
        image: image ?? `kong/kubernetes-ingress-controller:${formatVersion(version)}`,
        version,
        featureGates: parseFeatureGates(pick('spec.gateway.sidecar.featureGates', sc.featureGates, fsc.featureGates)),
      };
    }
  }

  // Controller.
  let controller: ResolvedController | undefined;
  if (topology === 'separate' && (s.controller || facts.controller)) {
    const c = s.controller ?? {};
    const fc = facts.controller ?? {};
    const image = pick('spec.controller.image', c.image, fc.image);
    const version = versionOf(problems, 'spec.controller', 'controller', image, pick('spec.controller.version', c.version, fc.version), originOf(c, fc.imageOrigin));
    const deployment = pick('spec.controller.deployment', c.deployment, fc.deployment, DEFAULTS.controller.deployment)!;
    if (version) {
      controller = {
        deployment,
        container: pick('spec.controller.container', c.container, fc.container, DEFAULTS.controller.container)!,
        image: image ?? `kong/kubernetes-ingress-controller:${formatVersion(version)}`,
        version,
        replicas: pick('spec.controller.replicas', c.replicas, fc.replicas, DEFAULTS.controller.replicas)!,
        electionId: pick('spec.controller.electionId', c.electionId, fc.electionId, DEFAULT_ELECTION_ID)!,
        featureGates: parseFeatureGates(pick('spec.controller.featureGates', c.featureGates, fc.featureGates)),
        webhookService: pick('spec.controller.webhookService', c.webhookService, fc.webhookService, DEFAULTS.controller.webhookService)!,
        selector: fc.selector ?? { app: deployment },
        greenDeployment: c.greenDeployment ?? `${deployment}${DEFAULTS.gateway.greenSuffix}`,
        konnectSync: fc.konnectSync ?? false,
      };
    }
    if (deployment === gwDeployment) {
      problems.push({
        path: 'spec.controller.deployment',
        message: `"${deployment}" is also the gateway Deployment; in one Deployment use spec.topology: sidecar`,
      });
    }
  }

  const kic = controller?.version ?? sidecar?.version;
  // A tag without a patch (`kong:3.4`) runs the newest patch of its line: judge that line by
  // its newest release, not by x.y.0 (`kong:3.4` is 3.4.2 today, which KIC 3 supports).
  const newestOfLine = gwVersion && gwVersion.raw.split(/[-.]/).filter((p) => /^\d+$/.test(p)).length === 2 ? { ...gwVersion, patch: Number.MAX_SAFE_INTEGER } : gwVersion;
  if (kic && gwVersion && newestOfLine && !kicSupportsKong(kic, newestOfLine)) {
    const at = controller ? 'spec.controller.version' : 'spec.gateway.sidecar.version';
    const kicOrigin = controller ? originOf(s.controller, facts.controller?.imageOrigin) : originOf(s.gateway?.sidecar, facts.gateway?.sidecar?.imageOrigin);
    const read = (origin: string | undefined) => (origin ? `, read from ${origin}` : '');
    problems.push({
      path: 'spec.gateway.version',
      message: `KIC ${kic.raw} (${at}${read(kicOrigin)}) supports Kong >= ${MIN_KONG_FOR_KIC3} only and refuses to start with Kong ${gwVersion.raw}${gwOrigin ? ` (${gwOrigin})` : ''}; upgrade Kong first`,
    });
  }

  // The installation must be able to run as described: its controller's routes accepted today.
  const gatesNow = controller?.featureGates ?? sidecar?.featureGates;
  if (kic && gwVersion && from && gatesNow) {
    const shape = controllerRouteShape(kic, from, gatesNow[EXPRESSION_ROUTES_GATE] === true);
    if (!gatewayAccepts(from, gwVersion, shape)) {
      const at = controller ? 'spec.controller.featureGates' : 'spec.gateway.sidecar.featureGates';
      problems.push({
        path: at,
        message: `KIC ${kic.raw} without ${EXPRESSION_ROUTES_GATE}=true sends fields routes, which ${from} gateways on Kong ${gwVersion.raw} reject: the installation cannot be serving as described; if the gate is on, set ${at}: ${EXPRESSION_ROUTES_GATE}=true`,
      });
    }
  }

  const greenDeployment = g.greenDeployment ?? `${gwDeployment}${DEFAULTS.gateway.greenSuffix}`;
  for (const [path, name] of [
    ['spec.gateway.greenDeployment', greenDeployment],
    ['spec.controller.greenDeployment', controller?.greenDeployment],
  ] as const) {
    if (name && name.length > 63) {
      problems.push({ path, message: `"${name}" is longer than 63 characters; set a shorter name` });
    }
  }

  if (problems.length > 0) throw new InputError(problems);

  const gateway: ResolvedGateway = {
    deployment: gwDeployment,
    container: pick('spec.gateway.container', g.container, fg.container, DEFAULTS.gateway.container)!,
    image: gwImage ?? `kong:${formatVersion(gwVersion!)}`,
    version: gwVersion!,
    replicas,
    maxSurge,
    maxUnavailable,
    budget: resolveBudget(maxSurge, maxUnavailable, replicas),
    adminService: pick('spec.gateway.adminService', g.adminService, fg.adminService, DEFAULTS.gateway.adminService)!,
    proxyService: pick('spec.gateway.proxyService', g.proxyService, fg.proxyService, DEFAULTS.gateway.proxyService)!,
    adminPort: pick('spec.gateway.adminPort', g.adminPort, fg.adminPort, DEFAULTS.gateway.adminPort)!,
    adminScheme: fg.adminScheme ?? 'https',
    adminReachable: fg.adminReachable ?? topology === 'separate',
    selector: fg.selector ?? { app: gwDeployment },
    greenDeployment,
    sidecar,
  };

  const argo = s.output?.argocd ?? {};
  const resolvedWithoutBase = {
    name: input.metadata.name,
    from: from!,
    to: s.to,
    strategy: s.strategy ?? DEFAULTS.strategy,
    allowDowntime: s.allowDowntime ?? DEFAULTS.allowDowntime,
    namespace,
    topology,
    database,
    gateway,
    controller,
    hooks: {
      image: s.hooks?.image ?? DEFAULTS.hooks.image,
      timeoutSeconds: s.hooks?.timeoutSeconds ?? DEFAULTS.hooks.timeoutSeconds,
      ...(s.hooks?.timeoutSeconds !== undefined ? { gateTimeoutSeconds: s.hooks.timeoutSeconds } : {}),
      runAsUser: s.hooks?.runAsUser === undefined ? DEFAULTS.hooks.runAsUser : s.hooks.runAsUser,
      cutoverSoakSeconds: s.hooks?.cutoverSoakSeconds ?? DEFAULTS.hooks.cutoverSoakSeconds,
    },
    output: {
      argocd: {
        mode: argo.mode ?? DEFAULTS.output.argocd.mode,
        repoURL: argo.repoURL ?? DEFAULTS.output.argocd.repoURL,
        path: argo.path ?? `dist/${input.metadata.name}`,
        targetRevision: argo.targetRevision ?? DEFAULTS.output.argocd.targetRevision,
        project: argo.project ?? DEFAULTS.output.argocd.project,
        ...(argo.cluster !== undefined ? { cluster: argo.cluster } : {}),
      },
    },
    // One namespace everywhere: a release given without one is in the plan's namespace.
    helm: facts.helm && {
      ...facts.helm,
      namespace: facts.helm.namespace || namespace,
      ...(facts.helm.controllerRelease ? { controllerRelease: { ...facts.helm.controllerRelease, namespace: facts.helm.controllerRelease.namespace || namespace } } : {}),
    },
    inferred,
    warnings: [...(facts.warnings ?? [])],
  };
  const base = facts.base ?? { ...modelledObjects(resolvedWithoutBase, facts.podTemplates), origin: facts.baseOrigin ?? 'modelled' };
  const routes = {
    objects: [...(base.origin === 'manifests' ? base.all : []), ...(facts.routeObjects ?? [])],
    failOn: s.routes?.failOn ?? DEFAULTS.routesFailOn,
    given: s.source?.routes !== undefined,
  };
  return { ...resolvedWithoutBase, base, routes };
}
