/**
 * Where an installation runs and how a fleet selects it: its Argo CD cluster
 * (`spec.output.argocd.cluster`) and its labels (`metadata.labels`). Both matter only when
 * installations are rolled out together (`src/fleet`), but a single spec may carry them.
 */
import { z } from 'zod';
import { labelKey, labelValue } from './kubernetesSyntax';

/** Label keys this tool sets on what it emits; users may not set them. */
export const RESERVED_LABEL_PREFIX = 'kong-flavor-migrator/';

/** Why `key` is not a label key Kubernetes accepts (or one we reserve), or undefined. */
export function labelKeyProblem(key: string): string | undefined {
  if (key.startsWith(RESERVED_LABEL_PREFIX)) return `label "${key}": the prefix ${RESERVED_LABEL_PREFIX} is reserved for the labels kong-flavor sets`;
  const wrong = labelKey(key);
  return wrong ? `label "${key}" ${wrong}` : undefined;
}

/** Why `value` is not a label value Kubernetes accepts, or undefined. */
export function labelValueProblem(key: string, value: string): string | undefined {
  const wrong = labelValue(value);
  return wrong ? `label ${key}: "${value}" ${wrong}` : undefined;
}

/** `metadata.labels`: Kubernetes labels (a fleet's rollout steps select installations by them). */
export const LabelsSchema = z.record(z.string(), z.string({ message: 'a label value is a string (quote numbers and booleans)' })).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const problem = labelKeyProblem(key) ?? (typeof value === 'string' ? labelValueProblem(key, value) : undefined);
    if (problem) ctx.addIssue({ code: 'custom', path: [key], message: problem });
  }
});

/** An Argo CD destination cluster: its API server URL, or its name as registered in Argo CD. */
export const ArgoClusterSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[^\s'"`$\\]+$/, { message: 'an Argo CD cluster name (e.g. "prod-eu-1") or API server URL (e.g. "https://10.0.0.1:6443"): no spaces or quotes' });

/**
 * An Argo CD Application destination for `cluster`: a URL is a `server`, anything else a cluster
 * `name` (Argo CD refuses a destination with both; util/argo/argo.go GetDestinationServer,
 * argoproj/argo-cd v3). Without a cluster: the cluster Argo CD runs in.
 */
export function argoDestination(cluster: string | undefined): { name: string; server?: undefined } | { server: string; name?: undefined } {
  if (cluster === undefined) return { server: 'https://kubernetes.default.svc' };
  return /^https?:\/\//.test(cluster) ? { server: cluster } : { name: cluster };
}
