/**
 * A container's environment as its process sees it: `envFrom` ConfigMaps and Secrets of the
 * input, then `env`. Kubernetes: a key in several `envFrom` sources takes the value of the last
 * one, and `env` wins over all of them; keys that are not valid env names are skipped
 * (kubernetes.io/docs/tasks/inject-data-application/configure-pod-configmap, "Configure all
 * key-value pairs in a ConfigMap as container environment variables";
 * k8s.io/kubernetes/pkg/kubelet/kubelet_pods.go makeEnvironmentVariables).
 *
 * Used only to read settings (KONG_DATABASE, KONG_ROUTER_FLAVOR, KONG_ROLE, CONTROLLER_*): the
 * emitted objects keep their own `envFrom`, and no value read from a Secret reaches the output.
 */
import { KubeObject } from '../types';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

interface EnvFromSource {
  prefix?: unknown;
  configMapRef?: { name?: unknown; optional?: unknown };
  secretRef?: { name?: unknown; optional?: unknown };
}

/** The fields of a container read here. */
export interface EnvContainer {
  name: string;
  env?: EnvVar[];
  envFrom?: unknown;
}

/** What `envFrom` of a container came to. */
export interface ResolvedEnv<C extends EnvContainer> {
  /** The container with `env` holding its explicit entries first, then those from `envFrom`. */
  readonly container: C;
  /** `ConfigMap x` / `Secret x` sources the input does not hold (their keys are unknown). */
  readonly unresolved: readonly string[];
}

/** C_IDENTIFIER-like env names as the kubelet accepts them (validation.IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The key/value pairs of a ConfigMap or Secret (Secret `data` is base64; `stringData` wins). */
function pairsOf(o: KubeObject): [string, string][] {
  const record = (x: unknown): [string, string][] =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.entries(x as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  if (o.kind === 'ConfigMap') return record((o as { data?: unknown }).data);
  const decoded = record((o as { data?: unknown }).data).map(([k, v]): [string, string] => [k, Buffer.from(v, 'base64').toString('utf8')]);
  return [...decoded, ...record((o as { stringData?: unknown }).stringData)];
}

/** `container` with its `envFrom` sources from `objects` (in `namespace`) folded into `env` for reading. */
export function resolveEnvFrom<C extends EnvContainer>(container: C, objects: readonly KubeObject[], namespace: string | undefined): ResolvedEnv<C> {
  const sources = Array.isArray(container.envFrom) ? (container.envFrom as EnvFromSource[]) : [];
  if (sources.length === 0) return { container, unresolved: [] };
  const fromSources = new Map<string, string>();
  const unresolved: string[] = [];
  for (const s of sources) {
    if (!s || typeof s !== 'object') continue;
    const ref = s.configMapRef ? { kind: 'ConfigMap', ...s.configMapRef } : s.secretRef ? { kind: 'Secret', ...s.secretRef } : undefined;
    if (!ref || typeof ref.name !== 'string') continue;
    const found = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name && (o.metadata.namespace ?? namespace) === namespace);
    if (!found) {
      if (ref.optional !== true) unresolved.push(`${ref.kind} ${ref.name}`);
      continue;
    }
    const prefix = typeof s.prefix === 'string' ? s.prefix : '';
    for (const [k, v] of pairsOf(found)) if (ENV_NAME.test(prefix + k)) fromSources.set(prefix + k, v);
  }
  const explicit = Array.isArray(container.env) ? container.env : [];
  const named = new Set(explicit.map((e) => e?.name));
  const folded = [...fromSources].filter(([k]) => !named.has(k)).map(([name, value]) => ({ name, value }));
  return { container: { ...container, env: [...explicit, ...folded] }, unresolved };
}
