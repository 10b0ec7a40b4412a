/**
 * Helm output (`helm/values-NN-<slug>.yaml`): the values to add to the user's own for the
 * state after phase NN (`helm upgrade <release> <chart> -f values.yaml -f values-NN-<slug>.yaml`),
 * for the chart they run: `kong/kong` (`env.router_flavor`, `replicaCount`, `updateStrategy`,
 * `ingressController.env.feature_gates`) or `kong/ingress` (`gateway.*`, and the controller
 * restart through `controller.podAnnotations`). The phase's gate travels in `extraObjects`
 * as a `post-upgrade` hook, so `helm upgrade --wait` waits for it and fails with it.
 * What values cannot express (a green stack, a Service selector) is named in the file's header.
 */
import { App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { FlavorGate } from '../constructs/FlavorGate';
import { objectName } from '../constructs/names';
import { formatFeatureGates } from '../model/featureGates';
import { RESTART_ANNOTATION } from '../plan/state';
import { ControllerState, GatewayState, Plan } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { OutputFiles } from './files';
import { chartObjects } from './manifests';

type Values = { [key: string]: unknown };

/** Sets a value at a path of keys (keys may contain dots, like annotation names). */
function set(values: Values, keys: readonly string[], value: unknown): void {
  let cur = values;
  for (const k of keys.slice(0, -1)) cur = (cur[k] = (cur[k] as Values | undefined) ?? {}) as Values;
  cur[keys[keys.length - 1]] = value;
}

export interface PhaseValues {
  readonly values: Values;
  /** Changes of the phase that chart values cannot express (applied from phases/ instead). */
  readonly outside: string[];
}

/** The values for the state after phase `index`, relative to the user's own values. */
export function phaseValues(spec: ResolvedSpec, plan: Plan, index: number): PhaseValues {
  const chart = spec.helm!.chart;
  const state = plan.phases[index].state;
  const values: Values = {};
  const outside: string[] = [];
  const initialGw: GatewayState | undefined = plan.initial.gateways.find((x) => x.name === spec.gateway.deployment);
  const g = state.gateways.find((x) => x.name === spec.gateway.deployment);
  const prefix = chart === 'ingress' ? ['gateway'] : [];
  if (initialGw && g) {
    if (g.flavor !== initialGw.flavor) set(values, [...prefix, 'env', 'router_flavor'], g.flavor);
    if (g.replicas !== initialGw.replicas) set(values, [...prefix, 'replicaCount'], g.replicas);
    if (g.maxSurge !== initialGw.maxSurge || g.maxUnavailable !== initialGw.maxUnavailable) {
      set(values, [...prefix, 'updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxSurge: g.maxSurge, maxUnavailable: g.maxUnavailable } });
    }
    const gates = formatFeatureGates(g.sidecarFeatureGates ?? {});
    if (gates !== formatFeatureGates(initialGw.sidecarFeatureGates ?? {})) set(values, ['ingressController', 'env', 'feature_gates'], gates ?? null);
  } else if (initialGw && !g) {
    outside.push(`delete Deployment ${spec.gateway.deployment}`);
  }
  const c0 = plan.initial.controllers.find((x) => x.name === spec.controller?.deployment) as ControllerState | undefined;
  const c = state.controllers.find((x) => x.name === spec.controller?.deployment);
  if (c0 && c) {
    if (c.restartFor !== c0.restartFor && c.restartFor) set(values, ['controller', 'podAnnotations', RESTART_ANNOTATION], c.restartFor);
    if (c.replicas !== c0.replicas) set(values, ['controller', 'replicaCount'], c.replicas);
    const gates = formatFeatureGates(c.featureGates);
    if (gates !== formatFeatureGates(c0.featureGates)) set(values, ['controller', 'ingressController', 'env', 'feature_gates'], gates ?? null);
    if (c.updateStatus !== c0.updateStatus) set(values, ['controller', 'ingressController', 'env', 'update_status'], c.updateStatus);
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
  return { values, outside: [...new Set(outside)] };
}

export function addHelmFiles(out: OutputFiles, spec: ResolvedSpec, plan: Plan, app: App): void {
  if (!spec.helm || plan.phases.length === 0) return;
  const h = spec.helm;
  plan.phases.forEach((phase, i) => {
    const { values, outside } = phaseValues(spec, plan, i);
    const header = [
      `Phase ${phase.id}: ${phase.title}.`,
      `helm upgrade ${h.release} kong/${h.chart} -n ${h.namespace} -f ${h.values ?? 'values.yaml'} -f helm/values-${phase.id}.yaml --wait --timeout ${phase.gate.timeoutSeconds + 120}s`,
    ];
    if (outside.length > 0) {
      header.push(
        `Chart values cannot express: ${outside.join(', ')}.`,
        `Apply phases/${phase.id}/ with kubectl for those (its gate Job included); these values keep the release in line with it.`,
      );
    } else if (phase.gate.checks.length > 0) {
      // The gate rides along as a post-upgrade hook: `helm upgrade --wait` fails if it fails.
      const chart = new Chart(app, `helm-hooks-${phase.id}`, { disableResourceNameHashes: true });
      new FlavorGate(chart, 'Gate', {
        spec,
        name: objectName(plan.name, 'gate', phase.id.slice(0, 2)),
        phaseId: phase.id,
        checks: phase.gate.checks,
        timeoutSeconds: phase.gate.timeoutSeconds,
        helmHook: 'post-upgrade',
      });
      // Helm replaces lists: the release's own extra objects go first, or the upgrade would delete them.
      set(values, h.chart === 'ingress' ? ['controller', 'extraObjects'] : ['extraObjects'], [...(h.extraObjects ?? []), ...chartObjects(chart)]);
    }
    const doc = new YAML.Document(values, { version: '1.1' });
    doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
    out.add(`helm/values-${phase.id}.yaml`, doc.toString({ lineWidth: 0, minContentWidth: 0 }));
  });
}
