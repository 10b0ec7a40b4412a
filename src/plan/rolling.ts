/**
 * In-place plans: the gateways roll to the new flavor in their own Deployment, and the
 * controller restarts only when every gateway it can discover runs the target flavor.
 */
import { EXPRESSION_ROUTES_GATE, formatFeatureGates } from '../model/featureGates';
import { flavorSlug } from '../model/flavor';
import { kicNeedsExpressionRoutesGate, supportsMixedMode } from '../model/rules';
import { resolveBudget, scaledValue } from '../spec/intOrPercent';
import { ResolvedSpec } from '../spec/types';
import { MigrationFacts, accepts } from './facts';
import { PhaseInput } from './phase';
import { restartValue, withController, withGateway } from './state';
import { InstallationState } from './types';

/**
 * The in-place plans:
 * - `gateways`: one roll, the controller keeps emitting a shape both flavors accept;
 * - `sidecar`: one roll, each pod's controller restarts with its gateway;
 * - `gateways-then-controller`: roll gateways (new pods accept the old shape), then restart the controller;
 * - `freeze`: Postgres: controller to 0, roll gateways, controller back (it rewrites the routes);
 * - `controller-then-gateways`: KIC 2.x: turn the `ExpressionRoutes` gate off first (fields routes,
 *   which expressions gateways on Kong >= 3.7 accept), then roll gateways to a fields flavor.
 */
export type RollingVariant = 'gateways' | 'sidecar' | 'gateways-then-controller' | 'freeze' | 'controller-then-gateways';

export type RollingDecision =
  | { readonly variant: RollingVariant; readonly reasons: string[] }
  | { readonly ruledOut: string };

/** Decides whether an in-place plan is safe for this spec, and which one. */
export function decideRolling(spec: ResolvedSpec, f: MigrationFacts): RollingDecision {
  const { from, to } = spec;
  const mixed = `${f.kongText} ${supportsMixedMode(f.kong) ? '>=' : '<'} 3.7`;
  if (spec.topology === 'sidecar') {
    if (spec.database === 'off') {
      return {
        variant: 'sidecar',
        reasons: [
          'sidecar topology, DB-less: each pod runs its own controller, which restarts with its gateway and detects that gateway only, so every pod is self-consistent during the roll',
          ...(formatFeatureGates(f.gatesAfter) !== formatFeatureGates(f.gatesBefore) ? [`${f.kicText} emits expression routes only with ${EXPRESSION_ROUTES_GATE}=true: the roll sets the gate in the controller container`] : []),
        ],
      };
    }
    if (!f.shapeChanges) {
      return { variant: 'gateways', reasons: [`the controllers emit ${f.shapeBefore} routes for both ${from} and ${to}, so the shared database keeps a shape every gateway reads`] };
    }
    return {
      ruledOut: `sidecar topology with Postgres: the route shape changes (${f.shapeBefore} -> ${f.shapeAfter}) and the leader controller can move to a new pod mid-rollout and rewrite the shared routes into a shape the old pods cannot read`,
    };
  }

  if (!f.shapeChanges) {
    if (!accepts(f, to, f.shapeBefore)) {
      return { ruledOut: `${to} gateways on ${f.kongText} reject the ${f.shapeBefore} routes the controller emits` };
    }
    return {
      variant: 'gateways',
      reasons: [
        `the controller emits ${f.shapeBefore} routes for both ${from} and ${to}${from !== 'expressions' && to !== 'expressions' ? ' (both are fields flavors)' : ''}, so it stays untouched and every gateway accepts its config throughout`,
      ],
    };
  }

  if (to === 'expressions') {
    if (!accepts(f, to, f.shapeBefore)) {
      return {
        ruledOut: `${mixed}: new expressions gateways reject the ${f.shapeBefore} routes the running controller sends, so they never become Ready (mixed mode needs Kong >= 3.7)${spec.database === 'postgres' ? '; upgrade Kong to >= 3.7 first' : ''}`,
      };
    }
    const restartReason = `${f.kicText} detects the flavor only at start: it is restarted once every gateway runs expressions, so it can only detect expressions`;
    const gateReason = kicNeedsExpressionRoutesGate(f.kic)
      ? [`${f.kicText} emits expression routes only with --feature-gates=${EXPRESSION_ROUTES_GATE}=true: the restart sets CONTROLLER_FEATURE_GATES`]
      : [];
    if (spec.database === 'postgres') {
      return {
        variant: 'freeze',
        reasons: [
          `${mixed} accepts fields routes under expressions (mixed mode), so the gateways keep reading the stored fields routes while they roll`,
          'Postgres: the controller is scaled to 0 during the roll (configuration freeze), so no controller can start mid-rollout, detect expressions and rewrite the shared routes into a shape the old gateways cannot read',
          `${restartReason}; it then rewrites the stored routes as expressions (only the leader writes the database)`,
          ...gateReason,
        ],
      };
    }
    return {
      variant: 'gateways-then-controller',
      reasons: [`${mixed} accepts fields routes under expressions (mixed mode)`, restartReason, ...gateReason],
    };
  }

  // expressions -> a fields flavor, with a controller that emits expression routes today.
  if (kicNeedsExpressionRoutesGate(f.kic) && supportsMixedMode(f.kong)) {
    return {
      variant: 'controller-then-gateways',
      reasons: [
        `${f.kicText} emits expression routes only with ${EXPRESSION_ROUTES_GATE}=true: turning the gate off makes it emit fields routes whatever it detects`,
        `${mixed} accepts fields routes under expressions (mixed mode), so the expressions gateways accept them before they roll`,
      ],
    };
  }
  if (spec.database === 'postgres') {
    return {
      ruledOut: `Postgres, expressions -> ${to}: the stored expression routes are invisible to ${to} gateways until the controller rewrites them, and it cannot detect ${to} before the gateways change`,
    };
  }
  return {
    ruledOut: `${f.kicText} started on expressions and keeps sending expression routes; new ${to} gateways reject them and never become Ready (the seed deadlock)`,
  };
}

/**
 * A surge-only strategy for the roll: never fewer Ready gateways than replicas, so a new pod
 * that cannot become Ready costs no capacity. The user's own values only when they are
 * surge-only at any replica count: a percent maxUnavailable that rounds down to 0 at the
 * planned count (25% of 2) takes a pod down once an HPA or a person scales to 4.
 */
function surgeOnly(spec: ResolvedSpec) {
  const { maxSurge, maxUnavailable, replicas } = spec.gateway;
  const budget = resolveBudget(maxSurge, maxUnavailable, replicas);
  // A percent surge rounds up, so it stays >= 1 at any count once it is at the planned one.
  if (scaledValue(maxUnavailable, Number.MAX_SAFE_INTEGER, false) === 0 && budget.maxSurge >= 1) return { maxSurge, maxUnavailable };
  return { maxSurge: Math.max(1, budget.maxSurge), maxUnavailable: 0 };
}

/** The phases of an in-place plan. */
export function rollingPhases(spec: ResolvedSpec, f: MigrationFacts, variant: RollingVariant, initial: InstallationState): PhaseInput[] {
  const gw = spec.gateway.deployment;
  const to = spec.to;
  const slugTo = flavorSlug(to);
  const original = { maxSurge: spec.gateway.maxSurge, maxUnavailable: spec.gateway.maxUnavailable };
  const safe = surgeOnly(spec);
  const strategyChanges = safe.maxSurge !== original.maxSurge || safe.maxUnavailable !== original.maxUnavailable;

  switch (variant) {
    case 'gateways':
    case 'sidecar': {
      const state = withGateway(initial, gw, {
        flavor: to,
        ...(variant === 'sidecar' ? { sidecarFeatureGates: f.gatesAfter } : {}),
      });
      return [
        {
          slug: `gateways-to-${slugTo}`,
          title: `Roll the gateways to ${to}`,
          description:
            variant === 'sidecar'
              ? `Sets KONG_ROUTER_FLAVOR=${to} on ${gw}; each new pod's controller detects its own gateway's flavor at start, so new pods come up consistent while old pods keep serving.`
              : `Sets KONG_ROUTER_FLAVOR=${to} on ${gw}. The controller keeps emitting ${f.shapeBefore} routes, which both flavors accept, so it is not restarted.`,
          state,
          rollback: `Re-apply the previous ${gw} Deployment (KONG_ROUTER_FLAVOR=${spec.from}); it rolls back the same way.`,
        },
      ];
    }
    case 'gateways-then-controller':
    case 'freeze': {
      const ctrl = spec.controller!;
      const phases: PhaseInput[] = [];
      let state = initial;
      if (variant === 'freeze') {
        state = withController(state, ctrl.deployment, { replicas: 0 });
        phases.push({
          slug: 'freeze-controller',
          title: 'Freeze the configuration: scale the controller to 0',
          description: `Scales ${ctrl.deployment} to 0. The gateways keep serving the routes stored in Postgres; Ingress changes wait until phase 3.`,
          state,
          rollback: `Scale ${ctrl.deployment} back to ${ctrl.replicas}; it detects ${spec.from} and carries on.`,
        });
      }
      state = withGateway(state, gw, { flavor: to, ...safe });
      phases.push({
        slug: `gateways-to-${slugTo}`,
        title: `Roll the gateways to ${to}`,
        description: `Sets KONG_ROUTER_FLAVOR=${to} on ${gw} with maxSurge=${safe.maxSurge}, maxUnavailable=0. New pods read the ${f.shapeBefore} routes (mixed mode) and become Ready; the controller is ${variant === 'freeze' ? 'stopped' : 'not restarted, so it keeps emitting fields routes'}.`,
        state,
        rollback: `Re-apply ${gw} with KONG_ROUTER_FLAVOR=${spec.from}. Safe while the controller still emits ${f.shapeBefore} routes: if it restarted during this phase it may have detected ${to}; then ${
          spec.database === 'postgres'
            ? `do not roll back: finish the migration, then plan the way back (${to} -> ${spec.from}) with strategy maintenance and allowDowntime: true (with Postgres, blue-green is not offered and in-place needs the routes rewritten first)`
            : `roll back with a blue-green plan (${to} -> ${spec.from}) instead`
        }.`,
      });
      state = withController(state, ctrl.deployment, {
        replicas: ctrl.replicas,
        restartFor: restartValue(spec),
        featureGates: f.gatesAfter,
      });
      if (strategyChanges) state = withGateway(state, gw, original);
      phases.push({
        slug: 'restart-controller',
        title: variant === 'freeze' ? 'Start the controller again: it detects expressions' : 'Restart the controller: it detects expressions',
        description: `${variant === 'freeze' ? `Scales ${ctrl.deployment} back to ${ctrl.replicas} with` : `Restarts ${ctrl.deployment} through`} the pod annotation kong-flavor-migrator/restart-for=${restartValue(spec)}. Every gateway runs ${to}, so it detects ${to} and sends ${f.shapeAfter} routes.${strategyChanges ? ` The gateway's own rollingUpdate strategy is restored (no new rollout).` : ''}`,
        state,
        rollback:
          variant === 'freeze'
            ? `Re-apply the previous ${ctrl.deployment}: it scales to 0 again (the freeze). The gateways keep serving the ${f.shapeAfter} routes the controller has written to Postgres; Ingress changes wait. To go back to ${spec.from}, plan the reverse migration.`
            : `Re-apply the previous ${ctrl.deployment}; the restart detects ${to} again (all gateways run it), so rolling back this phase alone changes nothing. To go back to ${spec.from}, plan the reverse migration.`,
      });
      return phases;
    }
    case 'controller-then-gateways': {
      const ctrl = spec.controller!;
      let state = withController(initial, ctrl.deployment, {
        featureGates: { ...f.gatesBefore, [EXPRESSION_ROUTES_GATE]: false },
      });
      const phases: PhaseInput[] = [
        {
          slug: 'controller-to-fields-routes',
          title: 'Restart the controller with ExpressionRoutes off',
          description: `Sets CONTROLLER_FEATURE_GATES ${EXPRESSION_ROUTES_GATE}=false on ${ctrl.deployment}: it now emits fields routes, which the expressions gateways on ${f.kongText} accept.`,
          state,
          rollback: `Re-apply the previous ${ctrl.deployment} (${EXPRESSION_ROUTES_GATE}=true): it emits expression routes again.`,
        },
      ];
      state = withGateway(state, gw, { flavor: to });
      phases.push({
        slug: `gateways-to-${slugTo}`,
        title: `Roll the gateways to ${to}`,
        description: `Sets KONG_ROUTER_FLAVOR=${to} on ${gw}. The controller emits fields routes whatever it detects, so every pod accepts its config.`,
        state,
        rollback: `Re-apply ${gw} with KONG_ROUTER_FLAVOR=expressions; the controller keeps emitting fields routes, which Kong >= 3.7 expressions gateways accept.`,
      });
      return phases;
    }
  }
}
