/**
 * The fields of routing objects as KIC reads them (rules, paths, hostnames, parent Gateway
 * listeners), the route units the report is made of, and KIC's route IDs.
 */
import { parse as parseUuid, v5 as uuidv5 } from 'uuid';
import { Version, atLeast } from '../model/version';
import { KubeObject } from '../spec/types';
import { RoutingObjects, describeObject } from './read';
import { RouteUnit, RoutingKind, Translation } from './types';

/** go-kong's namespace for entity IDs; routes use the UUIDv5 of "routes" in it (kong/ids.go). */
const KONG_ENTITIES_NAMESPACE = 'fd02801f-0957-4a15-a55a-c8d9606f30b5';
// As bytes: uuid parses a string namespace on every call.
const ROUTES_NAMESPACE = parseUuid(uuidv5('routes', KONG_ENTITIES_NAMESPACE));

/** A route's ID as KIC's FillIDs derives it from its name (B24), which Kong keeps in DB-less mode. */
export const routeIdFor = (name: string): string => uuidv5(name, ROUTES_NAMESPACE);

/** What the translators need besides the objects. */
export interface TranslateContext {
  readonly kic: Version;
  readonly kong: Version;
}

export const specOf = (o: KubeObject) => ((o.spec && typeof o.spec === 'object' ? o.spec : {}) as Record<string, unknown>);
export const arrayOf = <T>(x: unknown): T[] => (Array.isArray(x) ? (x as T[]) : []);

/** KIC's `flattenMultipleSlashes`. */
export const flattenSlashes = (p: string) => p.replace(/\/{2,}/g, '/');

const lower = (k: RoutingKind) => k.toLowerCase();

/** The id of a route unit: `<kind>.<namespace>.<name>.<rule>.<match>[.<hostname>]`. */
export function unitId(o: KubeObject, kind: RoutingKind, rule: number | 'default', match: number, hostname?: string): string {
  return `${lower(kind)}.${o.metadata.namespace ?? 'default'}.${o.metadata.name}.${rule}.${match}${hostname ? `.${hostname}` : ''}`;
}

export interface IngressPath {
  readonly path: string;
  readonly pathType: 'Prefix' | 'Exact' | 'ImplementationSpecific';
  readonly backend?: { readonly service: string; readonly port: string };
  readonly resource?: string;
}

/** Ingress rules as KIC reads them: `flattenMultipleSlashes`, empty path `/`, default path type ImplementationSpecific. */
export function ingressRules(ing: KubeObject): { host: string; paths: IngressPath[] }[] {
  return arrayOf<Record<string, unknown>>(specOf(ing).rules).map((rule) => {
    const http = (rule?.http ?? {}) as { paths?: unknown };
    return {
      host: typeof rule?.host === 'string' ? rule.host : '',
      paths: arrayOf<Record<string, unknown>>(http.paths).map((p) => {
        const raw = typeof p?.path === 'string' ? p.path : '';
        const t = p?.pathType;
        const backend = (p?.backend ?? {}) as { service?: { name?: string; port?: { number?: number; name?: string } }; resource?: { kind?: string; name?: string } };
        const port = backend.service?.port?.number !== undefined ? String(backend.service.port.number) : (backend.service?.port?.name ?? 'pdefault');
        return {
          path: flattenSlashes(raw) || '/',
          pathType: t === 'Prefix' || t === 'Exact' ? t : 'ImplementationSpecific',
          ...(backend.service?.name ? { backend: { service: backend.service.name, port } } : {}),
          ...(backend.resource ? { resource: `${backend.resource.kind ?? '?'} ${backend.resource.name ?? '?'}` } : {}),
        };
      }),
    };
  });
}

/** Gateway API route rules and matches as written. */
export const routeRules = (o: KubeObject) => arrayOf<Record<string, unknown>>(specOf(o).rules);
export const hostnamesOf = (o: KubeObject) => arrayOf<string>(specOf(o).hostnames).filter((h) => typeof h === 'string');

/**
 * The route units of the objects: one per Ingress rule path (and default backend), per
 * HTTPRoute/GRPCRoute rule match (and hostname, when there are several: the expressions
 * translator gives each its own Kong route), per L4 route rule.
 */
export function routeUnits(r: RoutingObjects): RouteUnit[] {
  const units: RouteUnit[] = [];
  const add = (object: KubeObject, kind: RoutingKind, rule: number, match: number, hostname?: string, id?: string) =>
    units.push({ id: id ?? unitId(object, kind, rule, match, hostname), object, objectName: describeObject(object), kind, rule, match, ...(hostname ? { hostname } : {}) });
  let defaultBackendTaken = false;
  for (const ing of r.ingresses) {
    ingressRules(ing).forEach((rule, ri) => rule.paths.forEach((_, pi) => add(ing, 'Ingress', ri, pi)));
    if (specOf(ing).defaultBackend && !defaultBackendTaken) {
      // Only the oldest Ingress's default backend becomes a route (translate_ingress.go@v3.5.13 getDefaultBackendService).
      defaultBackendTaken = true;
      add(ing, 'Ingress', -1, 0, undefined, unitId(ing, 'Ingress', 'default', 0));
    }
  }
  for (const [kind, list] of [
    ['HTTPRoute', r.httpRoutes],
    ['GRPCRoute', r.grpcRoutes],
  ] as const) {
    for (const o of list) {
      const hosts = hostnamesOf(o);
      routeRules(o).forEach((rule, ri) => {
        const matches = arrayOf(rule?.matches);
        const n = Math.max(1, matches.length);
        for (let mi = 0; mi < n; mi++) {
          if (hosts.length > 1) for (const h of hosts) add(o, kind, ri, mi, h);
          else add(o, kind, ri, mi);
        }
      });
    }
  }
  for (const [kind, list] of [
    ['TLSRoute', r.tlsRoutes],
    ['TCPRoute', r.tcpRoutes],
    ['UDPRoute', r.udpRoutes],
    ['TCPIngress', r.tcpIngresses],
    ['UDPIngress', r.udpIngresses],
  ] as const) {
    for (const o of list) {
      const rules = routeRules(o);
      (rules.length ? rules : [{}]).forEach((_, ri) => add(o, kind, ri, 0));
    }
  }
  return units;
}

const unitIndexes = new WeakMap<readonly RouteUnit[], Map<KubeObject, RouteUnit[]>>();

/** The route units of one object, in order (indexed once per list of units: callers look them up per object). */
export function unitsOfObject(units: readonly RouteUnit[], o: KubeObject): readonly RouteUnit[] {
  let index = unitIndexes.get(units);
  if (!index) {
    index = new Map();
    for (const u of units) {
      const l = index.get(u.object);
      if (l) l.push(u);
      else index.set(u.object, [u]);
    }
    unitIndexes.set(units, index);
  }
  return index.get(o) ?? [];
}

/** KIC >= 3.4.15 / >= 3.5.7 take HTTPRoute protocols from the parent Gateway listeners (B17). */
export function protocolsFromListeners(kic: Version): boolean {
  if (kic.major !== 3) return kic.major > 3;
  if (kic.minor === 4) return atLeast(kic, '3.4.15');
  if (kic.minor === 5) return atLeast(kic, '3.5.7');
  return kic.minor > 5;
}

/** Listener protocols of an HTTPRoute's parent Gateways (`protocolsFromHTTPRoutesGatewayListeners`, B17), sorted. */
export function listenerProtocols(route: KubeObject, r: RoutingObjects): string[] | undefined {
  const set = new Set<string>();
  for (const pr of arrayOf<{ name?: string; namespace?: string; sectionName?: string }>(specOf(route).parentRefs)) {
    const gw = r.gateways.get(`${pr?.namespace || route.metadata.namespace || 'default'}/${pr?.name}`);
    if (!gw) continue;
    for (const l of arrayOf<{ name?: string; protocol?: string }>(specOf(gw).listeners)) {
      if (pr.sectionName && pr.sectionName !== l?.name) continue;
      if (l?.protocol === 'HTTP') set.add('http');
      if (l?.protocol === 'HTTPS') set.add('https');
    }
  }
  return set.size ? [...set].sort() : undefined;
}

/**
 * A TLSRoute KIC refuses to route, under either translator (translate_tlsroute.go@v3.5.13:
 * "no hostnames provided", no rules): recorded as a failure; true when so.
 */
export function tlsRouteUnrouted(o: KubeObject, units: readonly RouteUnit[], out: { failures: Translation['failures'][number][] }): boolean {
  const why = hostnamesOf(o).length === 0 ? 'no hostnames provided' : routeRules(o).length === 0 ? 'no rules' : undefined;
  if (!why) return false;
  out.failures.push({ object: describeObject(o), units: unitsOfObject(units, o).map((u) => u.id), message: `KIC cannot route it: ${why}`, rule: 'KIC', source: 'ROUTES.md B20' });
  return true;
}

/**
 * Whether KIC sends a TLSRoute as `tls_passthrough` (else `tls`): a listener of a parent Gateway
 * it attaches to has `tls.mode: Passthrough` (translate_tlsroute.go@v3.5.13 isTLSRoutePassthrough,
 * which reads the parents from status; their spec.parentRefs stand in for them here).
 */
export function tlsPassthrough(route: KubeObject, r: RoutingObjects): boolean {
  return arrayOf<{ name?: string; namespace?: string; sectionName?: string }>(specOf(route).parentRefs).some((pr) => {
    const gw = r.gateways.get(`${pr?.namespace || route.metadata.namespace || 'default'}/${pr?.name}`);
    return arrayOf<{ name?: string; tls?: { mode?: string } }>(gw ? specOf(gw).listeners : []).some((l) => (!pr.sectionName || pr.sectionName === l?.name) && l?.tls?.mode === 'Passthrough');
  });
}

/** Hostnames of the listeners of a route's parent Gateways (GRPCRoute without hostnames, B18). */
export function listenerHostnames(route: KubeObject, r: RoutingObjects): string[] {
  const out: string[] = [];
  for (const pr of arrayOf<{ name?: string; namespace?: string; sectionName?: string; kind?: string }>(specOf(route).parentRefs)) {
    if (pr?.kind && pr.kind !== 'Gateway') continue;
    const gw = r.gateways.get(`${pr?.namespace || route.metadata.namespace || 'default'}/${pr?.name}`);
    if (!gw) return [];
    for (const l of arrayOf<{ name?: string; hostname?: string }>(specOf(gw).listeners)) {
      if (pr.sectionName && pr.sectionName !== l?.name) continue;
      if (typeof l?.hostname === 'string') out.push(l.hostname);
    }
  }
  return out;
}


/** One Kong route's worth of Ingress paths: KIC groups paths by (namespace, name, backend Service, host, port). */
export interface IngressRouteGroup {
  readonly ing: KubeObject;
  readonly host: string;
  readonly paths: { p: IngressPath; unit: string }[];
}

/**
 * KIC's `ingressTranslationIndex`, shared by both translators: one route per (namespace,
 * name, backend Service, host, port), its paths in order. A path whose backend is not a
 * Service is skipped, as KIC does, with a failure citing `source` (the translator's fact).
 */
export function ingressRouteGroups(r: RoutingObjects, units: readonly RouteUnit[], out: { failures: Translation['failures'][number][] }, source: string): IngressRouteGroup[] {
  const unitOf = (o: KubeObject, rule: number, match: number) => unitsOfObject(units, o).find((u) => u.rule === rule && u.match === match)!.id;
  const index = new Map<string, IngressRouteGroup>();
  for (const ing of r.ingresses) {
    ingressRules(ing).forEach((rule, ri) =>
      rule.paths.forEach((p, pi) => {
        if (!p.backend) {
          out.failures.push({ object: describeObject(ing), units: [unitOf(ing, ri, pi)], message: `path ${p.path}: backend ${p.resource ?? '(none)'} is not a Service; KIC skips it`, rule: 'KIC', source });
          return;
        }
        const key = `${ing.metadata.namespace ?? 'default'}.${ing.metadata.name}.${p.backend.service}.${rule.host}.${p.backend.port}`;
        const group = index.get(key) ?? { ing, host: rule.host, paths: [] };
        group.paths.push({ p, unit: unitOf(ing, ri, pi) });
        index.set(key, group);
      }),
    );
  }
  return [...index.values()];
}

/** The L4 routing objects with the protocol KIC gives their routes (B20), in the order both translators take them. */
export function streamRouteLists(r: RoutingObjects): [RoutingKind, readonly KubeObject[], string][] {
  return [
    ['TLSRoute', r.tlsRoutes, 'tls'],
    ['TCPRoute', r.tcpRoutes, 'tcp'],
    ['UDPRoute', r.udpRoutes, 'udp'],
    ['TCPIngress', r.tcpIngresses, 'tcp'],
    ['UDPIngress', r.udpIngresses, 'udp'],
  ];
}
