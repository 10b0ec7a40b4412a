/**
 * Stage 1, read: the routing objects of one controller among the user's objects, as KIC's
 * store lists them (internal/store/store.go@v3.5.13): Ingresses of its ingress class, Gateway
 * API routes attached to Gateways of its GatewayClass, KIC's own TCPIngress/UDPIngress,
 * IngressClassParameters, KongIngress (2.x), Gateway listeners and route-level plugins.
 */
import { KubeObject } from '../spec/types';
import { RoutingKind } from './types';

/** KIC's `--ingress-class` default (annotations.DefaultIngressClass). */
export const DEFAULT_INGRESS_CLASS = 'kong';
/** KIC's `--gateway-api-controller-name` default (controllers/gateway/gatewayclass_controller.go@v3.5.13). */
export const DEFAULT_GATEWAY_CONTROLLER = 'konghq.com/kic-gateway-controller';
/** The IngressClass controller KIC recognizes (store.go `IngressClassKongController`). */
export const KONG_INGRESS_CLASS_CONTROLLER = 'ingress-controllers.konghq.com/kong';

export interface ControllerClasses {
  readonly ingressClass: string;
  readonly gatewayControllerName: string;
}

/** An object set aside, and why (another class, not a routing object KIC reads...). */
export interface SetAside {
  readonly object: string;
  readonly reason: string;
}

export interface RoutingObjects {
  /** Ingresses of the class, in KIC's order (namespace/name, then creation time). */
  readonly ingresses: readonly KubeObject[];
  readonly httpRoutes: readonly KubeObject[];
  readonly grpcRoutes: readonly KubeObject[];
  readonly tlsRoutes: readonly KubeObject[];
  readonly tcpRoutes: readonly KubeObject[];
  readonly udpRoutes: readonly KubeObject[];
  readonly tcpIngresses: readonly KubeObject[];
  readonly udpIngresses: readonly KubeObject[];
  /** Knative Services (KIC 2.x translates them; not judged beyond R27). */
  readonly knative: readonly KubeObject[];
  /** `IngressClassParameters.spec.enableLegacyRegexDetection` of the controller's IngressClass (B4). */
  readonly legacyRegexDetection: boolean;
  /** KongIngress objects by `namespace/name` (KIC 2.x `konghq.com/override`). */
  readonly kongIngresses: ReadonlyMap<string, KubeObject>;
  /** Gateways of the controller's GatewayClass, by `namespace/name`. */
  readonly gateways: ReadonlyMap<string, KubeObject>;
  /** KongPlugin (by `namespace/name`) and KongClusterPlugin (by `name`). */
  readonly plugins: ReadonlyMap<string, KubeObject>;
  readonly setAside: readonly SetAside[];
  /** Things the user should know about what was read. */
  readonly notes: readonly string[];
}

export const describeObject = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
export const nsName = (o: KubeObject, defaultNs = 'default') => `${o.metadata.namespace ?? defaultNs}/${o.metadata.name}`;

const group = (o: KubeObject) => (o.apiVersion ?? '').split('/').slice(0, -1).join('/');
const spec = (o: KubeObject) => ((o.spec && typeof o.spec === 'object' ? o.spec : {}) as Record<string, unknown>);
const created = (o: KubeObject) => String((o.metadata as { creationTimestamp?: unknown }).creationTimestamp ?? '');

/** KIC's order: namespace/name, then (stable) creation time (translate_ingress.go@v3.5.13). */
function kicOrder(list: KubeObject[], byCreation: boolean): KubeObject[] {
  const sorted = [...list].sort((a, b) => (nsName(a) < nsName(b) ? -1 : nsName(a) > nsName(b) ? 1 : 0));
  return byCreation ? sorted.sort((a, b) => (created(a) < created(b) ? -1 : created(a) > created(b) ? 1 : 0)) : sorted;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
const ROUTE_KINDS: Readonly<Record<string, RoutingKind>> = {
  HTTPRoute: 'HTTPRoute',
  GRPCRoute: 'GRPCRoute',
  TLSRoute: 'TLSRoute',
  TCPRoute: 'TCPRoute',
  UDPRoute: 'UDPRoute',
};

/** Reads the routing objects of a controller out of `objects`. */
export function readRoutingObjects(objects: readonly KubeObject[], classes: ControllerClasses): RoutingObjects {
  const setAside: SetAside[] = [];
  const notes: string[] = [];
  const ingressClasses = objects.filter((o) => o.kind === 'IngressClass' && group(o) === 'networking.k8s.io');
  const ourIngressClass = ingressClasses.find((c) => c.metadata.name === classes.ingressClass);

  // IngressClassParameters of our IngressClass (store.GetIngressClassParametersV1Alpha1).
  let legacyRegexDetection = false;
  const params = (ourIngressClass ? spec(ourIngressClass).parameters : undefined) as { kind?: string; name?: string; namespace?: string } | undefined;
  if (params?.kind === 'IngressClassParameters') {
    const icp = objects.find((o) => o.kind === 'IngressClassParameters' && o.metadata.name === params.name && (o.metadata.namespace ?? 'default') === (params.namespace ?? 'default'));
    if (icp) legacyRegexDetection = spec(icp).enableLegacyRegexDetection === true;
    else notes.push(`IngressClass ${classes.ingressClass} refers to IngressClassParameters ${params.namespace ?? 'default'}/${params.name}, which is not in the input: legacy regex detection is assumed off`);
  }

  // Ingresses (store.ListIngressesV1): class annotation, else spec.ingressClassName, else the default class.
  const isDefaultClass = ourIngressClass?.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true';
  const ingresses: KubeObject[] = [];
  for (const ing of objects.filter((o) => o.kind === 'Ingress' && group(o) === 'networking.k8s.io')) {
    const annotated = ing.metadata.annotations?.['kubernetes.io/ingress.class'];
    const className = spec(ing).ingressClassName;
    if (annotated) {
      if (annotated === classes.ingressClass) ingresses.push(ing);
      else setAside.push({ object: describeObject(ing), reason: `ingress class "${annotated}" (annotation), not ${classes.ingressClass}` });
    } else if (typeof className === 'string' && className !== '') {
      if (className === classes.ingressClass) ingresses.push(ing);
      else setAside.push({ object: describeObject(ing), reason: `ingressClassName "${className}", not ${classes.ingressClass}` });
    } else if (isDefaultClass) {
      ingresses.push(ing);
    } else {
      setAside.push({
        object: describeObject(ing),
        reason: ourIngressClass
          ? `no ingress class, and IngressClass ${classes.ingressClass} is not the default class`
          : `no ingress class; it counts only if IngressClass ${classes.ingressClass} is the cluster's default, and no IngressClass ${classes.ingressClass} is in the input`,
      });
    }
  }

  // KIC's own CRDs with the class annotation (ExactOrEmpty matching).
  const classAnnotated = (kind: string) =>
    objects.filter((o) => {
      if (o.kind !== kind || group(o) !== 'configuration.konghq.com') return false;
      const c = o.metadata.annotations?.['kubernetes.io/ingress.class'];
      if (c && c !== classes.ingressClass) {
        setAside.push({ object: describeObject(o), reason: `ingress class "${c}", not ${classes.ingressClass}` });
        return false;
      }
      return true;
    });
  const tcpIngresses = classAnnotated('TCPIngress');
  const udpIngresses = classAnnotated('UDPIngress');
  const kongIngresses = new Map(objects.filter((o) => o.kind === 'KongIngress').map((o) => [nsName(o), o]));
  const plugins = new Map<string, KubeObject>();
  for (const o of objects) {
    if (o.kind === 'KongPlugin') plugins.set(nsName(o), o);
    else if (o.kind === 'KongClusterPlugin') plugins.set(o.metadata.name, o);
  }

  // Gateway API: GatewayClasses of our controller, their Gateways, and the routes attached to them.
  const gatewayClasses = new Map(objects.filter((o) => o.kind === 'GatewayClass' && group(o) === GATEWAY_GROUP).map((o) => [o.metadata.name, o]));
  const allGateways = new Map(objects.filter((o) => o.kind === 'Gateway' && group(o) === GATEWAY_GROUP).map((o) => [nsName(o), o]));
  const gatewayIsOurs = (gw: KubeObject): boolean | undefined => {
    const cls = gatewayClasses.get(String(spec(gw).gatewayClassName ?? ''));
    if (!cls) return undefined;
    return spec(cls).controllerName === classes.gatewayControllerName;
  };
  const gateways = new Map([...allGateways].filter(([, gw]) => gatewayIsOurs(gw) !== false));
  const routes: Record<RoutingKind, KubeObject[]> = { Ingress: [], HTTPRoute: [], GRPCRoute: [], TLSRoute: [], TCPRoute: [], UDPRoute: [], TCPIngress: [], UDPIngress: [] };
  const assumed = new Set<string>();
  for (const o of objects) {
    const kind = ROUTE_KINDS[o.kind];
    if (!kind || group(o) !== GATEWAY_GROUP) continue;
    const parentRefs = Array.isArray(spec(o).parentRefs) ? (spec(o).parentRefs as { name?: string; namespace?: string; kind?: string; group?: string }[]) : [];
    const gatewayRefs = parentRefs.filter((p) => p && (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? GATEWAY_GROUP) === GATEWAY_GROUP);
    let verdict: 'ours' | 'theirs' | 'unknown' = gatewayRefs.length === 0 ? 'theirs' : 'theirs';
    const unknownRefs: string[] = [];
    for (const p of gatewayRefs) {
      const key = `${p.namespace ?? o.metadata.namespace ?? 'default'}/${p.name}`;
      const gw = allGateways.get(key);
      const ours = gw ? gatewayIsOurs(gw) : undefined;
      if (ours === true) verdict = 'ours';
      else if (ours === undefined && verdict !== 'ours') {
        verdict = 'unknown';
        unknownRefs.push(gw ? `Gateway ${key} (its GatewayClass ${String(spec(gw).gatewayClassName)} is not in the input)` : `Gateway ${key}`);
      }
    }
    if (verdict === 'theirs') {
      setAside.push({
        object: describeObject(o),
        reason: gatewayRefs.length === 0 ? 'no parent Gateway' : `its Gateways belong to another GatewayClass controller than ${classes.gatewayControllerName}`,
      });
      continue;
    }
    if (verdict === 'unknown') for (const r of unknownRefs) assumed.add(r);
    routes[kind].push(o);
  }
  if (assumed.size) {
    notes.push(`not in the input, assumed to be served by this controller: ${[...assumed].sort().join(', ')} (add Gateways and GatewayClasses to the input to check)`);
  }
  const knative = objects.filter((o) => o.kind === 'Service' && group(o) === 'serving.knative.dev');

  return {
    ingresses: kicOrder(ingresses, true),
    httpRoutes: kicOrder(routes.HTTPRoute, false),
    grpcRoutes: kicOrder(routes.GRPCRoute, false),
    tlsRoutes: kicOrder(routes.TLSRoute, false),
    tcpRoutes: kicOrder(routes.TCPRoute, false),
    udpRoutes: kicOrder(routes.UDPRoute, false),
    tcpIngresses: kicOrder(tcpIngresses, false),
    udpIngresses: kicOrder(udpIngresses, false),
    knative,
    legacyRegexDetection,
    kongIngresses,
    gateways,
    plugins,
    setAside,
    notes,
  };
}

/** How many routing objects of the class were read. */
export function countRoutingObjects(r: RoutingObjects): number {
  return (
    r.ingresses.length + r.httpRoutes.length + r.grpcRoutes.length + r.tlsRoutes.length + r.tcpRoutes.length + r.udpRoutes.length + r.tcpIngresses.length + r.udpIngresses.length
  );
}
