/**
 * The few facts about a spec that decide its strategy: which route shapes the controller
 * emits before and after, and which versions allow what. Pure, derived from the rules.
 */
import { EXPRESSION_ROUTES_GATE, FeatureGates } from '../model/featureGates';
import { Flavor, RouteShape } from '../model/flavor';
import { controllerRouteShape, gatewayAccepts, kicNeedsExpressionRoutesGate } from '../model/rules';
import { Version, formatMinor } from '../model/version';
import { ResolvedSpec } from '../spec/types';

export interface MigrationFacts {
  readonly kic: Version;
  readonly kong: Version;
  /** Feature gates of the controller today. */
  readonly gatesBefore: FeatureGates;
  /** Feature gates the controller needs for the target (KIC 2.x: `ExpressionRoutes=true` for expressions). */
  readonly gatesAfter: FeatureGates;
  /** Shape the running controller emits today. */
  readonly shapeBefore: RouteShape;
  /** Shape a controller emits once it detected the target (with `gatesAfter`). */
  readonly shapeAfter: RouteShape;
  /** Whether the route shape changes (the controller must be restarted after the gateways). */
  readonly shapeChanges: boolean;
  /** `KIC 3.4` / `Kong 3.9`, for reasons. */
  readonly kicText: string;
  readonly kongText: string;
}

/** The shape a controller with these gates emits after detecting `flavor`. */
export function emittedShape(kic: Version, flavor: Flavor, gates: FeatureGates): RouteShape {
  return controllerRouteShape(kic, flavor, gates[EXPRESSION_ROUTES_GATE] === true);
}

export function migrationFacts(spec: ResolvedSpec): MigrationFacts {
  const kic = spec.controller?.version ?? spec.gateway.sidecar!.version;
  const kong = spec.gateway.version;
  const gatesBefore = spec.controller?.featureGates ?? spec.gateway.sidecar?.featureGates ?? {};
  const gatesAfter =
    spec.to === 'expressions' && kicNeedsExpressionRoutesGate(kic) ? { ...gatesBefore, [EXPRESSION_ROUTES_GATE]: true } : gatesBefore;
  const shapeBefore = emittedShape(kic, spec.from, gatesBefore);
  const shapeAfter = emittedShape(kic, spec.to, gatesAfter);
  return {
    kic,
    kong,
    gatesBefore,
    gatesAfter,
    shapeBefore,
    shapeAfter,
    shapeChanges: shapeBefore !== shapeAfter,
    kicText: `KIC ${formatMinor(kic)}`,
    kongText: `Kong ${formatMinor(kong)}`,
  };
}

/** Whether gateways of `flavor` accept routes of `shape` on this Kong. */
export function accepts(facts: MigrationFacts, flavor: Flavor, shape: RouteShape): boolean {
  return gatewayAccepts(flavor, facts.kong, shape);
}
