/**
 * The migration spec as users write it (DESIGN.md "Input"). Strict: an unknown field is an
 * error, so a typo cannot pass silently. Fields a `source` can tell are optional here;
 * `resolve.ts` fills them from the source and from `DEFAULTS`, then checks the rules
 * across fields.
 */
import { z } from 'zod';
import { FLAVORS } from '../model/flavor';
import { isIntOrPercent } from './intOrPercent';
import { DNS_1035_LABEL, DNS_1123_LABEL as DNS_LABEL, dns1123Subdomain, featureGateList, imageReference } from './kubernetesSyntax';

export { DNS_LABEL, DNS_1035_LABEL };
import { ArgoClusterSchema, LabelsSchema } from './placement';


/** A DNS-1123 label field whose messages name `what` (a Deployment name, metadata.name, ...). */
export const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, { message: `${what} must be at most 63 characters` })
    .regex(DNS_LABEL, {
      message: `${what} must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit`,
    });

const serviceName = z
  .string()
  .max(63, { message: 'a Service name must be at most 63 characters' })
  .regex(DNS_1035_LABEL, {
    message: "a Service name must be a DNS-1035 label: lower-case letters, digits and '-', starting with a letter",
  });

const intOrPercent = z.custom<number | string>((v) => isIntOrPercent(v), {
  message: 'expected an integer >= 0 or a percentage such as "25%"',
});

/** A version written in the spec. YAML reads `3.10` as a number; the loader keeps the text. */
const versionText = z.string().min(1, { message: 'a version such as "3.9.1"' });

/** A string that passes one of the syntax rules of kubernetesSyntax.ts (the message says which). */
const checked = (rule: (v: string) => string | undefined) =>
  z.string().superRefine((v, ctx) => {
    const wrong = rule(v);
    if (wrong) ctx.addIssue({ code: 'custom', message: wrong });
  });

const image = checked(imageReference);
/** Git revision, repository folder and project as Argo CD takes them: no spaces, quotes or shell syntax. */
const gitText = z.string().min(1).max(512).regex(/^[A-Za-z0-9._~^@:+=,/-]+$/, { message: "letters, digits and . _ ~ ^ @ : + = , / - only" });

export const FlavorSchema = z.enum(FLAVORS);
export const StrategySchema = z.enum(['auto', 'rolling', 'blue-green', 'maintenance']);
export const TopologySchema = z.enum(['separate', 'sidecar']);
export const DatabaseSchema = z.enum(['off', 'postgres']);

/** The KIC container inside the gateway pod (sidecar topology). */
export const SidecarSchema = z.strictObject({
  container: dnsLabel('a container name').optional(),
  image: image.optional(),
  version: versionText.optional(),
  /** Extra `CONTROLLER_FEATURE_GATES` already set (KIC 2.x), e.g. `ExpressionRoutes=true`. */
  featureGates: checked(featureGateList).optional(),
});

export const GatewaySchema = z.strictObject({
  deployment: dnsLabel('a Deployment name').optional(),
  container: dnsLabel('a container name').optional(),
  image: image.optional(),
  version: versionText.optional(),
  replicas: z.number().int().min(1, { message: 'replicas must be at least 1' }).max(10000).optional(),
  maxSurge: intOrPercent.optional(),
  maxUnavailable: intOrPercent.optional(),
  adminService: serviceName.optional(),
  proxyService: serviceName.optional(),
  adminPort: z.number().int().min(1).max(65535).optional(),
  /** Name of the parallel gateway Deployment in blue-green plans (default `<deployment>-green`). */
  greenDeployment: dnsLabel('a Deployment name').optional(),
  /** Sidecar topology only: the controller container in the gateway pod. */
  sidecar: SidecarSchema.optional(),
});

export const ControllerSchema = z.strictObject({
  deployment: dnsLabel('a Deployment name').optional(),
  container: dnsLabel('a container name').optional(),
  image: image.optional(),
  version: versionText.optional(),
  replicas: z.number().int().min(1, { message: 'replicas must be at least 1' }).max(100).optional(),
  /** `CONTROLLER_ELECTION_ID` (default KIC's `5b374a9e.konghq.com`). */
  electionId: checked(dns1123Subdomain).optional(),
  /** `CONTROLLER_FEATURE_GATES` as set today (KIC 2.x), e.g. `ExpressionRoutes=true`. */
  featureGates: checked(featureGateList).optional(),
  /** Admission webhook Service selecting the controller pods. */
  webhookService: serviceName.optional(),
  /** Name of the parallel controller Deployment in blue-green plans (default `<deployment>-green`). */
  greenDeployment: dnsLabel('a Deployment name').optional(),
});

export const HelmSourceSchema = z.strictObject({
  chart: z.enum(['kong', 'ingress']),
  release: dnsLabel('a release name'),
  namespace: dnsLabel('a namespace').optional(),
  /** A values file, or several merged in order (`-f a -f b`). */
  values: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  /** The chart version the release runs (`helm list`: CHART `ingress-0.14.0` -> `0.14.0`). */
  version: versionText.optional(),
});

export const SourceSchema = z
  .strictObject({
    manifests: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** One release, or two kong/kong releases (gateway discovery: the gateways' and the controller's). */
    helm: z.union([HelmSourceSchema, z.array(HelmSourceSchema).min(1).max(2)]).optional(),
    /** Routing objects for the route report (Ingress, HTTPRoute, ...): a file, files or folders. */
    routes: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
  })
  .refine((s) => !(s.manifests && s.helm), { message: 'give either manifests or helm, not both' })
  .refine((s) => s.manifests || s.helm || s.routes, { message: 'give manifests (file, files or folder), helm, or routes' });

/** `spec.routes`: which route findings refuse a plan (src/routes). */
export const RoutesSchema = z.strictObject({
  failOn: z.enum(['rejected', 'changed', 'never']).optional(),
});

export const ArgoCdSchema = z.strictObject({
  mode: z.enum(['waves', 'app-per-phase']).optional(),
  repoURL: gitText.optional(),
  path: gitText.refine((p) => !p.split('/').some((s) => s === '..' || s === '.') && !p.startsWith('/'), { message: "a folder inside the repository: no '..', '.' or leading '/'" }).optional(),
  targetRevision: gitText.optional(),
  project: checked(dns1123Subdomain).optional(),
  /** The Argo CD cluster (name or API server URL) this installation runs in. @default the cluster Argo CD runs in */
  cluster: ArgoClusterSchema.optional(),
});

export const OutputSchema = z.strictObject({
  argocd: ArgoCdSchema.optional(),
});

export const HooksSchema = z.strictObject({
  image: image.optional(),
  /** Every gate's deadline; when absent each gate's is derived from its phase's estimate. */
  timeoutSeconds: z.number().int().min(30).max(86400).optional(),
  /** UID/GID of the hook Jobs; `null` leaves them to the platform (OpenShift's restricted SCC assigns one). */
  runAsUser: z.union([z.number().int().min(1).max(2147483647), z.null()]).optional(),
  /** Seconds a cutover gate keeps seeing the right endpoints before blue may retire. */
  cutoverSoakSeconds: z.number().int().min(0).max(3600).optional(),
});

export const SpecBodySchema = z.strictObject({
  to: FlavorSchema,
  from: FlavorSchema.optional(),
  strategy: StrategySchema.optional(),
  allowDowntime: z.boolean().optional(),
  namespace: dnsLabel('a namespace').optional(),
  topology: TopologySchema.optional(),
  database: DatabaseSchema.optional(),
  gateway: GatewaySchema.optional(),
  controller: ControllerSchema.optional(),
  source: SourceSchema.optional(),
  output: OutputSchema.optional(),
  hooks: HooksSchema.optional(),
  routes: RoutesSchema.optional(),
});

export const MigrationSpecSchema = z.strictObject({
  apiVersion: z.literal('kong-flavor-migrator/v1alpha1'),
  kind: z.literal('RouterFlavorMigration'),
  metadata: z.strictObject({ name: dnsLabel('metadata.name'), labels: LabelsSchema.optional() }),
  spec: SpecBodySchema,
});

/** A spec as written, after the schema accepted it. */
export type MigrationSpecInput = z.infer<typeof MigrationSpecSchema>;
export type SpecBody = z.infer<typeof SpecBodySchema>;
export type GatewayInput = z.infer<typeof GatewaySchema>;
export type ControllerInput = z.infer<typeof ControllerSchema>;
