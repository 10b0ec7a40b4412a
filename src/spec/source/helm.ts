/**
 * `source.helm`: the facts of an installation read from the user's values for the `kong/kong`
 * or `kong/ingress` chart, merged over the defaults of the chart version they run
 * (`chartDefaults.ts`) as Helm merges them, with resource names as the chart computes them
 * (release `kong` + chart `ingress` -> `kong-gateway`, `kong-controller`; chart `kong` ->
 * `kong-kong`, honouring `fullnameOverride` / `nameOverride`). Gateway discovery as two
 * `kong/kong` releases (a gateway release and a controller release, Kong/charts
 * `example-values/minimal-kong-gd-*.yaml`) is read from a list of two releases.
 */
import * as path from 'path';
import { FLAVORS, Flavor } from '../../model/flavor';
import { defaultFlavor } from '../../model/rules';
import { inputError } from '../errors';
import { readInputFile } from '../files';
import { ParsedDocument, parseYamlFile } from '../yamlInput';
import { IntOrPercent, isIntOrPercent } from '../intOrPercent';
import { SourceFacts } from '../resolve';
import { MigrationSpecInput } from '../schema';
import { RESTART_ANNOTATION } from '../../plan/state';
import { PodTemplateFacts } from '../modelled';
import { ChartDeploymentSettings, HelmRelease } from '../types';
import { ChartDefaults, ChartName, chartDefaults, compareChartVersions, isNewerThanKnown, nearestChartVersions, newestChartVersion, normalizeChartVersion } from './chartDefaults';
import { KONG_CHART_TOP_LEVEL_KEYS } from './chartReleases';
import { hybridRefusal, isKonnectDataPlane } from './hybrid';

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

const str = (v: unknown) => (v === undefined || v === null || v === '' ? undefined : String(v));

/** `kong.fullname`: `fullnameOverride`, else `<release>-<nameOverride or chart name>`, cut to 63. */
export function chartFullname(release: string, chartName: string, values: Values): string {
  const override = str(values.fullnameOverride);
  if (override) return override.slice(0, 63).replace(/-+$/, '');
  const name = str(values.nameOverride) || chartName;
  return `${release}-${name}`.slice(0, 63).replace(/-+$/, '');
}

/**
 * `kong.selectorLabels`: what the chart's Deployment selects its pods by (the pod template
 * carries them too). The same at every kong tag from kong-2.0.0 to kong-3.4.1
 * (charts/kong/templates/_helpers.tpl): name (`kong.name`: nameOverride, else the chart name,
 * which a kong/ingress alias replaces with `gateway` / `controller`, cut to 63), component
 * `app`, instance (the release).
 */
export function chartSelector(release: string, chartName: string, values: Values): Record<string, string> {
  return {
    'app.kubernetes.io/name': (str(values.nameOverride) || chartName).slice(0, 63).replace(/-+$/, ''),
    'app.kubernetes.io/component': 'app',
    'app.kubernetes.io/instance': release,
  };
}

/** One release's input as the spec gives it. */
interface ReleaseInput {
  readonly chart: ChartName;
  readonly release: string;
  readonly namespace?: string;
  readonly values?: string | readonly string[];
  readonly version?: string;
}

/** One release, read: the user's values, the chart defaults they go over, where they were read. */
interface ReadRelease {
  readonly input: ReleaseInput;
  /** `spec.source.helm` or `spec.source.helm[i]`: where messages point. */
  readonly field: string;
  readonly files: readonly string[];
  readonly user: Values;
  readonly defaults: ChartDefaults;
  /** The defaults are those of the release's own chart version. */
  readonly exact: boolean;
  readonly warnings: string[];
}

/** The values files of a release (one or a list, merged in order as `-f a -f b`). */
const valuesFiles = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** A rendered release or any file of Kubernetes objects is not values: say what to do instead. */
function objectsInstead(docs: readonly ParsedDocument[], file: string, field: string): void {
  const objects = docs
    .map((d) => d.data)
    .filter((d): d is Values => isMap(d) && typeof d.apiVersion === 'string' && typeof d.kind === 'string');
  if (objects.length === 0) return;
  const kinds = [...new Set(objects.map((o) => o.kind as string))].slice(0, 4).join(', ');
  throw inputError(
    field,
    `${file} holds ${objects.length} Kubernetes object${objects.length === 1 ? '' : 's'} (${kinds}), not chart values: a rendered release (helm get manifest) goes in spec.source.manifests`,
  );
}

/** Reads and merges the user's values files (maps), or none. */
function userValues(files: readonly string[], specDir: string, field: string): Values {
  let merged: Values = {};
  for (const file of files) {
    const full = path.resolve(specDir, file);
    const text = readInputFile(full, field, 4 * 1024 * 1024);
    const docs = parseYamlFile(text, file, { field });
    objectsInstead(docs, file, field);
    if (docs.length > 1) throw inputError(field, `${file} holds ${docs.length} YAML documents; a values file is one map`);
    const data = docs[0]?.data;
    if (data === null || data === undefined) continue;
    if (!isMap(data)) throw inputError(field, `${file} must hold a map of values`);
    merged = helmMerge(merged, data);
  }
  return merged;
}

/** Values written for the other chart are refused, saying which chart they fit (by their top-level keys). */
/** kong/kong keys that say "these values configure Kong" when found one level down (an umbrella chart's subchart values). */
const KONG_VALUE_MARKERS = ['image', 'env', 'ingressController', 'proxy', 'admin', 'replicaCount', 'deployment', 'dblessConfig', 'enterprise'];

/**
 * Values written for another chart than the one named: kong/ingress values given as kong/kong
 * (or the reverse), kong/kong values nested under a key of an umbrella chart that depends on
 * it (`kong:`), and bitnami/kong values (`database`, `image.registry`). Helm would run
 * `helm upgrade <release> kong/<chart>` over a release of another chart, which replaces it;
 * so these are refused, naming what was found. Returns warnings for what is only ignored.
 */
function checkChart(chart: ChartName, user: Values, where: string, field: string): string[] {
  const keys = Object.keys(user);
  const wrongChart = (message: string) => inputError(`${field}.chart`, `${where} ${message}`);
  // bitnami/kong (bitnami/charts, bitnami/kong/values.yaml): a top-level `database` and an image with a `registry`.
  const image = user.image;
  if (typeof user.database === 'string' || (isMap(image) && 'registry' in image && !('unifiedRepoTag' in image))) {
    throw wrongChart(
      `looks like values of the bitnami/kong chart (${[typeof user.database === 'string' ? 'database' : '', isMap(image) && 'registry' in image ? 'image.registry' : ''].filter(Boolean).join(', ')}), not Kong's kong/${chart}: kong-flavor models the Kong/charts charts. Give the rendered release as manifests instead (helm get manifest <release> > kong.yaml; spec.source.manifests, or -f kong.yaml)`,
    );
  }
  // An umbrella chart: the kong/kong (or kong/ingress) values sit under its dependency's key.
  const nested = keys.filter((k) => {
    const sub = user[k];
    if (!isMap(sub) || KONG_CHART_TOP_LEVEL_KEYS.includes(k) || k === 'controller' || k === 'gateway') return false;
    return Object.keys(sub).filter((x) => KONG_VALUE_MARKERS.includes(x)).length >= 2 || (isMap(sub.gateway) && isMap(sub.controller));
  });
  if (nested.length > 0) {
    throw wrongChart(
      `holds Kong chart values under ${nested.map((k) => `\`${k}\``).join(', ')}: the values of a chart that depends on kong/kong or kong/ingress (an umbrella chart). kong-flavor would run helm upgrade with kong/${chart} itself, which replaces your chart and drops those values. Give the rendered release as manifests instead (helm get manifest <release> > kong.yaml; spec.source.manifests, or -f kong.yaml), or the subchart's values alone with your own upgrade command`,
    );
  }
  if (chart === 'kong') {
    const ingressKeys = keys.filter((k) => (k === 'controller' || k === 'gateway') && isMap(user[k]));
    if (ingressKeys.length === 0) return [];
    const kongKeys = keys.filter((k) => k !== 'deployment' && KONG_CHART_TOP_LEVEL_KEYS.includes(k));
    if (kongKeys.length === 0) {
      throw wrongChart(
        `has top-level ${ingressKeys.join(' and ')}, which the kong/kong chart does not read: these are values for kong/ingress (set chart: ingress), or move their contents to the top level`,
      );
    }
    // Mostly kong/kong values with a stray block: Helm ignores it, and so does the plan.
    return [`${where} has top-level ${ingressKeys.join(' and ')} beside kong/kong values (${kongKeys.slice(0, 3).join(', ')}): kong/kong does not read ${ingressKeys.length > 1 ? 'them' : 'it'}, so the release runs without what ${ingressKeys.length > 1 ? 'they set' : 'it sets'} (image, env, ...); the plan reads what the chart reads`];
  }
  // `deployment` is a key of both charts (kong/ingress uses deployment.test).
  const kongKeys = keys.filter((k) => k !== 'deployment' && KONG_CHART_TOP_LEVEL_KEYS.includes(k));
  if (kongKeys.length > 0) {
    throw wrongChart(
      `has top-level ${kongKeys.slice(0, 5).join(', ')}, which kong/ingress ignores (it reads gateway.* and controller.*): these are values for kong/kong (set chart: kong), or move them under gateway: (or controller:)`,
    );
  }
  return [];
}

/** Reads one release: its values and the defaults of its chart version. */
function readRelease(input: ReleaseInput, field: string, specDir: string): ReadRelease {
  const files = valuesFiles(input.values);
  const user = userValues(files, specDir, `${field}.values`);
  const where = files.length ? files.join(', ') : 'the values';
  const warnings: string[] = checkChart(input.chart, user, where, field);
  const newest = newestChartVersion(input.chart);
  if (input.version === undefined) {
    return { input, field, files, user, defaults: chartDefaults(input.chart, newest)!, exact: false, warnings };
  }
  const version = normalizeChartVersion(input.chart, input.version);
  if (!version) {
    throw inputError(`${field}.version`, `"${input.version}" is not a ${input.chart} chart version; write it as helm list shows it without the chart name (CHART ${input.chart}-0.14.0 -> "0.14.0")`);
  }
  const exact = chartDefaults(input.chart, version);
  if (exact) return { input, field, files, user, defaults: exact, exact: true, warnings };
  if (!isNewerThanKnown(input.chart, version)) {
    throw inputError(`${field}.version`, `kong/${input.chart} ${version} was never released; releases near it: ${nearestChartVersions(input.chart, version).join(', ')}`);
  }
  warnings.push(
    `kong/${input.chart} ${version} is newer than the newest chart this tool knows (${newest}): names and defaults are modelled on ${newest}; check the plan's Deployment and Service names against helm get manifest ${input.release}`,
  );
  return { input, field, files, user, defaults: chartDefaults(input.chart, newest)!, exact: false, warnings };
}

/** An image as the chart renders it (`kong.getRepoTag`), its version and where it was read. */
interface ImageFacts {
  readonly image?: string;
  readonly version?: string;
  /** The user's values set it (tag, unifiedRepoTag or effectiveSemver), rather than the chart default. */
  readonly pinned: boolean;
  readonly origin: string;
}

/**
 * `image.unifiedRepoTag` wins over `image.repository` + `image.tag` (`kong.getRepoTag`); the
 * version is `image.effectiveSemver` when set, else the tag's (`kong.effectiveVersion` strips
 * `-redhat`; `parseVersion` reads that and the other suffixes Kong's tags use).
 */
function imageOf(merged: Values, user: Values, prefix: string, r: ReadRelease, deployment: string, userPrefix = prefix): ImageFacts {
  const at = (k: string) => str(valueAt(merged, `${prefix}.${k}`));
  const set = (k: string) => str(valueAt(user, `${userPrefix}.${k}`)) !== undefined;
  const unified = at('unifiedRepoTag');
  const repo = at('repository');
  const tag = at('tag');
  const semver = at('effectiveSemver');
  const image = unified ?? (repo ? (tag ? `${repo}:${tag}` : repo) : undefined);
  const pinned = set('unifiedRepoTag') || set('tag') || set('effectiveSemver');
  const key = semver && set('effectiveSemver') ? 'effectiveSemver' : unified ? 'unifiedRepoTag' : 'tag';
  const origin = pinned
    ? `${userPrefix}.${key} in ${r.files.join(', ') || 'the values'} (Deployment ${deployment})`
    : `the default ${prefix}.${key} of kong/${r.input.chart} ${r.defaults.version} (Deployment ${deployment}; ${r.defaults.source})`;
  return { ...(image ? { image } : {}), ...(semver ? { version: semver } : {}), pinned, origin };
}

/** `updateStrategy.type: Recreate` (rendered as the Deployment's `strategy`, charts/kong/templates/deployment.yaml at kong-3.2.0 and kong-3.4.1). */
const isRecreate = (values: Values) => valueAt(values, 'updateStrategy.type') === 'Recreate';

/**
 * The rolling budget of `updateStrategy`. With `type: Recreate` every pod goes down before new
 * ones start, so the phases' values set RollingUpdate instead: surge-only (maxUnavailable 0),
 * the budget the plan is verified with (`ChartDeploymentSettings.recreate`).
 */
function strategyOf(values: Values): { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } {
  if (isRecreate(values)) return { maxUnavailable: 0 };
  const ru = valueAt(values, 'updateStrategy.rollingUpdate');
  if (!isMap(ru)) return {};
  return {
    ...(isIntOrPercent(ru.maxSurge) ? { maxSurge: ru.maxSurge } : {}),
    ...(isIntOrPercent(ru.maxUnavailable) ? { maxUnavailable: ru.maxUnavailable } : {}),
  };
}

/**
 * What the phases' values must work around for one Deployment, with the warnings that say so.
 * `prefix` is the values path of the Deployment (`gateway.`, `controller.` or none).
 */
function settingsOf(v: Values, prefix: string, deployment: string, warnings: string[]): ChartDeploymentSettings {
  const recreate = isRecreate(v);
  const autoscaling = valueAt(v, 'autoscaling.enabled') === true;
  const podDisruptionBudget = valueAt(v, 'podDisruptionBudget.enabled') === true;
  if (recreate) {
    warnings.push(
      `${prefix}updateStrategy.type: Recreate: Deployment ${deployment} would stop every pod before starting new ones; the phases' values set ${prefix}updateStrategy to RollingUpdate with maxUnavailable 0, and values-final.yaml leaves your Recreate to come back with your values`,
    );
  }
  if (autoscaling) {
    warnings.push(
      `${prefix}autoscaling.enabled: the HPA owns the replica count of ${deployment} (the chart renders no replicas then); a phase that scales it sets ${prefix}autoscaling.enabled: false with an explicit ${prefix}replicaCount, and the HPA comes back in the phase that restores the replicas`,
    );
  }
  return { ...(recreate ? { recreate } : {}), ...(autoscaling ? { autoscaling } : {}), ...(podDisruptionBudget ? { podDisruptionBudget } : {}) };
}

/**
 * A DaemonSet is refused: `deployment.daemonset: true` makes the chart render `kind: DaemonSet`
 * with no `replicas` and an `updateStrategy` of its own (charts/kong/templates/deployment.yaml
 * from kong-2.1.0; at kong-3.4.1 lines 3-7, 22, 33-34), which rolls node by node with a budget
 * the plan does not model, and the gates wait for a Deployment that does not exist.
 */
function refuseDaemonSet(v: Values, field: string, prefix: string, deployment: string): void {
  if (valueAt(v, 'deployment.daemonset') !== true) return;
  throw inputError(
    `${field}.values`,
    `${prefix}deployment.daemonset is true: the chart runs ${deployment} as a DaemonSet (one pod per node, no replica count, its own node-by-node rollout), and kong-flavor plans, verifies and gates Deployments only. Migrate it by hand, or run the gateways as a Deployment (${prefix}deployment.daemonset: false) first`,
  );
}

/**
 * The ServiceAccount a kong-chart pod runs as (\`kong.serviceAccountName\` in
 * charts/kong/templates/_helpers.tpl, used by deployment.yaml). From kong-2.4.0 (the same at
 * kong-3.2.0 and kong-3.4.1): the template names one when deployment.serviceAccount.create or
 * .name is set: .name, else kong.fullname when create, else "default". Before kong-2.4.0
 * (kong-2.0.0): the same rule on ingressController.serviceAccount, named only when
 * ingressController.enabled or podSecurityPolicy.enabled. `null`: the template names none.
 */
function serviceAccountOf(v: Values, kongChartVersion: string, fullname: string): string | null {
  const modern = compareChartVersions(kongChartVersion, '2.4.0') >= 0;
  const sa = modern ? 'deployment.serviceAccount' : 'ingressController.serviceAccount';
  const create = valueAt(v, `${sa}.create`) === true;
  const name = str(valueAt(v, `${sa}.name`));
  const named = modern ? create || !!name : valueAt(v, 'ingressController.enabled') !== false || valueAt(v, 'podSecurityPolicy.enabled') === true;
  if (!named) return null;
  return name ?? (create ? fullname : 'default');
}

/** The pod-template fields a kong-chart Deployment gets from its values, for the modelled objects. */
function podTemplateOf(v: Values, r: ReadRelease, fullname: string): PodTemplateFacts {
  const annotations = valueAt(v, 'podAnnotations');
  const restartFor = isMap(annotations) ? str(annotations[RESTART_ANNOTATION]) : undefined;
  return {
    serviceAccountName: serviceAccountOf(v, r.defaults.kong.version, fullname),
    // The plan's own annotation from an earlier run: the restart must pick another value.
    ...(restartFor ? { annotations: { [RESTART_ANNOTATION]: restartFor } } : {}),
  };
}

/**
 * Where a Kong setting the plan reads comes from that the values do not show: `env.<name>` as a
 * map (`valueFrom`, which the chart's kong.env helper renders as such), or an `envFrom` list
 * (a ConfigMap or Secret may set KONG_<NAME>; charts/kong/templates/_helpers.tpl at kong-3.4.1).
 */
function hiddenSetting(values: Values, name: string, prefix: string): string | undefined {
  const v = valueAt(values, `env.${name}`);
  if (isMap(v)) return `${prefix}env.${name} comes from valueFrom`;
  const envFrom = valueAt(values, 'envFrom');
  if (v === undefined && Array.isArray(envFrom) && envFrom.length > 0) return `${prefix}envFrom may set KONG_${name.toUpperCase()} (${prefix}env.${name} is not set)`;
  return undefined;
}

/** `env.router_flavor` when the values write a flavor there (not valueFrom, not a typo). */
function writtenFlavor(v: Values): Flavor | undefined {
  const x = valueAt(v, 'env.router_flavor');
  return typeof x === 'string' && (FLAVORS as readonly string[]).includes(x) ? (x as Flavor) : undefined;
}

/** `env.router_flavor`, else Kong's own default (charts before kong 2.13 set none). */
function flavorOf(input: MigrationSpecInput, values: Values, field: string, prefix: string): Flavor {
  const hidden = hiddenSetting(values, 'router_flavor', prefix);
  if (hidden) {
    if (input.spec.from) return input.spec.from;
    throw inputError('spec.from', `${hidden}; set spec.from to the flavor the gateways run`);
  }
  const v = str(valueAt(values, 'env.router_flavor')) ?? defaultFlavor();
  if (!(FLAVORS as readonly string[]).includes(v)) throw inputError(field, `${prefix}env.router_flavor "${v}" is not a flavor (${FLAVORS.join(', ')})`);
  return v as Flavor;
}

/** The admin listener the gate reads: TLS unless `admin.tls.enabled: false` and plain HTTP is on. */
function adminOf(v: Values): { adminPort: number; adminScheme: 'http' | 'https' } {
  if (valueAt(v, 'admin.tls.enabled') === false && valueAt(v, 'admin.http.enabled') === true) {
    return { adminPort: Number(valueAt(v, 'admin.http.containerPort') ?? 8001), adminScheme: 'http' };
  }
  return { adminPort: Number(valueAt(v, 'admin.tls.containerPort') ?? 8444), adminScheme: 'https' };
}

/** What a kong-chart Deployment's values say about its gateway, the same for both charts. */
function gatewayFacts(release: string, chartName: string, v: Values) {
  return {
    deployment: chartFullname(release, chartName, v),
    container: 'proxy',
    replicas: Number(valueAt(v, 'replicaCount') ?? 1),
    ...strategyOf(v),
    ...adminOf(v),
    selector: chartSelector(release, chartName, v),
  };
}

/** `env.database` as the chart sets `KONG_DATABASE` (Kong's default is postgres). */
function databaseOf(input: MigrationSpecInput, v: Values, prefix: string): 'off' | 'postgres' {
  const hidden = hiddenSetting(v, 'database', prefix);
  if (hidden) {
    if (input.spec.database) return input.spec.database;
    throw inputError('spec.database', `${hidden}; set spec.database to what the gateways run ("off" or postgres)`);
  }
  return str(valueAt(v, 'env.database')) === 'off' ? 'off' : 'postgres';
}

/**
 * An admin API the gates cannot read through the API server's pod proxy (it presents no client
 * certificate and no RBAC token): `admin.tls.client.secretName` / `caBundle` make the chart set
 * `KONG_NGINX_ADMIN_SSL_VERIFY_CLIENT=on`, `enterprise.rbac.enabled` sets `KONG_ENFORCE_RBAC=on`
 * (charts/kong/templates/_helpers.tpl, `kong.env`); `env.*` can set either directly.
 */
function adminAuthWarning(v: Values, prefix: string, deployment: string): string | undefined {
  const on = (k: string) => String(valueAt(v, `env.${k}`) ?? '').toLowerCase() === 'on';
  const why: string[] = [];
  if (str(valueAt(v, 'admin.tls.client.secretName')) || str(valueAt(v, 'admin.tls.client.caBundle')) || on('nginx_admin_ssl_verify_client')) {
    why.push(`a client certificate (${prefix}admin.tls.client.*)`);
  }
  if ((valueAt(v, 'enterprise.enabled') === true && valueAt(v, 'enterprise.rbac.enabled') === true) || on('enforce_rbac')) {
    why.push(`an RBAC token (${prefix}enterprise.rbac.enabled)`);
  }
  if (why.length === 0) return undefined;
  return `${deployment} requires ${why.join(' and ')} on its admin API: the gates read GET / through the API server's pod proxy, which presents neither, so they cannot pass; check router_flavor by hand between phases`;
}

/** Exit 2 when a version would come from chart defaults the tool cannot tie to the release. */
function requirePinned(r: ReadRelease, images: readonly { what: string; facts: ImageFacts; explicit: boolean }[], namespace: string | undefined): void {
  if (r.exact) return;
  const unpinned = images.filter((i) => !i.facts.pinned && !i.explicit);
  if (unpinned.length === 0) return;
  const ns = namespace ?? 'NAMESPACE';
  throw inputError(
    `${r.field}.version`,
    `required: ${r.files.join(', ') || 'the values'} pin no ${unpinned.map((i) => i.what).join(' and no ')}, so the versions would be the chart defaults, which differ from one chart version to the next. Give the chart version the release runs (helm list -n ${ns}: CHART ${r.input.chart}-X.Y.Z -> version: X.Y.Z), or the rendered release (helm get manifest ${r.input.release} -n ${ns} > release.yaml) as spec.source.manifests`,
  );
}

/**
 * One release. `replacedKeys`: the values the phases' files may replace whole (Helm replaces
 * lists and strings from a later -f), recorded as the spec's files give them. A kong/kong chart
 * before 2.12.0 has no charts/kong/templates/extraManifests.yaml (it first appears at tag
 * kong-2.12.0), so `extraObjects` renders nothing there.
 */
const releaseOf = (r: ReadRelease, namespace: string, runs: HelmRelease['runs'], extraObjectsKey: string, replacedKeys: readonly string[]): HelmRelease => {
  const own = valueAt(r.user, extraObjectsKey);
  const replaced = Object.fromEntries([extraObjectsKey, ...replacedKeys].map((k) => [k, valueAt(r.user, k) ?? null]));
  return {
    chart: r.input.chart,
    release: r.input.release,
    namespace,
    runs,
    ...(r.files.length ? { values: r.files } : {}),
    ...(r.input.version !== undefined ? { version: normalizeChartVersion(r.input.chart, r.input.version) } : {}),
    ...(Array.isArray(own) && own.length > 0 ? { extraObjects: own } : {}),
    replaced,
    ...(r.exact && r.input.chart === 'kong' && compareChartVersions(r.defaults.kong.version, '2.12.0') < 0 ? { noExtraObjects: true } : {}),
  };
};

/** The facts of `source.helm`. */
export function readHelm(input: MigrationSpecInput, specDir: string): SourceFacts {
  const given = input.spec.source!.helm!;
  const list = (Array.isArray(given) ? given : [given]) as ReleaseInput[];
  const field = (i: number) => (Array.isArray(given) ? `spec.source.helm[${i}]` : 'spec.source.helm');
  const releases = list.map((r, i) => readRelease(r, field(i), specDir));
  const namespaces = [...new Set(list.map((r) => r.namespace).filter((n): n is string => !!n))];
  if (namespaces.length > 1) throw inputError('spec.source.helm', `the releases are in different namespaces (${namespaces.join(', ')}); a migration covers one namespace`);
  // The release namespace (`helm -n`); the objects' namespace is the same unless values set `namespace`.
  const releaseNs = namespaces[0] ?? input.spec.namespace;
  const warnings: string[] = ['spec.source is chart values: the phases/ and kustomize/ manifests are modelled on the chart; deliver with the values in helm/'];
  if (!releaseNs) warnings.push(`spec.source.helm has no namespace: the release is assumed to be in the plan's namespace; set spec.source.helm.namespace (the -n of helm list)`);
  for (const r of releases) warnings.push(...r.warnings);
  for (const r of releases) {
    if (!r.exact && r.input.version === undefined) {
      warnings.push(
        `${r.field}.version is not set: names and defaults are modelled on kong/${r.input.chart} ${r.defaults.version}, and the helm commands read the chart version from the release; set it to the version the release runs`,
      );
    }
  }
  if (list.length > 2) throw inputError('spec.source.helm', `${list.length} releases given; give one release, or two kong/kong releases (gateways and controller, gateway discovery)`);
  const r = releases[0];
  const facts = list.length === 2 ? splitReleases(input, releases, releaseNs, warnings) : r.input.chart === 'kong' ? kongRelease(input, r, releaseNs, warnings) : ingressRelease(input, r, releaseNs, warnings);
  // One namespace everywhere: the chart puts the objects in one, and every command must use it.
  if (input.spec.namespace && facts.namespace && facts.namespace !== input.spec.namespace) {
    throw inputError(
      'spec.namespace',
      `"${input.spec.namespace}" differs from ${facts.namespace}, where the chart puts the release's objects (spec.source.helm.namespace, or namespace in the values); remove spec.namespace or make them agree`,
    );
  }
  return facts;
}

function hybridCheck(input: MigrationSpecInput, v: Values, where: string, deployment: string, from: Flavor | undefined): void {
  const role = str(valueAt(v, 'env.role'));
  const konnect = isKonnectDataPlane(str(valueAt(v, 'env.konnect_mode')), str(valueAt(v, 'env.cluster_control_plane')));
  if (role === 'control_plane' || role === 'data_plane') throw hybridRefusal(input, role, `${where}env.role: ${role} (Deployment ${deployment})`, from, konnect);
}

/** One kong/kong release: the gateways, with the controller as a sidecar or not at all. */
function kongRelease(input: MigrationSpecInput, r: ReadRelease, releaseNs: string | undefined, warnings: string[]): SourceFacts {
  const v = helmMerge(r.defaults.kong.values as Values, r.user);
  const release = r.input.release;
  const namespace = str(v.namespace) ?? releaseNs;
  const fullname = chartFullname(release, 'kong', v);
  const from = writtenFlavor(v);
  hybridCheck(input, v, '', fullname, from);
  const kicOn = valueAt(v, 'ingressController.enabled') !== false;
  if (valueAt(v, 'deployment.kong.enabled') === false) {
    const discovery = valueAt(v, 'ingressController.gatewayDiscovery.enabled') === true;
    const admin = str(valueAt(v, 'ingressController.gatewayDiscovery.adminApiService.name'));
    throw inputError(
      `${r.field}.values`,
      discovery
        ? `release ${release} runs only the controller (deployment.kong.enabled: false, gateway discovery through ${admin ?? 'the gateway release'}'s admin Service): the gateways are another release; give both as a list, spec.source.helm: [{ chart: kong, release: <gateway release>, values: ... }, { chart: kong, release: ${release}, values: ... }]`
        : `release ${release} runs no Kong gateway (deployment.kong.enabled: false); point spec.source at the release that runs the gateways`,
    );
  }
  if (!kicOn) {
    throw inputError(
      `${r.field}.values`,
      `release ${release} runs the gateways without a controller (ingressController.enabled: false). With gateway discovery (Kong/charts example-values/minimal-kong-gd-gateway.yaml + minimal-kong-gd-controller.yaml) the controller is another release: give both as a list, spec.source.helm: [{ chart: kong, release: ${release}, values: ... }, { chart: kong, release: <controller release>, values: ... }]. Gateways no Kong Ingress Controller configures are outside what kong-flavor plans`,
    );
  }
  refuseDaemonSet(v, r.field, '', fullname);
  const gw = imageOf(v, r.user, 'image', r, fullname);
  const kic = imageOf(v, r.user, 'ingressController.image', r, fullname);
  requirePinned(r, [
    { what: 'Kong image (image.tag)', facts: gw, explicit: !!(input.spec.gateway?.image || input.spec.gateway?.version) },
    { what: 'controller image (ingressController.image.tag)', facts: kic, explicit: !!(input.spec.gateway?.sidecar?.image || input.spec.gateway?.sidecar?.version) },
  ], namespace);
  const gatewaySettings = settingsOf(v, '', fullname, warnings);
  // Sidecar: the gates never read the admin API (it listens on localhost), so its auth does not matter.
  const proxyOverride = str(valueAt(v, 'proxy.nameOverride'));
  return {
    from: flavorOf(input, v, `${r.field}.values`, ''),
    ...(namespace ? { namespace } : {}),
    topology: 'sidecar',
    database: databaseOf(input, v, ''),
    gateway: {
      ...gatewayFacts(release, 'kong', v),
      ...imageFields(gw),
      proxyService: proxyOverride ? proxyOverride.replace('{{ .Release.Name }}', release) : `${fullname}-proxy`,
      adminService: `${fullname}-admin`,
      adminReachable: false,
      sidecar: { container: 'ingress-controller', ...imageFields(kic), featureGates: str(valueAt(v, 'ingressController.env.feature_gates')) },
    },
    baseOrigin: 'helm',
    podTemplates: { gateway: podTemplateOf(v, r, fullname) },
    helm: { ...releaseOf(r, releaseNs ?? '', 'both', 'extraObjects', ['ingressController.env.feature_gates']), gatewaySettings },
    warnings,
  };
}

const imageFields = (i: ImageFacts) => ({ ...(i.image ? { image: i.image } : {}), ...(i.version ? { version: i.version } : {}), imageOrigin: i.origin });

/** The controller's facts from kong-chart values (a kong/ingress `controller` alias or a kong/kong controller release). */
function controllerFacts(release: string, chartName: string, cv: Values, kic: ImageFacts) {
  const name = chartFullname(release, chartName, cv);
  const ingressClass = str(valueAt(cv, 'ingressController.ingressClass')) ?? 'kong';
  return {
    deployment: name,
    container: 'ingress-controller',
    ...imageFields(kic),
    replicas: Number(valueAt(cv, 'replicaCount') ?? 1),
    // charts/kong/templates/_helpers.tpl sets CONTROLLER_ELECTION_ID from the ingress class.
    electionId: str(valueAt(cv, 'ingressController.env.election_id')) ?? `kong-ingress-controller-leader-${ingressClass}`,
    featureGates: str(valueAt(cv, 'ingressController.env.feature_gates')),
    webhookService: `${name}-validation-webhook`,
    selector: chartSelector(release, chartName, cv),
    ...(valueAt(cv, 'ingressController.konnect.enabled') === true ? { konnectSync: true } : {}),
  };
}

/** kong/ingress: `gateway` and `controller` are two aliases of the kong chart in one release. */
function ingressRelease(input: MigrationSpecInput, r: ReadRelease, releaseNs: string | undefined, warnings: string[]): SourceFacts {
  const release = r.input.release;
  const base = r.defaults.kong.values as Values;
  const own = r.defaults.ingressValues ?? {};
  const sub = (k: 'gateway' | 'controller') => helmMerge(helmMerge(base, isMap(own[k]) ? own[k] : {}), isMap(r.user[k]) ? r.user[k] : {});
  const gv = sub('gateway');
  const cv = sub('controller');
  const gwName = chartFullname(release, 'gateway', gv);
  const ctrlName = chartFullname(release, 'controller', cv);
  hybridCheck(input, gv, 'gateway.', gwName, writtenFlavor(gv));
  refuseDaemonSet(gv, r.field, 'gateway.', gwName);
  refuseDaemonSet(cv, r.field, 'controller.', ctrlName);
  const namespace = str(gv.namespace) ?? releaseNs;
  const gw = imageOf(gv, isMap(r.user.gateway) ? r.user.gateway : {}, 'image', r, gwName);
  const kic = imageOf(cv, isMap(r.user.controller) ? r.user.controller : {}, 'ingressController.image', r, ctrlName);
  const relabel = (i: ImageFacts, prefix: string) => ({ ...i, origin: i.pinned ? `${prefix}.${i.origin}` : i.origin });
  requirePinned(r, [
    { what: 'Kong image (gateway.image.tag)', facts: gw, explicit: !!(input.spec.gateway?.image || input.spec.gateway?.version) },
    { what: 'controller image (controller.ingressController.image.tag)', facts: kic, explicit: !!(input.spec.controller?.image || input.spec.controller?.version) },
  ], namespace);
  const adminSvc = str(valueAt(cv, 'ingressController.gatewayDiscovery.adminApiService.name')) || `${release}-gateway-admin`;
  const gatewaySettings = settingsOf(gv, 'gateway.', gwName, warnings);
  const controllerSettings = settingsOf(cv, 'controller.', ctrlName, warnings);
  const auth = adminAuthWarning(gv, 'gateway.', gwName);
  if (auth) warnings.push(auth);
  return {
    from: flavorOf(input, gv, `${r.field}.values`, 'gateway.'),
    ...(namespace ? { namespace } : {}),
    topology: 'separate',
    database: databaseOf(input, gv, 'gateway.'),
    gateway: {
      ...gatewayFacts(release, 'gateway', gv),
      ...imageFields(relabel(gw, 'gateway')),
      proxyService: `${gwName}-proxy`,
      adminService: adminSvc,
      adminReachable: true,
    },
    controller: controllerFacts(release, 'controller', cv, relabel(kic, 'controller')),
    baseOrigin: 'helm',
    podTemplates: { gateway: podTemplateOf(gv, r, gwName), controller: podTemplateOf(cv, r, ctrlName) },
    helm: { ...releaseOf(r, releaseNs ?? '', 'both', 'controller.extraObjects', ['controller.ingressController.env.feature_gates']), gatewaySettings, controllerSettings },
    warnings,
  };
}

/** Gateway discovery as two kong/kong releases: one runs the gateways, the other the controller. */
function splitReleases(input: MigrationSpecInput, releases: readonly ReadRelease[], releaseNs: string | undefined, warnings: string[]): SourceFacts {
  if (releases.some((r) => r.input.chart !== 'kong')) {
    throw inputError('spec.source.helm', 'two releases are read as gateway discovery with the kong/kong chart (a gateway release and a controller release); kong/ingress is one release holding both');
  }
  const merged = releases.map((r) => helmMerge(r.defaults.kong.values as Values, r.user));
  const runsGateway = merged.map((v) => valueAt(v, 'deployment.kong.enabled') !== false);
  const runsController = merged.map((v) => valueAt(v, 'ingressController.enabled') !== false);
  const gi = runsGateway.findIndex((x, i) => x && !runsController[i]);
  const ci = runsController.findIndex((x, i) => x && !runsGateway[i]);
  if (gi < 0 || ci < 0) {
    const what = releases.map((r, i) => `${r.input.release}: ${runsGateway[i] ? 'gateways' : 'no gateways'} + ${runsController[i] ? 'controller' : 'no controller'}`).join('; ');
    throw inputError(
      'spec.source.helm',
      `two releases must be one gateway release (ingressController.enabled: false) and one controller release (deployment.kong.enabled: false, ingressController.gatewayDiscovery.enabled: true); these run ${what}`,
    );
  }
  const g = releases[gi];
  const c = releases[ci];
  const gv = merged[gi];
  const cv = merged[ci];
  const gwName = chartFullname(g.input.release, 'kong', gv);
  const ctrlName = chartFullname(c.input.release, 'kong', cv);
  hybridCheck(input, gv, `${g.field}: `, gwName, writtenFlavor(gv));
  refuseDaemonSet(gv, g.field, '', gwName);
  refuseDaemonSet(cv, c.field, '', ctrlName);
  const namespace = str(gv.namespace) ?? releaseNs;
  if (valueAt(cv, 'ingressController.gatewayDiscovery.enabled') !== true) {
    throw inputError(`${c.field}.values`, `release ${c.input.release} runs the controller without gateway discovery (ingressController.gatewayDiscovery.enabled is not true), so it does not configure the gateways of release ${g.input.release}`);
  }
  const adminSvc = str(valueAt(cv, 'ingressController.gatewayDiscovery.adminApiService.name')) ?? `${c.input.release}-gateway-admin`;
  if (adminSvc !== `${gwName}-admin`) {
    warnings.push(`the controller release ${c.input.release} discovers gateways through Service ${adminSvc}, but release ${g.input.release} names its admin Service ${gwName}-admin; the plan follows the controller`);
  }
  const gw = imageOf(gv, g.user, 'image', g, gwName);
  const kic = imageOf(cv, c.user, 'ingressController.image', c, ctrlName);
  requirePinned(g, [{ what: 'Kong image (image.tag)', facts: gw, explicit: !!(input.spec.gateway?.image || input.spec.gateway?.version) }], namespace);
  requirePinned(c, [{ what: 'controller image (ingressController.image.tag)', facts: kic, explicit: !!(input.spec.controller?.image || input.spec.controller?.version) }], namespace);
  const gatewaySettings = settingsOf(gv, '', gwName, warnings);
  const controllerSettings = settingsOf(cv, '', ctrlName, warnings);
  const auth = adminAuthWarning(gv, '', gwName);
  if (auth) warnings.push(auth);
  const proxyOverride = str(valueAt(gv, 'proxy.nameOverride'));
  const gatewayRelease = releaseOf(g, releaseNs ?? '', 'gateway', 'extraObjects', []);
  return {
    from: flavorOf(input, gv, `${g.field}.values`, ''),
    ...(namespace ? { namespace } : {}),
    topology: 'separate',
    database: databaseOf(input, gv, ''),
    gateway: {
      ...gatewayFacts(g.input.release, 'kong', gv),
      ...imageFields(gw),
      proxyService: proxyOverride ? proxyOverride.replace('{{ .Release.Name }}', g.input.release) : `${gwName}-proxy`,
      adminService: adminSvc,
      adminReachable: valueAt(gv, 'admin.enabled') === true,
    },
    controller: controllerFacts(c.input.release, 'kong', cv, kic),
    baseOrigin: 'helm',
    podTemplates: { gateway: podTemplateOf(gv, g, gwName), controller: podTemplateOf(cv, c, ctrlName) },
    helm: {
      ...gatewayRelease,
      controllerRelease: releaseOf(c, releaseNs ?? '', 'controller', 'extraObjects', ['ingressController.env.feature_gates']),
      gatewaySettings,
      controllerSettings,
    },
    warnings,
  };
}
