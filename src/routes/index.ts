/**
 * The route-semantics report (issue 11): will the routes behave the same after the flavor
 * change? Read the routing objects of the controller's classes, translate them as KIC does
 * under each flavor, judge every route and every pair that can match the same request, report.
 * The only entry point of src/routes for the rest of the code.
 */
import { EXPRESSION_ROUTES_GATE, FeatureGates } from '../model/featureGates';
import { FLAVORS, Flavor, RouteShape } from '../model/flavor';
import { controllerRouteShape, gatewayAccepts, kicNeedsExpressionRoutesGate } from '../model/rules';
import { Version, formatMinor } from '../model/version';
import { controllerSetting } from '../spec/controllerSettings';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { configurationRefusals } from './acceptance';
import { judgeRoutes } from './judge';
import { routeUnits } from './objects';
import { ControllerClasses, DEFAULT_GATEWAY_CONTROLLER, DEFAULT_INGRESS_CLASS, RoutingObjects, countRoutingObjects, readRoutingObjects } from './read';
import { findingLine, reachesFailOn } from './report';
import { translate } from './translate';
import { FailOn, Finding, KongRoute, RouteReport, Translation } from './types';

export type { ExampleRequest, FailOn, Finding, RouteEntry, RouteReport, Severity } from './types';
export { findingLine, fixOf, formatRouteSection, formatRouteTable, routeReportMarkdown, routeRunbookSection, summaryLine, reachesFailOn } from './report';
export { DEFAULT_GATEWAY_CONTROLLER, DEFAULT_INGRESS_CLASS } from './read';

export interface RouteReportInput {
  /** Every object read: the manifests and the `spec.source.routes` files. */
  readonly objects: readonly KubeObject[];
  readonly from: Flavor;
  readonly to: Flavor;
  readonly kong: Version;
  readonly kic: Version;
  /** Controller feature gates today (KIC 2.x: `ExpressionRoutes`). */
  readonly gatesBefore?: FeatureGates;
  /** Feature gates once migrated (the plan turns `ExpressionRoutes` on for KIC 2.x -> expressions). */
  readonly gatesAfter?: FeatureGates;
  readonly classes?: ControllerClasses;
  /** IDs of split routes (tests pass the Kong-router oracle's stand-in). */
  readonly splitId?: (id: string, i: number) => string;
}

/** The route shape KIC emits for a flavor with these gates (DOMAIN.md §2, ROUTES.md B1, B2). */
const shapeFor = (kic: Version, flavor: Flavor, gates: FeatureGates | undefined) => controllerRouteShape(kic, flavor, gates?.[EXPRESSION_ROUTES_GATE] === true);

function gatesAfterFor(input: RouteReportInput): FeatureGates {
  if (input.gatesAfter) return input.gatesAfter;
  const before = input.gatesBefore ?? {};
  return input.to === 'expressions' && kicNeedsExpressionRoutesGate(input.kic) ? { ...before, [EXPRESSION_ROUTES_GATE]: true } : before;
}

/** The report for a migration of the objects' routes. */
export function routeReport(input: RouteReportInput): RouteReport {
  const objects = readRoutingObjects(input.objects, input.classes ?? { ingressClass: DEFAULT_INGRESS_CLASS, gatewayControllerName: DEFAULT_GATEWAY_CONTROLLER });
  const units = routeUnits(objects);
  const ctx = { kic: input.kic, kong: input.kong };
  const shapeBefore = shapeFor(input.kic, input.from, input.gatesBefore);
  const shapeAfter = shapeFor(input.kic, input.to, gatesAfterFor(input));
  const before = translate(objects, units, shapeBefore, ctx);
  const after = shapeAfter === shapeBefore ? before : translate(objects, units, shapeAfter, ctx);
  const judged = judgeRoutes({ from: input.from, to: input.to, kong: input.kong, kic: input.kic, objects, units, before, after, ...(input.splitId ? { splitId: input.splitId } : {}) });
  const notes: Finding[] = [
    ...objects.notes.map((n) => ({ rule: 'input', severity: 'info' as const, routes: [], message: n, source: 'ROUTES.md "Minimum data a tool needs"' })),
    ...objects.setAside.map((s) => ({ rule: 'input', severity: 'info' as const, routes: [], message: `${s.object} is not read: ${s.reason}`, source: 'KIC internal/store/store.go' })),
  ];
  return {
    from: input.from,
    to: input.to,
    kong: formatMinor(input.kong),
    kic: formatMinor(input.kic),
    objects: countRoutingObjects(objects),
    routes: judged.routes,
    findings: [...judged.findings, ...notes],
  };
}

/** The findings that refuse a plan under `failOn`. */
export const blockingFindings = (report: RouteReport, failOn: FailOn): Finding[] => report.findings.filter((f) => reachesFailOn(f.severity, failOn));

/** A configuration a gateway refuses because of a route's content, and why (for the verifier's traces). */
export interface RefusedConfiguration {
  readonly flavor: Flavor;
  readonly shape: RouteShape;
  /** `route <name> (Ingress ns/name): <why>`: the first refused route. */
  readonly reason: string;
}

/**
 * The (gateway flavor, route shape) pairs whose configuration a gateway on this Kong refuses
 * because of a route's content: what the verifier's DB-less gateways learn (one refused route
 * and the whole configuration is refused, issue 11 "Act on it"). Only pairs a gateway accepts by
 * shape are listed, and only routes the installation serves today count: a route the current
 * flavor already refuses is not in the configuration the gateways hold (KIC's pushes fail today
 * too), so it cannot be what a migration breaks.
 */
export function refusedConfigurations(input: Pick<RouteReportInput, 'objects' | 'from' | 'kong' | 'kic' | 'gatesBefore' | 'classes'>): RefusedConfiguration[] {
  const objects: RoutingObjects = readRoutingObjects(input.objects, input.classes ?? { ingressClass: DEFAULT_INGRESS_CLASS, gatewayControllerName: DEFAULT_GATEWAY_CONTROLLER });
  if (countRoutingObjects(objects) === 0) return [];
  const units = routeUnits(objects);
  const ctx = { kic: input.kic, kong: input.kong };
  const translations = new Map<RouteShape, Translation>();
  const translation = (shape: RouteShape) => {
    let t = translations.get(shape);
    if (!t) translations.set(shape, (t = translate(objects, units, shape, ctx)));
    return t;
  };
  // The units the gateways serve today: translated under today's shape and accepted by today's flavor.
  const today = translation(shapeFor(input.kic, input.from, input.gatesBefore));
  const refusedToday = configurationRefusals(today.routes, input.from, input.kong);
  const servedToday = new Set(today.routes.filter((r) => !refusedToday.has(r)).flatMap((r) => r.parts.map((p) => p.unit)));
  const failedToday = new Set(today.failures.flatMap((f) => f.units));
  const counts = (r: KongRoute) => r.parts.some((p) => servedToday.has(p.unit) || failedToday.has(p.unit));
  const unitObject = new Map(units.map((u) => [u.id, u.objectName]));
  const out: RefusedConfiguration[] = [];
  for (const shape of ['fields', 'expressions'] as const) {
    for (const flavor of FLAVORS) {
      if (!gatewayAccepts(flavor, input.kong, shape)) continue;
      const refused = configurationRefusals(translation(shape).routes, flavor, input.kong);
      for (const r of translation(shape).routes) {
        const why = counts(r) ? refused.get(r)?.[0] : undefined;
        if (!why) continue;
        const owners = [...new Set(r.parts.map((p) => unitObject.get(p.unit)))].join(', ');
        out.push({ flavor, shape, reason: `route ${r.entity.name} (${owners}): ${why.reason}` });
        break;
      }
    }
  }
  return out;
}

const refusedBySpec = new WeakMap<readonly KubeObject[], Map<string, RefusedConfiguration[]>>();

/** `refusedConfigurations` of a resolved spec, remembered (the verifier compiles many models of one spec). */
export function specRefusedConfigurations(spec: ResolvedSpec): RefusedConfiguration[] {
  if (spec.routes.objects.length === 0) return [];
  return rememberedFor(refusedBySpec, specInput(spec), refusedConfigurations);
}

/** The ingress class and Gateway API controller name of the spec's controller (`--ingress-class`, `--gateway-api-controller-name`). */
export function controllerClasses(spec: ResolvedSpec): ControllerClasses {
  const dep = spec.base.controllerDeployment ?? spec.base.gatewayDeployment;
  const name = spec.controller?.container ?? spec.gateway.sidecar?.container;
  const containers = ((dep?.spec as { template?: { spec?: { containers?: { name: string; env?: { name: string; value?: string }[]; args?: unknown }[] } } })?.template?.spec?.containers ?? []).filter((c) => c && typeof c === 'object');
  const c = containers.find((x) => x.name === name);
  return {
    ingressClass: (c && controllerSetting(c, 'CONTROLLER_INGRESS_CLASS')) || DEFAULT_INGRESS_CLASS,
    gatewayControllerName: (c && controllerSetting(c, 'CONTROLLER_GATEWAY_API_CONTROLLER_NAME')) || DEFAULT_GATEWAY_CONTROLLER,
  };
}

/** The report's input for a resolved spec: its routing objects, its from -> to, its Kong and KIC versions. */
function specInput(spec: ResolvedSpec): RouteReportInput {
  return {
    objects: spec.routes.objects,
    from: spec.from,
    to: spec.to,
    kong: spec.gateway.version,
    kic: spec.controller?.version ?? spec.gateway.sidecar!.version,
    gatesBefore: spec.controller?.featureGates ?? spec.gateway.sidecar?.featureGates ?? {},
    classes: controllerClasses(spec),
  };
}

/** What a report depends on besides the objects (a spec copied with another strategy shares its objects). */
const inputKey = (i: RouteReportInput) => JSON.stringify([i.from, i.to, i.kong.raw, i.kic.raw, i.gatesBefore, i.classes]);

/**
 * `compute(input)`, remembered per list of objects and key: the planner asks again for each
 * strategy it tries, and the answer is a pure function of the objects and the key.
 */
function rememberedFor<T>(cache: WeakMap<readonly KubeObject[], Map<string, T>>, input: RouteReportInput, compute: (input: RouteReportInput) => T): T {
  let byKey = cache.get(input.objects);
  if (!byKey) cache.set(input.objects, (byKey = new Map()));
  const key = inputKey(input);
  let value = byKey.get(key);
  if (value === undefined) byKey.set(key, (value = compute(input)));
  return value;
}

const reports = new WeakMap<readonly KubeObject[], Map<string, RouteReport>>();

/** The report for a resolved spec (`kong-flavor routes`, the plan's `routes`). */
export function specRouteReport(spec: ResolvedSpec): RouteReport {
  return rememberedFor(reports, specInput(spec), routeReport);
}

/** Whether a plan carries the report: the spec gave routes, or its manifests hold routing objects. */
export const specHasRoutes = (spec: ResolvedSpec, report: RouteReport): boolean => spec.routes.given || report.objects > 0;

/**
 * Why the planner refuses the migration because of its routes (exit 3), or undefined: the
 * findings that reach `spec.routes.failOn`, each with its objects and its fix (issue 11 "Act on it").
 */
export function routesRefusal(spec: ResolvedSpec, report: RouteReport): string[] | undefined {
  const blocking = blockingFindings(report, spec.routes.failOn);
  if (!blocking.length) return undefined;
  const what = spec.routes.failOn === 'rejected' ? 'the target refuses them' : 'they change how routes match';
  return [
    `${blocking.length} route finding${blocking.length === 1 ? '' : 's'} reach${blocking.length === 1 ? 'es' : ''} spec.routes.failOn: ${spec.routes.failOn} (${what}):`,
    ...blocking.slice(0, MAX_REFUSAL_LINES).map((f) => `- ${findingLine(report, f)}`),
    ...(blocking.length > MAX_REFUSAL_LINES ? [`- and ${blocking.length - MAX_REFUSAL_LINES} more (kong-flavor routes <spec> lists them all)`] : []),
    spec.database === 'off'
      ? `Fix these objects, or set spec.routes.failOn: never to plan anyway. A DB-less gateway refuses a whole configuration that holds one route it rejects, so the verifier then finds that the new gateways never become Ready.`
      : `Fix these objects, or set spec.routes.failOn: never to plan anyway: with Postgres the admin API refuses those routes (they stop being served) and keeps the others.`,
  ];
}

/** Plan warnings about the routes: routes the target refuses, accepted by `spec.routes.failOn: never`. */
export function routeWarnings(report: RouteReport): string[] {
  const rejected = report.findings.filter((f) => f.severity === 'rejected');
  if (!rejected.length) return [];
  const objectOf = new Map(report.routes.map((r) => [r.id, r.object]));
  const objects = [...new Set(rejected.flatMap((f) => f.routes.map((id) => objectOf.get(id) ?? id)))];
  return [
    `${rejected.length} route finding${rejected.length === 1 ? '' : 's'} of severity rejected (${objects.slice(0, 5).join(', ')}${objects.length > 5 ? ` and ${objects.length - 5} more` : ''}) ${rejected.length === 1 ? 'is' : 'are'} accepted by spec.routes.failOn: never: those routes stop being served after the migration (see the routes section)`,
  ];
}

/** At most this many findings are listed in a refusal. */
const MAX_REFUSAL_LINES = 20;
