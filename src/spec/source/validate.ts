/**
 * What a source says is checked as the API server would check it before anything reads it:
 * the objects of `source.manifests` (shape, names, namespaces, labels, selectors, containers,
 * images, env) and the facts any source tells (names, images, replica counts, rollout budget,
 * lease name, feature gates). A value that passes cannot carry shell, YAML or a path, so it is
 * safe in the gate scripts, the file names and the RUNBOOK's commands; one that does not is an
 * input error (exit 2) naming the file, the object and the field.
 */
import { z } from 'zod';
import { InputError, InputProblem, formatPath } from '../errors';
import { isIntOrPercent } from '../intOrPercent';
import {
  dns1035Label,
  dns1123Label,
  dns1123Subdomain,
  featureGateList,
  imageReference,
  labelKey,
  labelValue,
  shown,
} from '../kubernetesSyntax';
import { KubeObject } from '../types';
import type { SourceFacts } from '../resolve';

/** Collects problems; InputError lists the first 20 and counts the rest. */
export class ProblemList {
  private readonly list: InputProblem[] = [];

  add(path: string, message: string): void {
    this.list.push({ path, message });
  }

  /** Throws every problem collected as one input error. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new InputError(this.list);
  }
}

/** Where an object of a source was read: file (as the user named it) and line. */
export interface Origin {
  readonly file: string;
  readonly line: number;
}

const origins = new WeakMap<object, Origin>();

/** Records where `obj` was read. */
export function setOrigin(obj: object, origin: Origin): void {
  origins.set(obj, origin);
}

/** Where `obj` was read, if it came from a file. */
export function originOf(obj: object): Origin | undefined {
  return origins.get(obj);
}

/** `Deployment kong/proxy-kong (all-in-one.yaml, line 12)`: an object as messages name it. */
export function describeObject(obj: KubeObject): string {
  const ns = typeof obj.metadata?.namespace === 'string' ? `${obj.metadata.namespace}/` : '';
  const origin = originOf(obj);
  return `${obj.kind} ${ns}${shown(obj.metadata?.name).slice(1, -1)}${origin ? ` (${origin.file}, line ${origin.line})` : ''}`;
}

/** Kubernetes reads `null` as absent (rendered charts write `args: null`): optional fields may be null. */
const stringMap = z.record(z.string(), z.string());
const intOrPercent = z.custom<number | string>((v) => isIntOrPercent(v), { message: 'expected an integer >= 0 or a percentage such as "25%"' });
const int32 = z.number().int().min(0).max(2147483647);

const EnvVar = z.looseObject({
  name: z.string().min(1),
  value: z.string({ message: 'expected a string (quote numbers and booleans)' }).nullish(),
  valueFrom: z.looseObject({}).nullish(),
});
const Container = z.looseObject({
  name: z.string(),
  // The API server requires an image on every container of a Deployment.
  image: z.string({ message: 'required: an image reference such as "kong:3.9"' }).min(1, { message: 'required: an image reference such as "kong:3.9"' }),
  env: z.array(EnvVar).nullish(),
  args: z.array(z.string()).nullish(),
  command: z.array(z.string()).nullish(),
  ports: z.array(z.looseObject({ containerPort: int32.nullish(), name: z.string().nullish() })).nullish(),
});
const Metadata = z.looseObject({
  name: z.string(),
  namespace: z.string().nullish(),
  labels: stringMap.nullish(),
  annotations: stringMap.nullish(),
});
const DeploymentShape = z.looseObject({
  metadata: Metadata,
  spec: z.looseObject({
    replicas: int32.nullish(),
    selector: z.looseObject({ matchLabels: stringMap.nullish(), matchExpressions: z.array(z.looseObject({})).nullish() }),
    strategy: z
      .looseObject({
        type: z.enum(['RollingUpdate', 'Recreate']).nullish(),
        rollingUpdate: z.looseObject({ maxSurge: intOrPercent.nullish(), maxUnavailable: intOrPercent.nullish() }).nullish(),
      })
      .nullish(),
    template: z.looseObject({
      metadata: z.looseObject({ labels: stringMap.nullish(), annotations: stringMap.nullish() }).nullish(),
      spec: z.looseObject({ containers: z.array(Container).min(1), initContainers: z.array(Container).nullish() }),
    }),
  }),
});
const ServiceShape = z.looseObject({
  metadata: Metadata,
  spec: z
    .looseObject({
      selector: stringMap.nullish(),
      ports: z.array(z.looseObject({ name: z.string().nullish(), port: int32, targetPort: z.union([int32, z.string()]).nullish() })).nullish(),
    })
    .nullish(),
});
/** Every object: what the tool reads of any kind. */
const ObjectShape = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: Metadata,
});

const isDeployment = (o: KubeObject) => o.kind === 'Deployment' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('apps/');
const isService = (o: KubeObject) => o.kind === 'Service' && o.apiVersion === 'v1';

/** Checks a value with a syntax rule, adding a problem when it fails. */
function syntax(problems: ProblemList, where: string, field: string, value: unknown, rule: (v: string) => string | undefined): void {
  if (typeof value !== 'string') return;
  const wrong = rule(value);
  if (wrong) problems.add(where, `${field}: ${shown(value)} ${wrong}`);
}

function labels(problems: ProblemList, where: string, field: string, map: unknown): void {
  if (!map || typeof map !== 'object') return;
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    syntax(problems, where, `${field} key`, k, labelKey);
    syntax(problems, where, `${field}[${shown(k)}]`, v, labelValue);
  }
}

/** Object names as the API server allows them in a path: no `/` or `%`, not `.` or `..` (IsValidPathSegmentName). */
function pathSegmentName(value: string): string | undefined {
  if (value === '' || value === '.' || value === '..' || /[/%]/.test(value)) return "must not be empty, '.' or '..', nor contain '/' or '%'";
  if (value.length > 253) return 'must be at most 253 characters';
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) return 'must not contain control characters';
  return undefined;
}

/** Removes `null` values from maps, as Kubernetes reads them (absent); rendered charts write `args: null`. */
export function dropNulls(value: unknown): void {
  if (Array.isArray(value)) value.forEach(dropNulls);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (v === null) delete (value as Record<string, unknown>)[k];
      else dropNulls(v);
    }
  }
}

interface SchemaError {
  readonly instancePath: string;
  readonly message?: string;
}

/**
 * Checks a Deployment or Service against the Kubernetes 1.27 OpenAPI schema (kubernetes-models,
 * a subset of 1.28): what the API server would refuse is refused here, not emitted. Loaded on
 * first use, since only `source.manifests` needs it.
 */
function schemaProblems(problems: ProblemList, where: string, obj: KubeObject): void {
  const Model = (isDeployment(obj)
    ? (require('kubernetes-models/apps/v1/Deployment') as typeof import('kubernetes-models/apps/v1/Deployment')).Deployment
    : (require('kubernetes-models/v1/Service') as typeof import('kubernetes-models/v1/Service')).Service) as unknown as new (data: unknown) => { validate(): void };
  try {
    new Model(obj).validate();
  } catch (e) {
    const errors = ((e as { errors?: SchemaError[] }).errors ?? []).slice(0, 3);
    if (errors.length === 0) problems.add(where, `not a valid ${obj.kind}: ${String((e as Error).message).slice(0, 200)}`);
    for (const err of errors) {
      const field = err.instancePath.split('/').filter(Boolean).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      problems.add(where, `${formatPath(field) || '(the object)'}: ${err.message ?? 'is not valid'} (the API server refuses it)`);
    }
  }
}

function shapeProblems(problems: ProblemList, where: string, schema: z.ZodType, obj: unknown): boolean {
  const parsed = schema.safeParse(obj);
  if (parsed.success) return true;
  for (const issue of parsed.error.issues) {
    problems.add(where, `${formatPath(issue.path) || '(the object)'}: ${issue.message}`);
  }
  return false;
}

/**
 * Checks every object of `source.manifests`: each has apiVersion, kind and a valid name,
 * namespace and labels; Deployments and Services also their shape, names, selectors,
 * containers, images and env. Throws one input error with the first problems found.
 */
export function checkManifestObjects(objects: readonly KubeObject[], field: string): void {
  const problems = new ProblemList();
  for (const obj of objects) {
    const where = `${field}: ${describeObject(obj)}`;
    if (!shapeProblems(problems, where, ObjectShape, obj)) continue;
    const m = obj.metadata;
    syntax(problems, where, 'apiVersion', obj.apiVersion, apiVersion);
    syntax(problems, where, 'kind', obj.kind, kindName);
    syntax(problems, where, 'metadata.name', m.name, pathSegmentName);
    syntax(problems, where, 'metadata.namespace', m.namespace, dns1123Label);
    labels(problems, where, 'metadata.labels', m.labels);
    if (isDeployment(obj) || isService(obj)) dropNulls(obj);
    if (isDeployment(obj)) {
      if (!shapeProblems(problems, where, DeploymentShape, obj)) continue;
      schemaProblems(problems, where, obj);
      syntax(problems, where, 'metadata.name', m.name, dns1123Subdomain);
      const spec = obj.spec as z.infer<typeof DeploymentShape>['spec'];
      labels(problems, where, 'spec.selector.matchLabels', spec.selector.matchLabels);
      labels(problems, where, 'spec.template.metadata.labels', spec.template.metadata?.labels);
      const containers = [...spec.template.spec.containers.map((c, i) => [c, `containers[${i}]`] as const), ...(spec.template.spec.initContainers ?? []).map((c, i) => [c, `initContainers[${i}]`] as const)];
      for (const [c, at] of containers) {
        syntax(problems, where, `spec.template.spec.${at}.name`, c.name, dns1123Label);
        syntax(problems, where, `spec.template.spec.${at}.image`, c.image, imageReference);
        (c.env ?? []).forEach((e, j) => syntax(problems, where, `spec.template.spec.${at}.env[${j}].name`, e.name, envName));
      }
      const ru = spec.strategy?.rollingUpdate;
      if (ru && bothZero(ru.maxSurge, ru.maxUnavailable)) {
        problems.add(where, 'spec.strategy.rollingUpdate: maxSurge and maxUnavailable are both 0, which the API server refuses; set maxSurge to 1 or more');
      }
    } else if (isService(obj)) {
      if (!shapeProblems(problems, where, ServiceShape, obj)) continue;
      schemaProblems(problems, where, obj);
      syntax(problems, where, 'metadata.name', m.name, dns1035Label);
      labels(problems, where, 'spec.selector', (obj.spec as { selector?: unknown } | undefined)?.selector);
    }
  }
  problems.throwIfAny();
}

/** `v1`, `apps/v1`, `networking.k8s.io/v1beta1`: an optional DNS-1123 subdomain group, then a version. */
function apiVersion(value: string): string | undefined {
  return /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/.test(value) ? undefined : 'is not an API version such as "v1" or "apps/v1"';
}

/** A kind: a CamelCase word. */
function kindName(value: string): string | undefined {
  return /^[A-Za-z][A-Za-z0-9]{0,62}$/.test(value) ? undefined : 'is not a kind such as "Deployment"';
}

/** Env var names: printable, no `=` (Kubernetes 1.28 allows any printable ASCII but `=`). */
function envName(value: string): string | undefined {
  return /^[\x21-\x3c\x3e-\x7e]+$/.test(value) ? undefined : "must be printable ASCII without spaces or '='";
}

/** Whether maxSurge and maxUnavailable are both zero in any spelling (`0`, `"0%"`), as the API server checks. */
export function bothZero(maxSurge: unknown, maxUnavailable: unknown): boolean {
  const zero = (v: unknown) => v === 0 || (typeof v === 'string' && /^0+%$/.test(v));
  return zero(maxSurge) && zero(maxUnavailable);
}

/**
 * Checks the facts a source told (chart values or manifests) with the rules the spec's own
 * fields follow, so that a value read from a source is held to what a value written in the
 * spec would be. `field` names the source (`spec.source.helm.values`).
 */
export function checkSourceFacts(facts: SourceFacts, field: string, objects: { gateway?: KubeObject; controller?: KubeObject } = {}): void {
  const problems = new ProblemList();
  const at = (name: 'namespace' | 'gateway' | 'sidecar controller' | 'controller') => {
    const obj = name === 'controller' ? objects.controller : name === 'namespace' ? undefined : objects.gateway;
    return obj ? `${field}: ${describeObject(obj)}` : `${field} (${name})`;
  };
  /** The facts every Deployment has: its name, container, image, selector and replica count (the spec's bounds). */
  const deployment = (
    where: string,
    what: 'gateway' | 'controller',
    d: { deployment?: string; container?: string; image?: string; selector?: Record<string, string>; replicas?: number },
    most: number,
  ) => {
    syntax(problems, where, 'Deployment name', d.deployment, dns1123Subdomain);
    syntax(problems, where, 'container name', d.container, dns1123Label);
    syntax(problems, where, 'image', d.image, imageReference);
    labels(problems, where, 'selector', d.selector);
    if (d.replicas !== undefined && !(Number.isInteger(d.replicas) && d.replicas >= 1 && d.replicas <= most)) {
      problems.add(where, `replicas ${shown(d.replicas)}: the ${what} must run 1 to ${most} replicas (scale it up first if it runs none)`);
    }
  };
  syntax(problems, at('namespace'), 'namespace', facts.namespace, dns1123Label);
  const g = facts.gateway ?? {};
  deployment(at('gateway'), 'gateway', g, 10000);
  syntax(problems, at('gateway'), 'admin Service name', g.adminService, dns1035Label);
  syntax(problems, at('gateway'), 'proxy Service name', g.proxyService, dns1035Label);
  if (g.adminPort !== undefined && !(Number.isInteger(g.adminPort) && g.adminPort >= 1 && g.adminPort <= 65535)) {
    problems.add(at('gateway'), `admin port ${shown(g.adminPort)} is not a port (1 to 65535)`);
  }
  for (const [name, v] of [['maxSurge', g.maxSurge], ['maxUnavailable', g.maxUnavailable]] as const) {
    if (v !== undefined && !isIntOrPercent(v)) problems.add(at('gateway'), `${name} ${shown(v)}: expected an integer >= 0 or a percentage such as "25%"`);
  }
  if (typeof g.maxUnavailable === 'string' && Number(g.maxUnavailable.slice(0, -1)) > 100) {
    problems.add(at('gateway'), `maxUnavailable ${shown(g.maxUnavailable)}: a percentage above 100% is not allowed`);
  }
  if (bothZero(g.maxSurge, g.maxUnavailable)) {
    problems.add(at('gateway'), 'maxSurge and maxUnavailable are both 0, which the API server refuses; set spec.gateway.maxSurge to 1 or more');
  }
  if (g.sidecar) {
    syntax(problems, at('sidecar controller'), 'container name', g.sidecar.container, dns1123Label);
    syntax(problems, at('sidecar controller'), 'image', g.sidecar.image, imageReference);
    syntax(problems, at('sidecar controller'), 'CONTROLLER_FEATURE_GATES', g.sidecar.featureGates, featureGateList);
  }
  const c = facts.controller;
  if (c) {
    deployment(at('controller'), 'controller', c, 100);
    syntax(problems, at('controller'), 'CONTROLLER_ELECTION_ID', c.electionId, dns1123Subdomain);
    syntax(problems, at('controller'), 'CONTROLLER_FEATURE_GATES', c.featureGates, featureGateList);
    syntax(problems, at('controller'), 'webhook Service name', c.webhookService, dns1035Label);
  }
  problems.throwIfAny();
}
