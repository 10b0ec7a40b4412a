/**
 * Small, careful edits of the user's own objects (plain JSON): we change exactly what the
 * plan says (an env var, replicas, a selector) and keep everything else byte for byte.
 *
 * Hand-written on purpose: cdk8s-plus constructs build objects from typed props and cannot
 * take an existing manifest as their starting point without losing fields.
 */
import { InputError } from '../spec/errors';
import { KubeObject } from '../spec/types';
import { cloneJson } from '../util/cloneJson';
import { CONTROLLER_FLAGS, findFlag } from '../spec/controllerSettings';

export { controllerSetting } from '../spec/controllerSettings';

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image?: string;
  env?: EnvVar[];
  [key: string]: unknown;
}

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown };
  spec: { containers: Container[]; initContainers?: Container[]; [key: string]: unknown };
}

export interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels?: Record<string, string>; [key: string]: unknown };
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  template: PodTemplate;
  [key: string]: unknown;
}

/** Fields the API server sets; they must not be applied back. */
const SERVER_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'ownerReferences'];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** A deep copy without the fields the API server owns (status, uid, resourceVersion, ...). */
export function cleanCopy<T extends KubeObject>(obj: T): T {
  const copy = cloneJson(obj);
  delete (copy as Record<string, unknown>).status;
  for (const key of SERVER_METADATA) delete copy.metadata[key];
  if (copy.metadata.annotations) {
    for (const key of SERVER_ANNOTATIONS) delete copy.metadata.annotations[key];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  return copy;
}

/** The Deployment spec of a Deployment object. */
export function deploymentSpec(obj: KubeObject): DeploymentSpec {
  const spec = obj.spec as DeploymentSpec | undefined;
  if (!spec?.template?.spec?.containers) {
    throw new InputError({ path: `Deployment ${obj.metadata.name}`, message: 'has no spec.template.spec.containers' });
  }
  return spec;
}

/** The container named `name`, or an input error that lists the containers there are. */
export function findContainer(obj: KubeObject, name: string, field: string): Container {
  const containers = deploymentSpec(obj).template.spec.containers;
  const found = containers.find((c) => c.name === name);
  if (!found) {
    throw new InputError({
      path: field,
      message: `Deployment ${obj.metadata.name} has no container "${name}"; its containers are: ${containers.map((c) => c.name).join(', ')}`,
    });
  }
  return found;
}

/** The value of an env var as written (undefined when absent or taken from `valueFrom`). */
export function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((e) => e.name === name)?.value;
}

/** Sets an env var in place (keeping its position), or appends it. */
export function setEnv(container: Container, name: string, value: string): void {
  container.env = container.env ?? [];
  const existing = container.env.find((e) => e.name === name);
  if (existing) {
    delete existing.valueFrom;
    existing.value = value;
  } else {
    container.env.push({ name, value });
  }
}

/**
 * Sets a KIC setting where the controller reads it: rewrites the flag when the args carry it
 * (an env var would be ignored), else sets the env var. `undefined` removes both.
 */
export function setControllerSetting(container: Container, env: string, value: string | undefined): void {
  const f = CONTROLLER_FLAGS[env];
  const found = f ? findFlag(container, f.flag, !!f.bool) : undefined;
  if (found) {
    const args = [...(container.args as string[])];
    args.splice(found.index, found.split ? 2 : 1, ...(value === undefined ? [] : [`${f!.flag}=${value}`]));
    container.args = args;
  }
  if (value === undefined) unsetEnv(container, env);
  else if (!found) setEnv(container, env, value);
}

/** Removes an env var if present. */
export function unsetEnv(container: Container, name: string): void {
  if (!container.env) return;
  container.env = container.env.filter((e) => e.name !== name);
}

/** Sets a pod-template annotation. */
export function setTemplateAnnotation(spec: DeploymentSpec, key: string, value: string): void {
  spec.template.metadata = spec.template.metadata ?? {};
  spec.template.metadata.annotations = { ...(spec.template.metadata.annotations ?? {}), [key]: value };
}

/**
 * Turns a copy of a blue Deployment into its green twin: the blue selector's labels replaced by
 * the green ones on the Deployment, its selector and its pods, plus the stack label.
 */
export function relabelGreen(obj: KubeObject, blue: Readonly<Record<string, string>>, green: Readonly<Record<string, string>>, stackLabel: string): void {
  const ds = deploymentSpec(obj);
  obj.metadata.labels = { ...relabel(obj.metadata.labels, blue, green), [stackLabel]: 'green' };
  ds.selector = { matchLabels: { ...green } };
  ds.template.metadata = ds.template.metadata ?? {};
  ds.template.metadata.labels = { ...relabel(ds.template.metadata.labels, blue, green), [stackLabel]: 'green' };
}

/** Replaces the values of `selector`'s keys in `labels` with the green ones, adding any missing. */
export function relabel(labels: Record<string, string> | undefined, from: Readonly<Record<string, string>>, to: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { ...(labels ?? {}) };
  for (const key of Object.keys(from)) delete out[key];
  return { ...out, ...to };
}
