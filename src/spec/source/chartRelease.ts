/** One released version of a Kong chart, as `chartReleases.ts` records it. */
export interface ChartRelease {
  /** The chart's `version` (`2.38.0`). */
  readonly version: string;
  /** The chart's `appVersion`: the Kong Gateway line its default image runs. */
  readonly appVersion: string;
  /** The tagged commit of Kong/charts the values were read at. */
  readonly commit: string;
  /** The default values (only the keys the Helm reader reads). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** One released version of the kong/ingress chart. */
export interface IngressChartRelease {
  readonly version: string;
  /** The kong/kong chart version it packages as its `controller` and `gateway` aliases (Chart.lock). */
  readonly kong: string;
  readonly commit: string;
  /** Index into `INGRESS_VALUES_VARIANTS`: the chart's own values.yaml. */
  readonly variant: number;
}
