/**
 * The planner: a resolved spec in, a plan (or a reasoned refusal) out. Pure.
 *
 * It decides the strategy from the rules of the versions involved (DESIGN.md strategy
 * table), then lays out the phases. The verifier judges the result separately.
 */
import { EXPRESSION_ROUTES_GATE } from '../model/featureGates';
import { isKic3, kicSupportsExpressions } from '../model/rules';
import { routeWarnings, routesRefusal, specHasRoutes, specRouteReport } from '../routes';
import { ResolvedSpec } from '../spec/types';
import { blueGreenPhases, blueGreenRuledOut, greenNames } from './blueGreen';
import { MigrationFacts, migrationFacts } from './facts';
import { maintenancePhases } from './maintenance';
import { argoCdRepoWarning, lifecycleOf } from './lifecycle';
import { adminReachabilityWarnings } from './reachability';
import { PhaseInput, buildPhases, gateTimeoutWarnings } from './phase';
import { decideRolling, rollingPhases } from './rolling';
import { initialState } from './state';
import { Plan, PlanResult, PlanStrategy, RuledOut } from './types';

type Chosen = Exclude<PlanStrategy, 'none'>;

function warningsFor(spec: ResolvedSpec, f: MigrationFacts): string[] {
  const out = [...spec.warnings];
  const repo = spec.from !== spec.to ? argoCdRepoWarning(spec) : undefined;
  if (repo) out.push(repo);
  if (spec.from === 'expressions' && f.shapeBefore === 'fields' && !isKic3(f.kic)) {
    out.push(
      `${f.kicText} runs without ${EXPRESSION_ROUTES_GATE}=true, so today it sends fields routes to expressions gateways; that works only on Kong >= 3.7`,
    );
  }
  if (spec.base.origin === 'modelled') {
    out.push(
      "no spec.source.manifests or spec.source.helm: your Deployments and Services are known only as modelled on KIC's all-in-one manifests, so the output patches the planned fields of your own (kubectl patch, Kustomize overlays over your manifests in kustomize/base/) and never sends them whole; give spec.source.manifests or spec.source.helm (your manifests or chart values) for whole objects, Argo CD declaring them, and final/",
    );
  }
  return out;
}

/** Plans the migration described by `spec`. */
export function planMigration(spec: ResolvedSpec): PlanResult {
  const f = migrationFacts(spec);
  const initial = initialState(spec);
  const base = { name: spec.name, from: spec.from, to: spec.to };

  if (spec.from === spec.to) {
    const plan: Plan = {
      ...base,
      namespace: spec.namespace,
      strategy: 'none',
      zeroDowntime: true,
      reasons: [`spec.from and spec.to are both ${spec.to}: nothing to change`],
      ruledOut: [],
      initial,
      phases: [],
      warnings: warningsFor(spec, f),
      before: [],
      after: [],
    };
    return { kind: 'plan', plan };
  }

  if (spec.to === 'expressions' && !kicSupportsExpressions(f.kic)) {
    return {
      kind: 'refused',
      ...base,
      reasons: [`${f.kicText} cannot emit expression routes (KIC >= 2.10 can, 3.x recommended): upgrade the controller first`],
      ruledOut: (['rolling', 'blue-green', 'maintenance'] as const).map((strategy) => ({
        strategy,
        reason: `${f.kicText} < 2.10 does not support the expressions flavor`,
      })),
    };
  }

  // The routes KIC sends must survive the change (issue 11): findings reaching spec.routes.failOn refuse the plan.
  const routes = specRouteReport(spec);
  const routesRefused = routesRefusal(spec, routes);
  if (routesRefused) return { kind: 'refused', ...base, reasons: routesRefused, ruledOut: [] };

  const rolling = decideRolling(spec, f);
  const bgOut = blueGreenRuledOut(spec);
  const ruledOut: RuledOut[] = [];
  if ('ruledOut' in rolling) ruledOut.push({ strategy: 'rolling', reason: rolling.ruledOut });
  if (bgOut) ruledOut.push({ strategy: 'blue-green', reason: bgOut });
  if (!spec.allowDowntime) ruledOut.push({ strategy: 'maintenance', reason: 'takes the gateways down; needs allowDowntime: true' });

  const available = (s: Chosen) => !ruledOut.some((r) => r.strategy === s);
  let chosen: Chosen | undefined;
  if (spec.strategy === 'auto') {
    chosen = (['rolling', 'blue-green', 'maintenance'] as const).find(available);
  } else if (available(spec.strategy)) {
    chosen = spec.strategy;
  }

  if (!chosen) {
    // From chart values, blue-green is ruled out only for want of the rendered release: say that first.
    const fromValuesOnly = spec.helm && bgOut && !blueGreenRuledOut({ ...spec, helm: undefined });
    const reasons =
      spec.strategy === 'auto'
        ? [
            fromValuesOnly
              ? `blue-green is the zero-downtime plan for ${spec.from} -> ${spec.to} here, and it cannot be made from chart values: give \`helm get manifest ${spec.helm!.release} -n ${spec.helm!.namespace}\` as spec.source.manifests (or set allowDowntime: true for a maintenance window)`
              : `no plan without downtime exists for ${spec.from} -> ${spec.to} here; set allowDowntime: true for a maintenance window`,
          ]
        : [`strategy ${spec.strategy} is ruled out: ${ruledOut.find((r) => r.strategy === spec.strategy)!.reason}`];
    return { kind: 'refused', ...base, reasons, ruledOut };
  }

  const reasons: string[] = [];
  let inputs: PhaseInput[];
  let extraCapacity: Plan['extraCapacity'];
  if (chosen === 'rolling') {
    if ('ruledOut' in rolling) throw new Error('internal: rolling chosen but ruled out');
    reasons.push(...rolling.reasons);
    inputs = rollingPhases(spec, f, rolling.variant, initial);
  } else if (chosen === 'blue-green') {
    if ('ruledOut' in rolling) reasons.push(`in place is unsafe: ${rolling.ruledOut}`);
    reasons.push(
      `blue-green: a green stack (${greenNames(spec).gateway} + ${greenNames(spec).controller}) starts on ${spec.to}; its controller can only discover green gateways, so it detects ${spec.to}; the proxy Service then moves to green`,
    );
    if (spec.controller!.konnectSync) {
      reasons.push(`Konnect: ${greenNames(spec).controller} starts with CONTROLLER_KONNECT_SYNC_ENABLED=false and turns it on only once blue is removed, so one controller at a time syncs to the Konnect control plane`);
    }
    inputs = blueGreenPhases(spec, f, initial);
    extraCapacity = { pods: spec.gateway.replicas + spec.controller!.replicas, fromPhase: '01-green-stack-up', untilPhase: '03-retire-blue' };
  } else {
    if ('ruledOut' in rolling) reasons.push(`in place is unsafe: ${rolling.ruledOut}`);
    if (bgOut) reasons.push(`blue-green ${bgOut}`);
    reasons.push(
      spec.strategy === 'maintenance'
        ? 'strategy maintenance requested with allowDowntime: true'
        : 'allowDowntime: true, so a maintenance window is planned',
    );
    inputs = maintenancePhases(spec, f, initial);
  }

  const phases = buildPhases(spec, initial, inputs);
  const zeroDowntime = phases.every((p) => p.zeroDowntime);
  const planned: Omit<Plan, 'before' | 'after'> = {
    ...base,
    namespace: spec.namespace,
    strategy: chosen,
    zeroDowntime,
    reasons,
    ruledOut,
    initial,
    phases,
    warnings: [
      ...warningsFor(spec, f),
      ...gateTimeoutWarnings(spec, phases),
      ...adminReachabilityWarnings(spec),
      ...routeWarnings(routes),
      ...(chosen === 'blue-green' && spec.base.origin === 'modelled'
        ? [
            `blue-green without spec.source: the green stack is created from the modelled objects, not as copies of yours (volumes, certificates, plugins, settings); give them as spec.source.manifests (kubectl -n ${spec.namespace} get deployment,service -o yaml) so green runs what blue runs`,
          ]
        : []),
    ],
    ...(extraCapacity ? { extraCapacity } : {}),
    ...(zeroDowntime
      ? {}
      : { downtimeWindowSeconds: phases.filter((p) => !p.zeroDowntime).reduce((sum, p) => sum + p.gate.timeoutSeconds, 0) }),
    ...(specHasRoutes(spec, routes) ? { routes } : {}),
  };
  const plan: Plan = { ...planned, ...lifecycleOf(spec, { ...planned, before: [], after: [] }) };
  return { kind: 'plan', plan };
}
