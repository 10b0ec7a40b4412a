/**
 * The rules of Kong Gateway and of the Kong Ingress Controller that decide whether a
 * router flavor change is safe. Small pure functions, each citing its source in
 * `shared/DOMAIN.md`; the planner and the verifier use these and nothing else.
 */
import { Flavor, RouteShape } from './flavor';
import { Version, atLeast } from './version';

/** Kong 3.0 introduced `router_flavor` (traditional, traditional_compatible, expressions). */
export const MIN_KONG_WITH_ROUTER_FLAVOR = '3.0';
/** Kong 3.7 lets the expressions flavor read fields routes ("mixed mode", Kong/kong#12667). */
export const MIN_KONG_MIXED_MODE = '3.7';
/** KIC 3.x supports Kong >= 3.4.1 only and refuses to start otherwise (KIC #4766). */
export const MIN_KONG_FOR_KIC3 = '3.4.1';
/** KIC before 2.10 cannot emit expression routes at all (Kong/charts#939). */
export const MIN_KIC_WITH_EXPRESSIONS = '2.10';
/** `/status/ready` answers 200 only once a DB-less gateway holds a configuration (Kong >= 3.3). */
export const MIN_KONG_READY_NEEDS_CONFIG = '3.3';

/**
 * Whether a gateway of this flavor and version accepts a route of this shape.
 * DOMAIN.md §1, acceptance matrix: fields flavors read fields routes only; `expressions`
 * reads expression routes only before Kong 3.7 and both shapes from 3.7 on (mixed mode).
 * In DB-less mode a config with a route the gateway does not accept is answered with 400
 * and the gateway keeps its previous config.
 */
export function gatewayAccepts(flavor: Flavor, kong: Version, shape: RouteShape): boolean {
  if (flavor !== 'expressions') return shape === 'fields';
  return shape === 'expressions' || atLeast(kong, MIN_KONG_MIXED_MODE);
}

/** Whether the expressions flavor of this Kong reads fields routes too (Kong >= 3.7). */
export function supportsMixedMode(kong: Version): boolean {
  return atLeast(kong, MIN_KONG_MIXED_MODE);
}

/** Whether this Kong has `router_flavor` at all (3.0+). */
export function supportsRouterFlavor(kong: Version): boolean {
  return atLeast(kong, MIN_KONG_WITH_ROUTER_FLAVOR);
}

/** Kong's default `router_flavor` when `KONG_ROUTER_FLAVOR` is not set (kong.conf, 3.x). */
export function defaultFlavor(): Flavor {
  return 'traditional_compatible';
}

/** Whether this KIC release is 3.x or later (feature gate removed, Kong >= 3.4.1 required). */
export function isKic3(kic: Version): boolean {
  return kic.major >= 3;
}

/** Whether this KIC can emit expression routes at all (>= 2.10). DOMAIN.md §2. */
export function kicSupportsExpressions(kic: Version): boolean {
  return atLeast(kic, MIN_KIC_WITH_EXPRESSIONS);
}

/**
 * Whether KIC needs `--feature-gates=ExpressionRoutes=true` (env `CONTROLLER_FEATURE_GATES`)
 * to emit expression routes: KIC 2.10-2.12. KIC 3.0 removed the gate (#4892).
 */
export function kicNeedsExpressionRoutesGate(kic: Version): boolean {
  return kicSupportsExpressions(kic) && !isKic3(kic);
}

/**
 * Whether a KIC release starts against this Kong (KIC 3.x needs Kong >= 3.4.1, #4766).
 * KIC 2.x has no such floor in our range (Kong 3.x).
 */
export function kicSupportsKong(kic: Version, kong: Version): boolean {
  return !isKic3(kic) || atLeast(kong, MIN_KONG_FOR_KIC3);
}

/**
 * The route shape a controller emits, given the flavor it detected at its start.
 * DOMAIN.md §2: expression routes iff the detected flavor is `expressions`
 * (`ShouldEnableExpressionRoutes`); KIC 2.10-2.12 also need the `ExpressionRoutes`
 * feature gate, and KIC < 2.10 always emits fields routes.
 */
export function controllerRouteShape(kic: Version, detected: Flavor, expressionRoutesGate: boolean): RouteShape {
  if (detected !== 'expressions') return 'fields';
  if (!kicSupportsExpressions(kic)) return 'fields';
  if (kicNeedsExpressionRoutesGate(kic) && !expressionRoutesGate) return 'fields';
  return 'expressions';
}

/**
 * Whether a DB-less gateway reports Ready only once it holds a valid config
 * (Kong >= 3.3 `/status/ready`; DOMAIN.md §1). Older gateways report Ready while empty,
 * which is worse: they take traffic and answer 404.
 */
export function dbLessReadinessNeedsConfig(kong: Version): boolean {
  return atLeast(kong, MIN_KONG_READY_NEEDS_CONFIG);
}

/**
 * Whether KIC runs leader election, so that only the lease holder pushes config.
 * DOMAIN.md §2 (`internal/manager/setup.go`): off in DB-less mode without gateway
 * discovery (sidecar), on with discovery (separate) and in Postgres mode.
 */
export function controllerUsesLeaderElection(topology: 'separate' | 'sidecar', database: 'off' | 'postgres'): boolean {
  return topology === 'separate' || database === 'postgres';
}

/** The KIC default leader-election lease name (`--election-id`, `internal/cmd/rootcmd/config/cli.go`). */
export const DEFAULT_ELECTION_ID = '5b374a9e.konghq.com';

/**
 * KIC's default `--kong-admin-filter-tag`: the tag on every entity it writes, and the filter it
 * reads the database with (`internal/cmd/rootcmd/config/cli.go`; CHANGELOG 0.7.0, #440).
 */
export const DEFAULT_FILTER_TAG = 'managed-by-ingress-controller';
