/**
 * Whether the gates can reach the gateways' admin API. They read it through the API server's
 * pod proxy, so the API server (the control plane, outside the pod network on most clusters)
 * must reach each gateway pod's admin port. A NetworkPolicy that isolates the gateway pods and
 * admits that port only from pod or namespace selectors blocks it (networking.k8s.io/v1
 * semantics: a pod selected by a policy with the Ingress type admits only what one of those
 * policies' rules allows; a rule without `ports` allows every port, without `from` every source).
 * Pure: a warning for the plan when the user's manifests show such policies.
 */
import { KubeObject, ResolvedSpec } from '../spec/types';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function selects(selector: Any | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of (selector.matchExpressions ?? []) as Any[]) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values: string[] = e.values ?? [];
    if (e.operator === 'In' && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Whether a rule's `ports` admit the admin port (a number, or the container port's name). */
function admitsPort(rule: Any, port: number, portName: string | undefined): boolean {
  const ports = rule.ports as Any[] | undefined;
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if (p.protocol && p.protocol !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return p.port === portName;
    return p.endPort !== undefined ? p.port <= port && port <= p.endPort : p.port === port;
  });
}

/** Warnings about NetworkPolicies among the user's objects that would keep the gates from the admin API. */
export function adminReachabilityWarnings(spec: ResolvedSpec): string[] {
  if (!spec.gateway.adminReachable || spec.base.origin !== 'manifests') return [];
  const template = (spec.base.gatewayDeployment.spec as Any)?.template;
  const labels: Record<string, string> = template?.metadata?.labels ?? {};
  const port = spec.gateway.adminPort;
  const container = ((template?.spec?.containers ?? []) as Any[]).find((c) => c?.name === spec.gateway.container);
  const portName = ((container?.ports ?? []) as Any[]).find((p) => p?.containerPort === port)?.name;
  const policies = spec.base.all.filter(
    (o: KubeObject) =>
      o.kind === 'NetworkPolicy' &&
      (o.metadata.namespace ?? spec.namespace) === spec.namespace &&
      selects((o.spec as Any)?.podSelector, labels) &&
      (((o.spec as Any)?.policyTypes as string[] | undefined) ?? ['Ingress']).includes('Ingress'),
  );
  if (policies.length === 0) return [];
  const open = policies.some((o) =>
    (((o.spec as Any).ingress ?? []) as Any[]).some((r) => admitsPort(r, port, portName) && (!r.from || r.from.length === 0 || (r.from as Any[]).some((f) => f.ipBlock))),
  );
  if (open) return [];
  return [
    `NetworkPolicy ${policies.map((o) => o.metadata.name).join(', ')} isolates the gateway pods and admits the admin port (${port}) from no address block: the API server's pod proxy, the gates' only way to read the admin API, is likely blocked. Allow the control plane's addresses on port ${port} (an ipBlock rule), or every gate fails at its deadline (gate 01's preflight tells within minutes)`,
  ];
}
