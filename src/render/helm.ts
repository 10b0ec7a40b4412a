/**
 * Helm output (`helm/values-NN-<slug>.yaml`): the values to add to the release's own for the
 * state after phase NN, for the chart it runs: `kong/kong` (`env.router_flavor`,
 * `replicaCount`, `updateStrategy`, `ingressController.env.feature_gates`) or `kong/ingress`
 * (`gateway.*`, and the controller restart through `controller.podAnnotations`). With gateway
 * discovery as two kong/kong releases, each release gets its own files
 * (`helm/<release>/values-NN-<slug>.yaml`), written for the phases that change it. The phase's
 * gate travels in `extraObjects` as a `post-upgrade` hook of the last release the phase
 * upgrades, so `helm upgrade --wait` waits for it and fails with it. What values cannot
 * express (a green stack, a Service selector) is named in the file's header.
 *
 * Every command pins the chart version (without `--version`, Helm takes the newest chart in the
 * local repository cache, and a chart bump changes pod-template labels and restarts pods) and
 * starts from `helm get values` (the release's values as installed, `--set` included), and every
 * phase can be rolled back with `helm rollback` to the revision noted before it.
 */
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { FlavorGate } from '../constructs/FlavorGate';
import { objectName } from '../constructs/names';
import { formatFeatureGates } from '../model/featureGates';
import { RESTART_ANNOTATION } from '../plan/state';
import { ControllerState, GatewayState, Phase, Plan } from '../plan/types';
import { ChartDeploymentSettings, HelmRelease, ResolvedSpec } from '../spec/types';
import { OutputFiles } from './files';
import { chartObjects } from './manifests';
import { toYamlStream } from './yaml';
import { valueAt } from '../spec/source/helm';

type Values = { [key: string]: unknown };

/**
 * A value whose strings `tpl` leaves as they are: the charts render each `extraObjects` item
 * with `tpl (toYaml .)` (Kong/charts charts/kong/templates/extraManifests.yaml at e76b800), so a `{{` in
 * our text would run as a template action. Each becomes `{{ "{{" }}`, which renders as `{{`.
 */
export function literalForTpl<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\{\{/g, '{{ "{{" }}') as T;
  if (Array.isArray(value)) return value.map(literalForTpl) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [literalForTpl(k), literalForTpl(v)])) as T;
  return value;
}

/** Sets a value at a path of keys (keys may contain dots, like annotation names). */
function set(values: Values, keys: readonly string[], value: unknown): void {
  let cur = values;
  for (const k of keys.slice(0, -1)) cur = (cur[k] = (cur[k] as Values | undefined) ?? {}) as Values;
  cur[keys[keys.length - 1]] = value;
}

/**
 * The values that scale a chart Deployment to `replicas` and make it render and hold:
 * - with `autoscaling.enabled` the chart renders no `replicas` at all and renders the HPA
 *   (charts/kong/templates/deployment.yaml lines 21-24 and hpa.yaml line 1 at kong-3.4.1), so
 *   the HPA is turned off for the phase; the phase that restores the replicas brings it back;
 * - with `podDisruptionBudget.enabled` and autoscaling off, a replicaCount of 1 or less makes
 *   the chart fail to render (charts/kong/templates/pdb.yaml lines 1-3, every tag since
 *   kong-2.30.0), so the PDB is turned off while the Deployment runs that few.
 */
function scaleValues(values: Values, prefix: readonly string[], replicas: number, settings: ChartDeploymentSettings): void {
  set(values, [...prefix, 'replicaCount'], replicas);
  if (settings.autoscaling) set(values, [...prefix, 'autoscaling', 'enabled'], false);
  if (settings.podDisruptionBudget && replicas <= 1) set(values, [...prefix, 'podDisruptionBudget', 'enabled'], false);
}

/** A release the plan upgrades, and where in its values the gateway's and controller's keys go. */
export interface ReleaseTarget {
  readonly release: HelmRelease;
  /** Key prefix of the gateway Deployment's values, if this release runs it. */
  readonly gateway?: readonly string[];
  /** Key prefix of the controller Deployment's values, if this release runs it (not as a sidecar). */
  readonly controller?: readonly string[];
  /** Where the release's `extraObjects` live. */
  readonly extraObjects: readonly string[];
  /** The values file of phase `id` for this release. */
  readonly file: (id: string) => string;
}

/** The releases of a Helm source, gateways' first. */
export function releaseTargets(spec: ResolvedSpec): ReleaseTarget[] {
  const h = spec.helm!;
  const single = (id: string) => `helm/values-${id}.yaml`;
  if (h.controllerRelease) {
    const c = h.controllerRelease;
    return [
      { release: h, gateway: [], extraObjects: ['extraObjects'], file: (id) => `helm/${h.release}/values-${id}.yaml` },
      { release: c, controller: [], extraObjects: ['extraObjects'], file: (id) => `helm/${c.release}/values-${id}.yaml` },
    ];
  }
  if (h.chart === 'ingress') return [{ release: h, gateway: ['gateway'], controller: ['controller'], extraObjects: ['controller', 'extraObjects'], file: single }];
  return [{ release: h, gateway: [], extraObjects: ['extraObjects'], file: single }];
}

export interface PhaseValues {
  /** The values of each release (by release name) for the state after the phase. */
  readonly values: ReadonlyMap<string, Values>;
  /** Changes of the phase that chart values cannot express (applied from phases/ instead). */
  readonly outside: string[];
}

/**
 * The values for the state after phase `index`, relative to the releases' own values. `final`:
 * the values to keep once the migration is done (the user's own update strategy, Recreate
 * included, comes back).
 */
export function phaseValues(spec: ResolvedSpec, plan: Plan, index: number, options: { final?: boolean } = {}): PhaseValues {
  const targets = releaseTargets(spec);
  const state = plan.phases[index].state;
  const out = new Map<string, Values>(targets.map((t) => [t.release.release, {}]));
  const outside: string[] = [];
  const gwTarget = targets.find((t) => t.gateway)!;
  const ctrlTarget = targets.find((t) => t.controller);
  const gwValues = out.get(gwTarget.release.release)!;
  const gp = gwTarget.gateway!;
  const initialGw: GatewayState | undefined = plan.initial.gateways.find((x) => x.name === spec.gateway.deployment);
  const g = state.gateways.find((x) => x.name === spec.gateway.deployment);
  if (initialGw && g) {
    const gs = spec.helm?.gatewaySettings ?? {};
    if (g.flavor !== initialGw.flavor) set(gwValues, [...gp, 'env', 'router_flavor'], g.flavor);
    if (g.replicas !== initialGw.replicas) scaleValues(gwValues, gp, g.replicas, gs);
    // Recreate stops every pod before starting new ones: each phase rolls (or can be rolled back) with the verified budget.
    if ((gs.recreate && !options.final) || g.maxSurge !== initialGw.maxSurge || g.maxUnavailable !== initialGw.maxUnavailable) {
      set(gwValues, [...gp, 'updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxSurge: g.maxSurge, maxUnavailable: g.maxUnavailable } });
    }
    const gates = formatFeatureGates(g.sidecarFeatureGates ?? {});
    if (gates !== formatFeatureGates(initialGw.sidecarFeatureGates ?? {})) set(gwValues, ['ingressController', 'env', 'feature_gates'], gates ?? null);
  } else if (initialGw && !g) {
    outside.push(`delete Deployment ${spec.gateway.deployment}`);
  }
  const c0 = plan.initial.controllers.find((x) => x.name === spec.controller?.deployment) as ControllerState | undefined;
  const c = state.controllers.find((x) => x.name === spec.controller?.deployment);
  if (c0 && c && ctrlTarget) {
    const cv = out.get(ctrlTarget.release.release)!;
    const cp = ctrlTarget.controller!;
    if (c.restartFor !== c0.restartFor && c.restartFor) set(cv, [...cp, 'podAnnotations', RESTART_ANNOTATION], c.restartFor);
    if (c.replicas !== c0.replicas) scaleValues(cv, cp, c.replicas, spec.helm?.controllerSettings ?? {});
    const gates = formatFeatureGates(c.featureGates);
    if (gates !== formatFeatureGates(c0.featureGates)) set(cv, [...cp, 'ingressController', 'env', 'feature_gates'], gates ?? null);
    if (c.updateStatus !== c0.updateStatus) set(cv, [...cp, 'ingressController', 'env', 'update_status'], c.updateStatus);
  } else if (c0 && !c) {
    outside.push(`delete Deployment ${c0.name}`);
  }
  for (const x of state.gateways) if (x.stack === 'green') outside.push(`Deployment ${x.name} (green gateways)`);
  for (const x of state.controllers) if (x.stack === 'green') outside.push(`Deployment ${x.name} (green controller)`);
  for (const s of state.services) {
    const before = plan.initial.services.find((x) => x.name === s.name);
    if (!before) outside.push(`Service ${s.name}`);
    else if (JSON.stringify(before.selector) !== JSON.stringify(s.selector)) outside.push(`selector of Service ${s.name}`);
  }
  return { values: out, outside: [...new Set(outside)] };
}

/**
 * The releases phase `index` upgrades: those whose values change in it. With one release, that
 * release in every phase (its file holds the whole change so far, and carries the gate).
 */
export function upgradedReleases(spec: ResolvedSpec, plan: Plan, index: number): ReleaseTarget[] {
  const targets = releaseTargets(spec);
  if (targets.length === 1) return targets;
  const now = phaseValues(spec, plan, index).values;
  const before = index === 0 ? undefined : phaseValues(spec, plan, index - 1).values;
  return targets.filter((t) => JSON.stringify(now.get(t.release.release)) !== JSON.stringify(before?.get(t.release.release) ?? {}));
}

/**
 * The release whose upgrade carries phase `index`'s gate: the last one the phase upgrades, when
 * values express the whole phase and it has a gate.
 */
export function gateCarrier(spec: ResolvedSpec, plan: Plan, index: number): ReleaseTarget | undefined {
  const phase = plan.phases[index];
  if (phase.gate.checks.length === 0 || phaseValues(spec, plan, index).outside.length > 0) return undefined;
  const upgraded = upgradedReleases(spec, plan, index);
  return upgraded[upgraded.length - 1];
}

/** Where a phase's gate goes when the release's chart renders no `extraObjects` (applied with kubectl). */
export const kubectlGateFile = (phase: Phase) => `helm/gates/${phase.id}.yaml`;

/**
 * The keys of a release's values that some phase file replaces whole with what the spec's values
 * files hold (Helm takes a list or a string from the later -f as it is): `extraObjects` when
 * a gate rides in it, `feature_gates` when a phase sets it.
 */
export function replacedKeys(spec: ResolvedSpec, plan: Plan, t: ReleaseTarget): string[] {
  const keys = new Set<string>();
  plan.phases.forEach((_, i) => {
    const v = phaseValues(spec, plan, i).values.get(t.release.release) ?? {};
    for (const k of Object.keys(t.release.replaced ?? {})) if (valueAt(v, k) !== undefined) keys.add(k);
    if (!t.release.noExtraObjects && gateCarrier(spec, plan, i)?.release.release === t.release.release) keys.add(t.extraObjects.join('.'));
  });
  return [...keys].sort();
}

/** The file holding the spec's values of a release's replaced keys, for the runbook's check (lists as `[]`, strings as `""` when unset). */
export const replacedValuesFile = (r: HelmRelease) => `helm/${r.release}-replaced-values.json`;

const isListKey = (key: string) => key.endsWith('extraObjects');

/** The expected values of `keys`, as the spec's files give them. */
function replacedValues(t: ReleaseTarget, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, t.release.replaced?.[k] ?? (isListKey(k) ? [] : '')]));
}

/** Commands that stop unless the release's values agree with the spec's files on the keys the phases replace (needs jq). */
function replacedCheck(spec: ResolvedSpec, plan: Plan, t: ReleaseTarget): string[] {
  const keys = replacedKeys(spec, plan, t);
  if (keys.length === 0) return [];
  const r = t.release;
  const live = `${r.release}-replaced-live.json`;
  const filter = `{${keys.map((k) => `"${k}": (.${k} // ${isListKey(k) ? '[]' : '""'})`).join(', ')}}`;
  return [
    `helm get values ${r.release} -n ${r.namespace} -o json | jq -S '${filter}' > ${live}`,
    `if jq -S . ${replacedValuesFile(r)} | diff - ${live}; then echo "${r.release}: ${keys.join(', ')} as in the spec's values"; else echo "STOP: release ${r.release} runs other ${keys.join(' / ')} than the spec's values files; the phases would replace them. Regenerate the spec's values from helm get values ${r.release} -n ${r.namespace} -o yaml and plan again"; fi`,
  ];
}

/** The values file that rolls a Recreate release back to its own values with RollingUpdate. */
const RECREATE_ROLLBACK_ID = '00-rollback-rolling-update';

/**
 * Whether rolling back phase `index` would take release `t` back to the revision before the
 * migration, whose `updateStrategy.type: Recreate` would stop every gateway at once: then the
 * rollback is an upgrade to the release's own values with the phases' RollingUpdate instead.
 */
function recreateRollback(spec: ResolvedSpec, plan: Plan, index: number, t: ReleaseTarget): boolean {
  if (!t.gateway || !spec.helm?.gatewaySettings?.recreate) return false;
  const first = plan.phases.findIndex((_, i) => upgradedReleases(spec, plan, i).some((u) => u.release.release === t.release.release));
  return first === index;
}

/** The values of the Recreate rollback: only the surge-only RollingUpdate the phases roll with. */
function recreateRollbackValues(spec: ResolvedSpec, plan: Plan, t: ReleaseTarget): Values {
  const g = plan.initial.gateways.find((x) => x.name === spec.gateway.deployment)!;
  const values: Values = {};
  set(values, [...t.gateway!, 'updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxSurge: g.maxSurge, maxUnavailable: g.maxUnavailable } });
  return values;
}

/** A shell variable name for a release (`kong-gw` -> `KONG_GW`). */
const shellName = (release: string) => release.toUpperCase().replace(/[^A-Z0-9]/g, '_');

/** The file `helm get values` writes the release's values into before phase 01. */
export const valuesBeforeFile = (r: HelmRelease) => `${r.release}-values-before.yaml`;

/** `--version X`, or the chart version read from the release when the spec does not give it. */
const versionFlag = (r: HelmRelease) => `--version ${r.version ?? `"$CHART_${shellName(r.release)}"`}`;

/** Reads the chart version a release runs, for specs that do not give it (`helm list` prints CHART as `<chart>-<version>`). */
const readChartVersion = (r: HelmRelease) =>
  `CHART_${shellName(r.release)}=$(helm list -n ${r.namespace} --filter '^${r.release}$' -o yaml | sed -n 's/^ *chart: ${r.chart}-//p')`;

/** Seconds Helm waits: the gate's timeout and two minutes for the rollout before it. */
const helmTimeout = (phase: Phase) => `${phase.gate.timeoutSeconds + 120}s`;

/**
 * `helm upgrade` of one release to the values of one phase (or another values file of the
 * plan, `fileId`), pinned and starting from the release's own values.
 */
export function helmUpgrade(t: ReleaseTarget, phase: Phase, fileId: string = phase.id): string {
  const r = t.release;
  return `helm upgrade ${r.release} kong/${r.chart} ${versionFlag(r)} -n ${r.namespace} -f ${valuesBeforeFile(r)} -f ${t.file(fileId)} --wait --timeout ${helmTimeout(phase)}`;
}

/** The Helm commands of a phase, for the runbook. */
export interface HelmPhaseCommands {
  /**
   * Run once before phase 01: save each release's values as installed (never overwritten, so a
   * re-run after a failure keeps the user's), and check the keys the phases replace.
   */
  readonly before: readonly string[];
  /** Note the revisions to roll back to, then upgrade. */
  readonly apply: readonly string[];
  /** Back to the revisions noted before the phase. */
  readonly rollback: readonly string[];
  /** The releases this phase upgrades (none: the phase is delivered from phases/ only). */
  readonly releases: readonly string[];
  /** Changes of the phase that chart values cannot express (applied from phases/ instead). */
  readonly outside: readonly string[];
  /** The gate to apply with kubectl after the upgrade, when the release's chart renders no `extraObjects`. */
  readonly kubectlGate?: string;
}

export function helmPhaseCommands(spec: ResolvedSpec, plan: Plan, index: number): HelmPhaseCommands {
  const phase = plan.phases[index];
  const targets = upgradedReleases(spec, plan, index);
  const rev = (r: HelmRelease) => `REV_${shellName(r.release)}_${phase.id.slice(0, 2)}`;
  const carrier = gateCarrier(spec, plan, index);
  return {
    before: releaseTargets(spec).flatMap((t) => [
      `[ -s ${valuesBeforeFile(t.release)} ] || helm get values ${t.release.release} -n ${t.release.namespace} -o yaml > ${valuesBeforeFile(t.release)}`,
      ...replacedCheck(spec, plan, t),
    ]),
    apply: [
      ...targets.filter((t) => t.release.version === undefined).map((t) => readChartVersion(t.release)),
      // The last deployed revision: a failed upgrade (its gate failed) leaves the one before it deployed, so a re-run notes the same.
      ...targets.map(
        (t) =>
          `${rev(t.release)}=$(helm history ${t.release.release} -n ${t.release.namespace} -o json | jq -r '[.[] | select(.status == "deployed")] | last | .revision'); echo "phase ${phase.id.slice(0, 2)} rolls ${t.release.release} back to revision $${rev(t.release)}"`,
      ),
      ...targets.map((t) => helmUpgrade(t, phase)),
    ],
    rollback: [...targets]
      .reverse()
      .map((t) =>
        recreateRollback(spec, plan, index, t)
          ? helmUpgrade(t, phase, RECREATE_ROLLBACK_ID)
          : `helm rollback ${t.release.release} "$${rev(t.release)}" -n ${t.release.namespace} --wait --timeout ${helmTimeout(phase)}`,
      ),
    releases: targets.map((t) => t.release.release),
    outside: phaseValues(spec, plan, index).outside,
    ...(carrier?.release.noExtraObjects ? { kubectlGate: kubectlGateFile(phase) } : {}),
  };
}

export function addHelmFiles(out: OutputFiles, spec: ResolvedSpec, plan: Plan, app: App): void {
  if (!spec.helm || plan.phases.length === 0) return;
  plan.phases.forEach((phase, i) => {
    const { values, outside } = phaseValues(spec, plan, i);
    const upgraded = upgradedReleases(spec, plan, i);
    upgraded.forEach((t, n) => {
      const own = values.get(t.release.release)!;
      const header = [
        `Phase ${phase.id}: ${phase.title}.`,
        `Start from the release's values as installed (once, before phase 01, never again): helm get values ${t.release.release} -n ${t.release.namespace} -o yaml > ${valuesBeforeFile(t.release)}`,
        ...(t.release.version === undefined ? [readChartVersion(t.release)] : []),
        helmUpgrade(t, phase),
      ];
      const replaced = replacedKeys(spec, plan, t).filter((k) => valueAt(own, k) !== undefined || k === t.extraObjects.join('.'));
      if (replaced.length > 0) {
        header.push(
          `Helm replaces a list or a string from a later -f whole: ${replaced.join(', ')} here ${replaced.length === 1 ? 'is' : 'are'} what the spec's values (${t.release.values?.join(', ') ?? 'none given'}) hold${replaced.some(isListKey) ? ", the list followed by this phase's gate" : ''}; RUNBOOK.md checks before phase 01 that the release runs the same.`,
        );
      }
      const last = n === upgraded.length - 1;
      if (outside.length > 0) {
        header.push(
          `Chart values cannot express: ${outside.join(', ')}.`,
          `Apply phases/${phase.id}/ with kubectl for those (its gate Job included); these values keep the release in line with it.`,
        );
      } else if (last && phase.gate.checks.length > 0) {
        // The gate rides along as a post-upgrade hook: `helm upgrade --wait` fails if it fails.
        // kong/kong before 2.12.0 has no templates/extraManifests.yaml (first at tag kong-2.12.0):
        // extraObjects would render nothing there, so the gate goes by kubectl after the upgrade.
        const byKubectl = !!t.release.noExtraObjects;
        const chart = new Chart(app, `helm-hooks-${phase.id}`, { disableResourceNameHashes: true });
        new FlavorGate(chart, 'Gate', {
          spec,
          name: objectName(plan.name, 'gate', phase.id.slice(0, 2)),
          phaseId: phase.id,
          checks: phase.gate.checks,
          timeoutSeconds: phase.gate.timeoutSeconds,
          ...(byKubectl ? {} : { helmHook: 'post-upgrade' as const }),
        });
        if (byKubectl) {
          header.push(
            `kong/kong ${t.release.version} renders no extraObjects (the chart has them from 2.12.0), so the gate is not in these values: after the upgrade apply ${kubectlGateFile(phase)} with kubectl and wait for it (RUNBOOK.md).`,
          );
          out.add(kubectlGateFile(phase), `# The gate of phase ${phase.id}: apply with kubectl after the helm upgrade of ${t.release.release}, then wait for Job ${objectName(plan.name, 'gate', phase.id.slice(0, 2))}.\n${toYamlStream(chartObjects(chart))}`);
        } else {
          // Helm replaces lists: the release's own extra objects go first, or the upgrade would delete them.
          // Our objects are escaped for `tpl`; the release's own are the user's templates and stay as written.
          set(own, t.extraObjects, [...(t.release.extraObjects ?? []), ...chartObjects(chart).map(literalForTpl)]);
        }
      }
      const doc = new YAML.Document(own, { version: '1.1' });
      doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
      out.add(t.file(phase.id), doc.toString({ lineWidth: 0, minContentWidth: 0 }));
    });
  });
  for (const t of releaseTargets(spec)) {
    if (plan.phases.some((_, i) => recreateRollback(spec, plan, i, t))) {
      const doc = new YAML.Document(recreateRollbackValues(spec, plan, t), { version: '1.1' });
      doc.commentBefore = [
        ` Rolling back the first phase of release ${t.release.release}: its own values, with RollingUpdate instead of its Recreate, so the`,
        ' gateways roll back a few at a time instead of all stopping at once (helm rollback would render Recreate again).',
        ` ${helmUpgrade(t, plan.phases[0], RECREATE_ROLLBACK_ID)}`,
        ' Your next upgrade with your own values brings Recreate back (a strategy change, no rollout).',
      ].join('\n');
      out.add(t.file(RECREATE_ROLLBACK_ID), doc.toString({ lineWidth: 0, minContentWidth: 0 }));
    }
    const keys = replacedKeys(spec, plan, t);
    if (keys.length > 0) out.add(replacedValuesFile(t.release), `${JSON.stringify(replacedValues(t, keys), null, 2)}\n`);
  }
}
