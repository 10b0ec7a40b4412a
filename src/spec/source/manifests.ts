/**
 * `source.manifests`: the facts of an installation read from its own YAML (one or more files,
 * or a folder): which Deployment is the gateway and which the controller (by their `KONG_*` /
 * `CONTROLLER_*` env and images), the Services, namespace, topology, database mode, current
 * flavor, versions, replicas and update strategy.
 */
import * as fs from 'fs';
import * as path from 'path';
import { FLAVORS, Flavor } from '../../model/flavor';
import { defaultFlavor } from '../../model/rules';
import { inputError } from '../errors';
import { IntOrPercent, isIntOrPercent } from '../intOrPercent';
import { readInputFile } from '../files';
import { SourceFacts } from '../resolve';
import { MigrationSpecInput } from '../schema';
import { KubeObject } from '../types';
import { controllerSetting } from '../controllerSettings';
import { shown } from '../kubernetesSyntax';
import { parseYamlFile } from '../yamlInput';
import { checkManifestObjects, checkSourceFacts, describeObject, setOrigin } from './validate';
import { hybridRefusal, isKonnectDataPlane } from './hybrid';
import { resolveEnvFrom } from './envFrom';

/** Manifests larger than this are refused (KIC's all-in-one with every CRD is ~200 KB). */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

const containersOf = (d: KubeObject): Container[] =>
  ((d.spec as { template?: { spec?: { containers?: Container[] } } })?.template?.spec?.containers ?? []).filter((c) => c && typeof c === 'object');

const envOf = (c: Container, name: string) => c.env?.find((e) => e?.name === name);

/** A container that runs Kong Gateway: `KONG_*` env or a Kong image (not the controller's). */
export function isGatewayContainer(c: Container): boolean {
  if (isControllerContainer(c)) return false;
  const image = (c.image ?? '').split('@')[0].split(':')[0];
  const repo = image.split('/').pop() ?? '';
  return (c.env ?? []).some((e) => e?.name?.startsWith('KONG_')) || repo === 'kong' || repo === 'kong-gateway';
}

/** A container that runs the Kong Ingress Controller: `CONTROLLER_*` env or a KIC image. */
export function isControllerContainer(c: Container): boolean {
  return (c.env ?? []).some((e) => e?.name?.startsWith('CONTROLLER_')) || (c.image ?? '').includes('kubernetes-ingress-controller');
}

/** All files of one `source.manifests` together may hold this much (a file may hold `MAX_MANIFEST_BYTES`). */
export const MAX_MANIFEST_TOTAL_BYTES = 32 * 1024 * 1024;

/**
 * Every object in the given files or folders, in file order (a file named twice is read
 * once), each checked as the API server would (`checkManifestObjects`) and remembered with
 * the file and line it came from (`originOf`).
 */
export function readManifestObjects(paths: readonly string[], specDir: string, field: string, stdin?: () => string): { objects: KubeObject[]; files: string[] } {
  const files: string[] = [];
  const seen = new Set<string>();
  const addFile = (full: string) => {
    let real = full;
    try {
      real = fs.realpathSync(full);
    } catch {
      // readInputFile names the problem.
    }
    if (seen.has(real)) return;
    seen.add(real);
    files.push(full);
  };
  for (const p of paths) {
    if (p === '-') {
      if (!seen.has(STDIN)) files.push(STDIN);
      seen.add(STDIN);
      continue;
    }
    const full = path.resolve(specDir, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch {
      throw inputError(field, `"${p}" does not exist (relative to the spec's folder ${specDir})`);
    }
    if (stat.isDirectory()) {
      rejectKustomization(full, p, field);
      const inside = fs
        .readdirSync(full)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(full, f));
      if (inside.length === 0) throw inputError(field, `folder "${p}" has no .yaml files`);
      inside.forEach(addFile);
    } else {
      if (/^kustomization\.ya?ml$/.test(path.basename(full))) rejectKustomization(path.dirname(full), p, field);
      addFile(full);
    }
  }
  const objects: KubeObject[] = [];
  let total = 0;
  for (const file of files) {
    if (file === STDIN && !stdin) throw inputError(field, '"-" (standard input) can be given on the command line only (kong-flavor plan -f -)');
    const name = file === STDIN ? STDIN : path.relative(specDir, file) || path.basename(file);
    const text = file === STDIN ? stdin!() : readInputFile(file, field, MAX_MANIFEST_BYTES);
    total += Buffer.byteLength(text);
    if (total > MAX_MANIFEST_TOTAL_BYTES) {
      throw inputError(field, `the files hold more than ${MAX_MANIFEST_TOTAL_BYTES} bytes together, the limit; give only the files with the Kong Deployments and Services`);
    }
    for (const doc of parseYamlFile(text, name, { field })) {
      const data = doc.data as { kind?: unknown; items?: unknown };
      const isList = typeof data === 'object' && typeof data.kind === 'string' && data.kind.endsWith('List');
      if (isList && data.items !== undefined && !Array.isArray(data.items)) throw inputError(field, `${name} line ${doc.line}: ${data.kind}.items is not a list`);
      const items = isList ? ((data.items as unknown[] | undefined) ?? []) : [data];
      for (const item of items) {
        const o = item as KubeObject;
        if (o && typeof o === 'object') rejectPlaceholder(o, name, field);
        if (!o || typeof o !== 'object' || Array.isArray(o) || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
          throw inputError(field, notAnObject(item, name));
        }
        dropServerFields(o);
        FILE_OF.set(o, name);
        setOrigin(o, { file: name, line: doc.line });
        objects.push(o);
      }
    }
  }
  rejectOperatorObjects(objects, field);
  checkManifestObjects(objects, field);
  return { objects, files };
}

/**
 * `spec.namespace` over manifests that name another namespace (in the object, or in the
 * controller's `ns/name` Service references) would send the gates and the controller to
 * different places: refused, naming both.
 */
function checkNamespaceOverride(wanted: string | undefined, found: string | undefined, d: KubeObject, setting?: string): void {
  if (!wanted || !found || wanted === found) return;
  throw inputError(
    'spec.namespace',
    `"${wanted}" differs from ${found}, ${setting ? `the namespace ${setting} of Deployment ${d.metadata.name} names` : `the namespace of Deployment ${d.metadata.name}`} (${FILE_OF.get(d) ?? 'the manifests'}): the plan would send its gates to ${wanted} and the controller elsewhere; remove spec.namespace, or render the manifests for ${wanted}`,
  );
}

/** Where a container's image was read, for messages about its version. */
const containerOrigin = (c: Container, d: KubeObject) => `container ${c.name} of Deployment ${describeDeployment(d)} (${FILE_OF.get(d) ?? 'the manifests'})`;

/**
 * Objects read from a live cluster (`kubectl get deploy,svc -o yaml`) carry what the API server
 * set: applied back, a stale `resourceVersion` conflicts, and a copied ClusterIP (a green admin
 * Service) is already taken. Those fields are dropped; a Service keeps `clusterIP: None`.
 */
function dropServerFields(o: KubeObject): void {
  delete (o as { status?: unknown }).status;
  for (const k of ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink']) delete o.metadata[k];
  const annotations = o.metadata.annotations;
  if (annotations) {
    delete annotations['kubectl.kubernetes.io/last-applied-configuration'];
    delete annotations['deployment.kubernetes.io/revision'];
    if (Object.keys(annotations).length === 0) delete o.metadata.annotations;
  }
  const spec = o.spec as { clusterIP?: string; clusterIPs?: string[] } | undefined;
  if (o.kind === 'Service' && spec && spec.clusterIP !== 'None') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }
}

/** The name standard input goes by in messages (`-f -`). */
export const STDIN = '(standard input)';

/** The file each object was read from (for messages about objects found twice). */
const FILE_OF = new WeakMap<object, string>();

/** A Kustomize folder is not manifests yet: its output is. */
function rejectKustomization(dir: string, given: string, field: string): void {
  if (['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((f) => fs.existsSync(path.join(dir, f)))) {
    throw inputError(field, `"${given}" is a Kustomize folder (it has a kustomization file): give its output instead, kubectl kustomize ${path.relative(process.cwd(), dir) || '.'} > kong.yaml, and point spec.source.manifests at kong.yaml`);
  }
}

/** Chart values (a map without kind) given as manifests: say which chart they fit. */
function notAnObject(item: unknown, file: string): string {
  const keys = item && typeof item === 'object' && !Array.isArray(item) ? Object.keys(item) : [];
  const ingress = keys.some((k) => k === 'controller' || k === 'gateway');
  const kong = keys.some((k) => ['image', 'env', 'ingressController', 'proxy', 'admin', 'replicaCount'].includes(k));
  if (ingress || kong) {
    const chart = ingress ? 'ingress' : 'kong';
    return `${file} holds chart values (top-level ${keys.slice(0, 4).join(', ')}), not Kubernetes objects: give them as spec.source.helm: { chart: ${chart}, release: <release>, version: <chart version>, values: ${file} }, or the rendered release (helm get manifest <release> -n <namespace>) as spec.source.manifests`;
  }
  return `${file} holds something that is not a Kubernetes object (no kind or metadata.name)`;
}

/** KIC 3.x's deploy/single/all-in-one-*.yaml is a placeholder that points to Helm. */
function rejectPlaceholder(o: KubeObject, file: string, field: string): void {
  if (o.kind === 'Deprecated' || o.apiVersion === 'please-use-helm-to-install-kong') {
    throw inputError(
      field,
      `${file} is KIC's deprecated all-in-one placeholder (kind: ${o.kind}, apiVersion: ${o.apiVersion}), not an installation: give what runs in the cluster (kubectl get deploy,svc -n <namespace> -o yaml, or helm get manifest <release> -n <namespace>), or KIC's manifests of a 2.x tag`,
    );
  }
}

/** Kong Gateway Operator objects: the operator owns the Deployments, so a plan would fight it. */
function rejectOperatorObjects(objects: readonly KubeObject[], field: string): void {
  const kgo = objects.filter((o) => (o.kind === 'DataPlane' || o.kind === 'ControlPlane' || o.kind === 'GatewayConfiguration') && /konghq\.com\//.test(o.apiVersion ?? ''));
  if (kgo.length === 0) return;
  throw inputError(
    field,
    `${kgo.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')}: Kong Gateway Operator objects. kong-flavor does not support the operator yet: it owns the gateway and controller Deployments and would undo the plan's changes; change the flavor through the DataPlane's pod template (the operator's own rollout) instead`,
  );
}

const describeDeployment = (d: KubeObject) => `${d.metadata.namespace ? `${d.metadata.namespace}/` : ''}${d.metadata.name}`;

/** The same Deployment read twice (two files, or one file twice): name the files. */
const twice = (found: readonly KubeObject[], field: string) =>
  inputError(
    field,
    `Deployment ${describeDeployment(found[0])} is in the manifests ${found.length} times (${found.map((d) => FILE_OF.get(d) ?? '?').join(', ')}); give each object once (drop the duplicate file from spec.source.manifests)`,
  );

function pick(candidates: KubeObject[], wanted: string | undefined, what: string, field: string, all: KubeObject[]): KubeObject | undefined {
  if (wanted) {
    const found = all.filter((d) => d.kind === 'Deployment' && d.metadata.name === wanted);
    if (found.length === 0) {
      throw inputError(field, `no Deployment "${wanted}" in the manifests; Deployments there: ${all.filter((d) => d.kind === 'Deployment').map(describeDeployment).join(', ') || 'none'}`);
    }
    if (found.length > 1) throw twice(found, field);
    const onlyController = containersOf(found[0]).some(isControllerContainer) && !containersOf(found[0]).some(isGatewayContainer);
    if (what === 'Kong gateway' && onlyController) {
      throw inputError(
        field,
        `Deployment ${wanted} is the controller (its containers have CONTROLLER_* env or a KIC image), not a Kong gateway; ${what} Deployments there: ${candidates.map(describeDeployment).join(', ') || 'none'}${wanted ? '; name it in spec.controller.deployment instead' : ''}`,
      );
    }
    return found[0];
  }
  const names = candidates.map(describeDeployment);
  if (candidates.length > 1 && new Set(names).size < names.length) {
    throw twice(candidates.filter((d) => names.filter((n) => n === describeDeployment(d)).length > 1), field);
  }
  if (candidates.length > 1) {
    throw inputError(field, `${candidates.length} ${what} Deployments found (${candidates.map(describeDeployment).join(', ')}); set ${field} to the one to migrate`);
  }
  return candidates[0];
}

/** Parses `KONG_ADMIN_LISTEN` (`0.0.0.0:8444 http2 ssl, 127.0.0.1:8001`): the listener the gate should read. */
export function adminListener(value: string | undefined): { port: number; scheme: 'http' | 'https'; reachable: boolean } | undefined {
  if (!value || value.trim() === 'off') return undefined;
  const entries = value.split(',').map((e) => e.trim().split(/\s+/));
  const parsed = entries
    .map(([addr, ...flags]) => {
      const m = /^(.*):(\d+)$/.exec(addr ?? '');
      if (!m) return undefined;
      const host = m[1].replace(/^\[|\]$/g, '');
      return { port: Number(m[2]), scheme: flags.includes('ssl') ? ('https' as const) : ('http' as const), reachable: !['127.0.0.1', 'localhost', '::1'].includes(host) };
    })
    .filter((x): x is { port: number; scheme: 'http' | 'https'; reachable: boolean } => x !== undefined);
  return parsed.find((x) => x.reachable && x.scheme === 'https') ?? parsed.find((x) => x.reachable) ?? parsed[0];
}

const selectorOf = (d: KubeObject): Record<string, string> | undefined =>
  (d.spec as { selector?: { matchLabels?: Record<string, string> } })?.selector?.matchLabels;

const podLabels = (d: KubeObject): Record<string, string> =>
  (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } })?.template?.metadata?.labels ?? {};

/** Services (in `ns`) whose selector matches the pods of `d`. */
function servicesSelecting(objects: KubeObject[], d: KubeObject, ns: string | undefined): KubeObject[] {
  const labels = podLabels(d);
  return objects.filter((o) => {
    if (o.kind !== 'Service' || (o.metadata.namespace ?? ns) !== ns) return false;
    const sel = (o.spec as { selector?: Record<string, string> })?.selector;
    return !!sel && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => labels[k] === v);
  });
}

const servicePorts = (s: KubeObject) => ((s.spec as { ports?: { name?: string; port?: number; targetPort?: number | string }[] })?.ports ?? []);

/** The pod spec of a workload: a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job template, or a CronJob's job template. */
function podSpecOf(o: KubeObject): Record<string, unknown> | undefined {
  type Template = { template?: { spec?: Record<string, unknown> } };
  const spec = o.spec as (Template & { jobTemplate?: { spec?: Template } }) | undefined;
  return spec?.template?.spec ?? spec?.jobTemplate?.spec?.template?.spec;
}

/**
 * `container/ENV` of every env var whose literal value looks like a secret, in every container
 * of a workload (init and ephemeral containers too): it is copied as-is into the output.
 */
function literalSecrets(o: KubeObject): string[] {
  const pod = podSpecOf(o);
  if (!pod) return [];
  const containers = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((k) => (Array.isArray(pod[k]) ? (pod[k] as Container[]) : [])).filter((c) => c && typeof c === 'object');
  return containers.flatMap((c) =>
    (Array.isArray(c.env) ? c.env : []).filter((e) => /PASSWORD|SECRET|TOKEN|PRIVATE_KEY/i.test(e?.name ?? '') && typeof e.value === 'string' && e.value.length > 0).map((e) => `${c.name}/${e.name}`),
  );
}

function strategyOf(d: KubeObject, warnings: string[]): { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } {
  const strategy = (d.spec as { strategy?: { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } } })?.strategy;
  if (strategy?.type === 'Recreate') {
    warnings.push(`Deployment ${d.metadata.name} uses strategy Recreate (all pods down during a rollout); the phases set RollingUpdate`);
    return {};
  }
  const ru = strategy?.rollingUpdate ?? {};
  return {
    ...(isIntOrPercent(ru.maxSurge) ? { maxSurge: ru.maxSurge } : {}),
    ...(isIntOrPercent(ru.maxUnavailable) ? { maxUnavailable: ru.maxUnavailable } : {}),
  };
}

/** `ns/name` or `name` in env: the name (and the namespace when given). */
/** `ns/name` or `name`, as KIC reads a Service reference (namespace a DNS-1123 label, name a DNS-1035 label). */
const SERVICE_REF = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z]([-a-z0-9]*[a-z0-9])?$/;

const serviceRef = (v: string | undefined) => (v ? v.split('/').pop() : undefined);

/** The facts of `source.manifests`. */
export function readManifests(input: MigrationSpecInput, specDir: string, stdin?: () => string): SourceFacts {
  const field = 'spec.source.manifests';
  const src = input.spec.source!.manifests!;
  const { objects, files } = readManifestObjects(Array.isArray(src) ? src : [src], specDir, field, stdin);
  // Containers as their processes see their env (envFrom folded in), for reading settings only.
  const unresolvedEnvFrom = new Map<Container, readonly string[]>();
  const containersRead = (d: KubeObject): Container[] =>
    containersOf(d).map((c) => {
      const r = resolveEnvFrom(c, objects, d.metadata.namespace ?? input.spec.namespace);
      if (r.unresolved.length) unresolvedEnvFrom.set(r.container, r.unresolved);
      return r.container;
    });
  const deployments = objects.filter((o) => o.kind === 'Deployment' && (o.apiVersion ?? '').startsWith('apps/'));
  // Kong in a DaemonSet or StatefulSet rolls by its own rules (node by node, ordinal by
  // ordinal): outside what the plan models, verifies and gates. A Deployment beside it may be
  // a scaled-down leftover, so never pick one on our own then.
  const otherWorkloads = objects.filter(
    (o) => (o.kind === 'DaemonSet' || o.kind === 'StatefulSet') && containersRead(o).some((c) => isGatewayContainer(c) || isControllerContainer(c)),
  );
  if (otherWorkloads.length && !input.spec.gateway?.deployment) {
    const named = otherWorkloads.map(describeObject).join(', ');
    throw inputError(
      field,
      `Kong runs in ${named}: kong-flavor plans, verifies and gates Deployments only (a DaemonSet rolls node by node, a StatefulSet by ordinal, with no surge). Migrate ${otherWorkloads.length === 1 ? 'it' : 'them'} by hand, or run Kong as a Deployment first; if a Deployment in the input is the one to migrate, name it in spec.gateway.deployment`,
    );
  }
  const gateways = deployments.filter((d) => containersRead(d).some(isGatewayContainer));
  const controllers = deployments.filter((d) => containersRead(d).some(isControllerContainer));
  const where = files.map((f) => (f === STDIN ? STDIN : path.relative(specDir, f) || path.basename(f))).join(', ');
  if (gateways.length === 0 && !input.spec.gateway?.deployment) {
    throw inputError(
      field,
      `no Kong gateway Deployment in ${where} (none has a container with KONG_* env or a kong image); Deployments there: ${deployments.map(describeDeployment).join(', ') || 'none'}`,
    );
  }
  // Hybrid mode first: a control plane and its data planes are several gateway Deployments.
  for (const d of gateways) {
    const kong = containersRead(d).find((c) => isGatewayContainer(c) && ['control_plane', 'data_plane'].includes(envOf(c, 'KONG_ROLE')?.value ?? ''));
    if (!kong) continue;
    const role = envOf(kong, 'KONG_ROLE')!.value as 'control_plane' | 'data_plane';
    const flavor = envOf(kong, 'KONG_ROUTER_FLAVOR')?.value;
    const konnect = isKonnectDataPlane(envOf(kong, 'KONG_KONNECT_MODE')?.value, envOf(kong, 'KONG_CLUSTER_CONTROL_PLANE')?.value);
    throw hybridRefusal(input, role, `KONG_ROLE=${role} on Deployment ${d.metadata.name} (${FILE_OF.get(d) ?? where})`, (FLAVORS as readonly string[]).includes(flavor ?? '') ? (flavor as Flavor) : undefined, konnect);
  }
  const gateway = pick(gateways, input.spec.gateway?.deployment, 'Kong gateway', 'spec.gateway.deployment', objects)!;
  const sidecarController = containersRead(gateway).find(isControllerContainer);
  const topology = input.spec.topology ?? (sidecarController ? 'sidecar' : 'separate');
  const warnings: string[] = [];

  const gwContainers = containersRead(gateway).filter(isGatewayContainer);
  const gwContainer = input.spec.gateway?.container
    ? containersRead(gateway).find((c) => c.name === input.spec.gateway!.container)
    : gwContainers.length === 1
      ? gwContainers[0]
      : undefined;
  if (!gwContainer) {
    throw inputError(
      'spec.gateway.container',
      input.spec.gateway?.container
        ? `Deployment ${gateway.metadata.name} has no container "${input.spec.gateway.container}"; its containers: ${containersRead(gateway).map((c) => c.name).join(', ')}`
        : `Deployment ${gateway.metadata.name} has ${gwContainers.length} Kong containers (${gwContainers.map((c) => c.name).join(', ')}); set spec.gateway.container`,
    );
  }

  const namespace = gateway.metadata.namespace;
  checkNamespaceOverride(input.spec.namespace, namespace, gateway);
  const flavorEnv = envOf(gwContainer, 'KONG_ROUTER_FLAVOR');
  // envFrom sources the input lacks may set what the plan reads: ask rather than guess.
  const unknownFrom = unresolvedEnvFrom.get(gwContainer);
  const fromUnknown = (setting: string, specField: string, what: string) =>
    inputError(
      specField,
      `${setting} of ${gateway.metadata.name} may come from envFrom (${unknownFrom!.join(', ')}, not in the manifests); set ${specField} to ${what}, or add the ${unknownFrom!.length === 1 ? 'object' : 'objects'} to spec.source.manifests`,
    );
  if (unknownFrom && !flavorEnv && !input.spec.from) throw fromUnknown('KONG_ROUTER_FLAVOR', 'spec.from', 'the flavor it runs');
  if (unknownFrom && !envOf(gwContainer, 'KONG_DATABASE') && !input.spec.database) throw fromUnknown('KONG_DATABASE', 'spec.database', 'what it runs ("off" or postgres)');
  if (unknownFrom && !envOf(gwContainer, 'KONG_ROLE')) {
    warnings.push(`${gateway.metadata.name} loads env from ${unknownFrom.join(', ')}, not in the manifests: if it sets KONG_ROLE (hybrid mode), this plan does not apply (hybrid mode is refused)`);
  }
  let from: Flavor | undefined;
  if (input.spec.from && !flavorEnv && unknownFrom) {
    from = input.spec.from;
  } else if (flavorEnv?.valueFrom !== undefined) {
    if (!input.spec.from) throw inputError('spec.from', `KONG_ROUTER_FLAVOR of ${gateway.metadata.name} comes from valueFrom; set spec.from to the flavor it resolves to`);
  } else if (flavorEnv?.value !== undefined) {
    if (!(FLAVORS as readonly string[]).includes(flavorEnv.value)) {
      throw inputError(field, `${gateway.metadata.name} has KONG_ROUTER_FLAVOR="${flavorEnv.value}", which is not a flavor (${FLAVORS.join(', ')})`);
    }
    from = flavorEnv.value as Flavor;
  } else {
    from = defaultFlavor();
    warnings.push(`${gateway.metadata.name} does not set KONG_ROUTER_FLAVOR: Kong's default ${from} is assumed`);
  }
  if (envOf(gwContainer, 'KONG_DATABASE')?.valueFrom !== undefined && !input.spec.database) {
    throw inputError('spec.database', `KONG_DATABASE of ${gateway.metadata.name} comes from valueFrom; set spec.database to what it resolves to ("off" or postgres)`);
  }
  const dbEnv = envOf(gwContainer, 'KONG_DATABASE')?.value;
  // Kong's own default is postgres; DB-less installs always set "off".
  const database = dbEnv === undefined ? 'postgres' : dbEnv === 'off' ? 'off' : 'postgres';
  const listener = adminListener(envOf(gwContainer, 'KONG_ADMIN_LISTEN')?.value);

  let controller: KubeObject | undefined;
  if (topology === 'separate') {
    const separate = controllers.filter((d) => d !== gateway);
    if (separate.length === 0 && !input.spec.controller?.deployment && !input.spec.controller?.image) {
      throw inputError(
        'spec.controller.deployment',
        `no controller Deployment in ${where} (none has CONTROLLER_* env or a kubernetes-ingress-controller image); set spec.controller, or spec.topology: sidecar if the controller runs in the gateway pod`,
      );
    }
    controller = pick(separate, input.spec.controller?.deployment, 'Kong Ingress Controller', 'spec.controller.deployment', objects);
  }
  const ctrlContainer = controller
    ? (input.spec.controller?.container ? containersRead(controller).find((c) => c.name === input.spec.controller!.container) : containersRead(controller).find(isControllerContainer))
    : sidecarController;

  // KIC takes each setting from its flag when the args carry one, else from the env var.
  const serviceSetting = (env: 'CONTROLLER_KONG_ADMIN_SVC' | 'CONTROLLER_PUBLISH_SERVICE') => {
    const value = ctrlContainer ? controllerSetting(ctrlContainer, env) : undefined;
    if (value !== undefined && !SERVICE_REF.test(value)) {
      throw inputError(field, `${describeObject(controller ?? gateway)}: ${env}: ${shown(value)} must be a Service as namespace/name (DNS labels), such as "kong/kong-admin"`);
    }
    return serviceRef(value);
  };
  const adminSvcName = serviceSetting('CONTROLLER_KONG_ADMIN_SVC');
  const publishName = serviceSetting('CONTROLLER_PUBLISH_SERVICE');
  if (ctrlContainer) {
    for (const setting of ['CONTROLLER_KONG_ADMIN_SVC', 'CONTROLLER_PUBLISH_SERVICE']) {
      checkNamespaceOverride(input.spec.namespace, controllerSetting(ctrlContainer, setting)?.split('/').slice(-2, -1)[0], controller ?? gateway, setting);
    }
  }
  const gatewayServices = servicesSelecting(objects, gateway, namespace);
  const adminService = objects.find((o) => o.kind === 'Service' && o.metadata.name === adminSvcName);
  const proxyService =
    objects.find((o) => o.kind === 'Service' && o.metadata.name === publishName) ??
    gatewayServices.find((s) => s !== adminService && servicePorts(s).some((p) => p.targetPort === 8000 || p.targetPort === 'proxy' || p.name === 'proxy'));
  if (topology === 'separate' && controller && !adminSvcName) {
    warnings.push(`${controller.metadata.name} has no CONTROLLER_KONG_ADMIN_SVC (gateway discovery); the plan assumes it discovers the gateways through spec.gateway.adminService`);
  }
  const webhookService = controller ? servicesSelecting(objects, controller, namespace).find((s) => servicePorts(s).some((p) => p.name === 'webhook' || p.targetPort === 8080 || p.targetPort === 'webhook')) : undefined;
  for (const o of objects) {
    const secrets = literalSecrets(o);
    if (secrets.length) {
      const where = o === gateway || o === controller ? 'phases/, kustomize/, argocd/ (hook Jobs included) and final/' : 'final/';
      warnings.push(`${o.kind} ${o.metadata.name} sets ${secrets.join(', ')} as literal values; they are copied as-is into ${where}: move them to a Secret (valueFrom.secretKeyRef)`);
    }
  }
  for (const d of [gateway, controller].filter((x): x is KubeObject => !!x)) {
    if ((d.spec as { selector?: { matchExpressions?: unknown[] } })?.selector?.matchExpressions?.length) {
      warnings.push(`${d.metadata.name} selects pods with matchExpressions; only matchLabels are carried to a green stack`);
    }
  }

  for (const d of [gateway, controller].filter((x): x is KubeObject => !!x)) {
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && (o.spec as { scaleTargetRef?: { kind?: string; name?: string } })?.scaleTargetRef?.name === d.metadata.name);
    if (hpa) {
      warnings.push(
        `HorizontalPodAutoscaler ${hpa.metadata.name} scales ${d.metadata.name}: the phases set replicas to ${(d.spec as { replicas?: number })?.replicas ?? 1} and the gates expect exactly that many pods; hold the HPA at that count (minReplicas = maxReplicas) for the migration`,
      );
    }
  }
  const gwEnv = (name: string) => envOf(gwContainer, name)?.value?.toLowerCase();
  // Only gates that read the admin API care (not a sidecar's, on localhost).
  const gatesReadAdmin = topology === 'separate' && (listener?.reachable ?? true);
  if (gatesReadAdmin && (gwEnv('KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT') === 'on' || gwEnv('KONG_ENFORCE_RBAC') === 'on')) {
    warnings.push(
      `${gateway.metadata.name} requires a client certificate or an RBAC token on its admin API (KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT / KONG_ENFORCE_RBAC): the gates read GET / through the API server's pod proxy, which presents neither, so they cannot pass; check router_flavor by hand between phases`,
    );
  }
  // Every other Service on the gateway pods carries traffic too (internal LB, UDP, status).
  const trafficServices = gatewayServices.filter((s) => s !== proxyService && s !== adminService && s.metadata.name !== adminSvcName);

  const gwSelector = selectorOf(gateway);
  if (!gwSelector || Object.keys(gwSelector).length === 0) {
    throw inputError(field, `Deployment ${gateway.metadata.name} has no spec.selector.matchLabels`);
  }

  const facts: SourceFacts = {
    from,
    ...(namespace ? { namespace } : {}),
    topology,
    database,
    gateway: {
      deployment: gateway.metadata.name,
      container: gwContainer.name,
      image: gwContainer.image,
      imageOrigin: containerOrigin(gwContainer, gateway),
      replicas: (gateway.spec as { replicas?: number })?.replicas ?? 1,
      ...strategyOf(gateway, warnings),
      ...(adminSvcName ? { adminService: adminSvcName } : {}),
      ...(proxyService ? { proxyService: proxyService.metadata.name } : {}),
      ...(listener ? { adminPort: listener.port, adminScheme: listener.scheme, adminReachable: topology === 'separate' && listener.reachable } : {}),
      selector: gwSelector,
      ...(topology === 'sidecar' && sidecarController
        ? {
            sidecar: {
              container: sidecarController.name,
              image: sidecarController.image,
              imageOrigin: containerOrigin(sidecarController, gateway),
              featureGates: controllerSetting(sidecarController, 'CONTROLLER_FEATURE_GATES'),
            },
          }
        : {}),
    },
    ...(controller && ctrlContainer
      ? {
          controller: {
            deployment: controller.metadata.name,
            container: ctrlContainer.name,
            image: ctrlContainer.image,
            imageOrigin: containerOrigin(ctrlContainer, controller),
            replicas: (controller.spec as { replicas?: number })?.replicas ?? 1,
            electionId: controllerSetting(ctrlContainer, 'CONTROLLER_ELECTION_ID'),
            ...(controllerSetting(ctrlContainer, 'CONTROLLER_KONNECT_SYNC_ENABLED')?.toLowerCase() === 'true' ? { konnectSync: true } : {}),
            featureGates: controllerSetting(ctrlContainer, 'CONTROLLER_FEATURE_GATES'),
            ...(webhookService ? { webhookService: webhookService.metadata.name } : {}),
            selector: selectorOf(controller),
          },
        }
      : {}),
    base: {
      origin: 'manifests',
      gatewayDeployment: gateway,
      ...(controller ? { controllerDeployment: controller } : {}),
      ...(adminService ? { adminService } : {}),
      ...(proxyService ? { proxyService } : {}),
      ...(webhookService ? { webhookService } : {}),
      ...(trafficServices.length ? { trafficServices } : {}),
      // Secrets stay where they are: the output never carries them (README, "Untrusted input").
      all: objects.filter((o) => !(o.kind === 'Secret' && o.apiVersion === 'v1')),
    },
    warnings,
  };
  if (!proxyService) {
    warnings.push(`no Service in ${where} selects the ${gateway.metadata.name} pods on the proxy port; a blue-green plan needs it in spec.source.manifests`);
  }
  checkSourceFacts(facts, field, { gateway, controller });
  return facts;
}
