/**
 * The default values of Kong's charts, by chart version: which Kong and KIC images a release
 * runs when its values pin none, its default flavor, and the names its templates compute.
 * The data is `chartReleases.ts`, read from Kong/charts at every release tag
 * (`scripts/chart-releases.js`); a kong/ingress release renders the kong/kong chart version its
 * Chart.lock names, as its `controller` and `gateway` aliases, under its own values.yaml.
 */
import { ChartRelease, IngressChartRelease } from './chartRelease';
import { INGRESS_CHART_RELEASES, INGRESS_VALUES_VARIANTS, KONG_CHART_RELEASES } from './chartReleases';

type Values = { [key: string]: unknown };

export type ChartName = 'kong' | 'ingress';

/** The defaults the Helm reader merges the user's values over. */
export interface ChartDefaults {
  readonly chart: ChartName;
  /** The chart version whose defaults these are. */
  readonly version: string;
  /** The kong/kong chart that renders the Deployments (itself for `kong`, its dependency for `ingress`). */
  readonly kong: ChartRelease;
  /** kong/ingress only: its own values.yaml (`controller`, `gateway`, `deployment`). */
  readonly ingressValues?: Values;
  /** Where the defaults were read, for messages and comments. */
  readonly source: string;
}

const parts = (v: string) => v.split('.').map(Number);
/** Orders chart versions (`X.Y.Z`): negative when a < b, 0 when equal, positive when a > b. */
export const compareChartVersions = (a: string, b: string): number => {
  const x = parts(a);
  const y = parts(b);
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

const releasesOf = (chart: ChartName): readonly (ChartRelease | IngressChartRelease)[] => (chart === 'kong' ? KONG_CHART_RELEASES : INGRESS_CHART_RELEASES);

/** The newest release of a chart the tool knows. */
export function newestChartVersion(chart: ChartName): string {
  const all = releasesOf(chart);
  return all[all.length - 1].version;
}

/** `0.14.0`, `v0.14.0` or `ingress-0.14.0` (as `helm list` prints the CHART column) -> `0.14.0`; undefined if not a chart version. */
export function normalizeChartVersion(chart: ChartName, text: string): string | undefined {
  const m = new RegExp(`^(?:${chart}-)?v?(\\d+\\.\\d+\\.\\d+)$`).exec(text.trim());
  return m?.[1];
}

/** Whether a chart version is newer than every release the tool knows. */
export function isNewerThanKnown(chart: ChartName, version: string): boolean {
  return compareChartVersions(version, newestChartVersion(chart)) > 0;
}

/** The released versions nearest to `version` (for a message about a version that was never released). */
export function nearestChartVersions(chart: ChartName, version: string): string[] {
  const all = releasesOf(chart).map((r) => r.version);
  const i = all.findIndex((v) => compareChartVersions(v, version) > 0);
  const at = i < 0 ? all.length : i;
  return all.slice(Math.max(0, at - 2), at + 2);
}

function kongRelease(version: string): ChartRelease | undefined {
  return KONG_CHART_RELEASES.find((r) => r.version === version);
}

/** The defaults of a released chart version, or undefined when the tool does not know that release. */
export function chartDefaults(chart: ChartName, version: string): ChartDefaults | undefined {
  if (chart === 'kong') {
    const kong = kongRelease(version);
    return kong && { chart, version, kong, source: `Kong/charts charts/kong/values.yaml at tag kong-${version}` };
  }
  const ingress = INGRESS_CHART_RELEASES.find((r) => r.version === version);
  const kong = ingress && kongRelease(ingress.kong);
  if (!ingress || !kong) return undefined;
  return {
    chart,
    version,
    kong,
    ingressValues: INGRESS_VALUES_VARIANTS[ingress.variant] as Values,
    source: `Kong/charts charts/ingress/values.yaml at tag ingress-${version}, over charts/kong/values.yaml at tag kong-${ingress.kong} (its Chart.lock)`,
  };
}

/** `kong/kong` defaults of the newest release the tool knows (the subset the reader reads). */
export const KONG_CHART_DEFAULTS = chartDefaults('kong', newestChartVersion('kong'))!.kong.values as Values;

/** `kong/ingress` values of the newest release the tool knows: two aliases of the kong chart. */
export const INGRESS_CHART_VALUES = chartDefaults('ingress', newestChartVersion('ingress'))!.ingressValues as Values;
