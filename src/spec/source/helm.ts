/**
 * `source.helm`: the facts of an installation read from the user's values for the `kong/kong`
 * or `kong/ingress` chart, merged over the chart's defaults as Helm merges them, with resource
 * names as the chart computes them (release `kong` + chart `ingress` -> `kong-gateway`,
 * `kong-controller`; chart `kong` -> `kong-kong`, honouring `fullnameOverride` / `nameOverride`).
 */
import * as path from 'path';
import * as YAML from 'yaml';
import { FLAVORS, Flavor } from '../../model/flavor';
import { inputError } from '../errors';
import { readInputFile } from '../files';
import { IntOrPercent, isIntOrPercent } from '../intOrPercent';
import { SourceFacts } from '../resolve';
import { MigrationSpecInput } from '../schema';
import { HelmSource } from '../types';
import { INGRESS_CHART_VALUES, KONG_CHART_DEFAULTS } from './chartDefaults';

type Values = { [key: string]: unknown };

const isMap = (v: unknown): v is Values => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Merges values files as Helm does: maps merge key by key, a `null` deletes the key, anything
 * else (lists included) replaces. Hand-written: Helm's own merge (`chartutil.CoalesceTables`)
 * is Go; its rules fit in these lines.
 */
export function helmMerge(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = helmMerge(out[k] as Values, v);
    else out[k] = v;
  }
  return out;
}

/** A value at a dotted path. */
export function valueAt(values: Values, dotted: string): unknown {
  return dotted.split('.').reduce<unknown>((cur, k) => (isMap(cur) ? cur[k] : undefined), values);
}

const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

/** `kong.fullname`: `fullnameOverride`, else `<release>-<nameOverride or chart name>`, cut to 63. */
export function chartFullname(release: string, chartName: string, values: Values): string {
  const override = str(values.fullnameOverride);
  if (override) return override.slice(0, 63).replace(/-+$/, '');
  const name = str(values.nameOverride) || chartName;
  return `${release}-${name}`.slice(0, 63).replace(/-+$/, '');
}

/** `kong.selectorLabels`: what the chart's Deployment selects its pods by. */
export function chartSelector(release: string, chartName: string, values: Values): Record<string, string> {
  return {
    'app.kubernetes.io/name': str(values.nameOverride) || chartName,
    'app.kubernetes.io/component': 'app',
    'app.kubernetes.io/instance': release,
  };
}

function imageOf(values: Values, prefix: string): { image?: string; version?: string } {
  const repo = str(valueAt(values, `${prefix}.repository`));
  const tag = str(valueAt(values, `${prefix}.tag`));
  const semver = str(valueAt(values, `${prefix}.effectiveSemver`));
  return { ...(repo ? { image: tag ? `${repo}:${tag}` : repo } : {}), ...(semver ? { version: semver } : {}) };
}

function strategyOf(values: Values): { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } {
  const ru = valueAt(values, 'updateStrategy.rollingUpdate');
  if (!isMap(ru)) return {};
  return {
    ...(isIntOrPercent(ru.maxSurge) ? { maxSurge: ru.maxSurge } : {}),
    ...(isIntOrPercent(ru.maxUnavailable) ? { maxUnavailable: ru.maxUnavailable } : {}),
  };
}

function flavorOf(values: Values, field: string): Flavor {
  const v = str(valueAt(values, 'env.router_flavor')) ?? KONG_CHART_DEFAULTS.env.router_flavor;
  if (!(FLAVORS as readonly string[]).includes(v)) throw inputError(field, `router_flavor "${v}" is not a flavor (${FLAVORS.join(', ')})`);
  return v as Flavor;
}

/** What a kong-chart Deployment's values say about its gateway, the same for both charts. */
function gatewayFacts(release: string, chartName: string, v: Values) {
  return {
    deployment: chartFullname(release, chartName, v),
    container: 'proxy',
    ...imageOf(v, 'image'),
    replicas: Number(valueAt(v, 'replicaCount') ?? 1),
    ...strategyOf(v),
    adminPort: Number(valueAt(v, 'admin.tls.containerPort') ?? 8444),
    adminScheme: 'https' as const,
    selector: chartSelector(release, chartName, v),
  };
}

/** `env.database` as the chart sets `KONG_DATABASE`. */
const databaseOf = (v: Values) => (str(valueAt(v, 'env.database')) === 'off' ? ('off' as const) : ('postgres' as const));

/** Reads the user's values file (a map), or none. */
function userValues(file: string | undefined, specDir: string): Values {
  if (!file) return {};
  const full = path.resolve(specDir, file);
  const text = readInputFile(full, 'spec.source.helm.values', 4 * 1024 * 1024);
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw inputError('spec.source.helm.values', `${file} is not valid YAML${e.linePos?.[0] ? ` (line ${e.linePos[0].line})` : ''}: ${e.message.split('\n')[0]}`);
  }
  const data = doc.toJS() as unknown;
  if (data === null || data === undefined) return {};
  if (!isMap(data)) throw inputError('spec.source.helm.values', `${file} must hold a map of values`);
  return data;
}

/** The facts of `source.helm`. */
export function readHelm(input: MigrationSpecInput, specDir: string): SourceFacts {
  const src = input.spec.source!.helm!;
  const user = userValues(src.values, specDir);
  const warnings: string[] = ['spec.source is chart values: the phases/ and kustomize/ manifests are modelled on the chart; deliver with the values in helm/'];
  const namespace = src.namespace ?? str(user.namespace) ?? input.spec.namespace;
  const own = valueAt(user, src.chart === 'ingress' ? 'controller.extraObjects' : 'extraObjects');
  const helm: HelmSource = {
    chart: src.chart,
    release: src.release,
    namespace: namespace ?? 'default',
    ...(src.values ? { values: src.values } : {}),
    ...(Array.isArray(own) && own.length > 0 ? { extraObjects: own } : {}),
  };
  const release = src.release;

  if (src.chart === 'kong') {
    const v = helmMerge(KONG_CHART_DEFAULTS as unknown as Values, user);
    const field = 'spec.source.helm.values';
    if (valueAt(v, 'deployment.kong.enabled') === false) {
      throw inputError(field, `release ${release} runs no Kong gateway (deployment.kong.enabled: false); point spec.source at the release that runs the gateways`);
    }
    const sidecar = valueAt(v, 'ingressController.enabled') !== false;
    if (valueAt(v, 'autoscaling.enabled') === true) warnings.push('autoscaling.enabled: the HPA owns the replica count; the plan uses replicaCount');
    const fullname = chartFullname(release, 'kong', v);
    const proxyOverride = str(valueAt(v, 'proxy.nameOverride'));
    const kic = imageOf(v, 'ingressController.image');
    return {
      from: flavorOf(v, field),
      ...(namespace ? { namespace } : {}),
      topology: sidecar ? 'sidecar' : 'separate',
      database: databaseOf(v),
      gateway: {
        ...gatewayFacts(release, 'kong', v),
        proxyService: proxyOverride ? proxyOverride.replace('{{ .Release.Name }}', release) : `${fullname}-proxy`,
        adminService: `${fullname}-admin`,
        adminReachable: !sidecar && valueAt(v, 'admin.enabled') === true,
        ...(sidecar
          ? { sidecar: { container: 'ingress-controller', ...(kic.image ? { image: kic.image } : {}), ...(kic.version ? { version: kic.version } : {}), featureGates: str(valueAt(v, 'ingressController.env.feature_gates')) } }
          : {}),
      },
      baseOrigin: 'helm',
      helm,
      warnings,
    };
  }

  // kong/ingress: `gateway` and `controller` are two releases of the kong chart in one.
  const gv = helmMerge(helmMerge(KONG_CHART_DEFAULTS as unknown as Values, INGRESS_CHART_VALUES.gateway as unknown as Values), isMap(user.gateway) ? user.gateway : {});
  const cv = helmMerge(helmMerge(KONG_CHART_DEFAULTS as unknown as Values, INGRESS_CHART_VALUES.controller as unknown as Values), isMap(user.controller) ? user.controller : {});
  const gwName = chartFullname(release, 'gateway', gv);
  const ctrlName = chartFullname(release, 'controller', cv);
  const ingressClass = str(valueAt(cv, 'ingressController.ingressClass')) ?? 'kong';
  const adminSvc = str(valueAt(cv, 'ingressController.gatewayDiscovery.adminApiService.name')) || `${release}-gateway-admin`;
  if (valueAt(gv, 'autoscaling.enabled') === true) warnings.push('gateway.autoscaling.enabled: the HPA owns the replica count; the plan uses gateway.replicaCount');
  return {
    from: flavorOf(gv, 'spec.source.helm.values'),
    ...(namespace ? { namespace } : {}),
    topology: 'separate',
    database: databaseOf(gv),
    gateway: {
      ...gatewayFacts(release, 'gateway', gv),
      proxyService: `${gwName}-proxy`,
      adminService: adminSvc,
      adminReachable: true,
    },
    controller: {
      deployment: ctrlName,
      container: 'ingress-controller',
      ...imageOf(cv, 'ingressController.image'),
      replicas: Number(valueAt(cv, 'replicaCount') ?? 1),
      electionId: str(valueAt(cv, 'ingressController.env.election_id')) ?? `kong-ingress-controller-leader-${ingressClass}`,
      featureGates: str(valueAt(cv, 'ingressController.env.feature_gates')),
      webhookService: `${ctrlName}-validation-webhook`,
      selector: chartSelector(release, 'controller', cv),
    },
    baseOrigin: 'helm',
    helm,
    warnings,
  };
}
