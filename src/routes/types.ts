/**
 * The route report's data: the routing objects read, the Kong routes KIC sends for them under
 * each flavor, and the findings (the JSON contract of issue 11, `kong-flavor routes --json`).
 */
import { Flavor, RouteShape } from '../model/flavor';
import { KubeObject } from '../spec/types';
import { Expr } from './expression';

export type Severity = 'rejected' | 'changed' | 'dropped' | 'info';

/** Which route findings refuse a plan (`spec.routes.failOn`). */
export type FailOn = 'rejected' | 'changed' | 'never';

/** A request, as the report shows it. */
export interface ExampleRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Present only for HTTPS requests (plain HTTP otherwise). */
  readonly scheme?: 'https';
  /** Query parameters (HTTPRoute query matches), when any. */
  readonly query?: Readonly<Record<string, string>>;
}

/** A Kong route with traditional fields, as KIC sends it. */
export interface FieldsEntity {
  readonly name: string;
  readonly protocols?: readonly string[];
  readonly hosts?: readonly string[];
  readonly paths?: readonly string[];
  readonly methods?: readonly string[];
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  readonly snis?: readonly string[];
  readonly regex_priority?: number;
  readonly strip_path?: boolean;
  readonly preserve_host?: boolean;
  readonly path_handling?: string;
  readonly https_redirect_status_code?: number;
}

/** A Kong expression route, as KIC's expressions translator sends it. */
export interface ExpressionEntity {
  readonly name: string;
  readonly protocols?: readonly string[];
  readonly expression: string;
  readonly priority: number;
  readonly strip_path?: boolean;
  readonly preserve_host?: boolean;
  readonly https_redirect_status_code?: number;
}

export type RouteEntity = FieldsEntity | ExpressionEntity;

export const isExpressionEntity = (e: RouteEntity): e is ExpressionEntity => 'expression' in e;

/** Kinds of routing objects the report reads. */
export type RoutingKind = 'Ingress' | 'HTTPRoute' | 'GRPCRoute' | 'TLSRoute' | 'TCPRoute' | 'UDPRoute' | 'TCPIngress' | 'UDPIngress';

/** Part of a Kong route that comes from one route unit: its own paths (fields) or path matcher (expressions). */
export interface RoutePart {
  readonly unit: string;
  /** Fields routes: the unit's own entries of `paths` (none: the route matches any path). */
  readonly paths?: readonly string[];
  /** Expression routes: the unit's own path predicate (none: any path). */
  readonly pathExpr?: Expr;
}

/** One Kong route as KIC sends it under one translator, with what the judge needs. */
export interface KongRoute {
  /** The route's UUID as KIC's FillIDs derives it from the name (go-kong kong/ids.go). */
  readonly id: string;
  readonly shape: RouteShape;
  readonly entity: RouteEntity;
  /** Expression routes: the expression as a tree. */
  readonly expr?: Expr;
  readonly kind: RoutingKind;
  /** TCP/UDP/TLS routes (stream subsystem): not judged against HTTP requests. */
  readonly stream: boolean;
  readonly parts: readonly RoutePart[];
  /** Position in KIC's output, the stand-in for `created_at` (DB-less loads everything at once). */
  readonly order: number;
}

/** A rule of a routing object, one match (path) of it, and one hostname when the expressions translator splits by hostname. */
export interface RouteUnit {
  /** Stable id: `<kind>.<namespace>.<name>.<rule>.<match>[.<hostname>]`. */
  readonly id: string;
  readonly object: KubeObject;
  /** `Ingress ns/name`. */
  readonly objectName: string;
  readonly kind: RoutingKind;
  readonly rule: number;
  readonly match: number;
  /** The expressions translator's hostname for this unit (HTTPRoute, GRPCRoute), if any. */
  readonly hostname?: string;
}

/** What KIC sends for the objects under one translator. */
export interface Translation {
  readonly shape: RouteShape;
  readonly routes: readonly KongRoute[];
  /** Objects KIC refuses to translate (a translation failure event), with why. */
  readonly failures: readonly { readonly object: string; readonly units: readonly string[]; readonly message: string; readonly rule: string; readonly source: string }[];
}

/** One entry of the report's `routes`. */
export interface RouteEntry {
  readonly id: string;
  readonly object: string;
  readonly rule: number;
  readonly before: RouteEntity | null;
  readonly after: RouteEntity | null;
}

export interface Finding {
  /** `R1`...`R28` (ROUTES.md rules), or `KIC` for what KIC itself refuses or ignores. */
  readonly rule: string;
  readonly severity: Severity;
  readonly routes: readonly string[];
  readonly message: string;
  /** `ROUTES.md A5` (the facts the rule rests on). */
  readonly source: string;
  readonly example?: {
    readonly request: ExampleRequest;
    /** The route unit Kong picks under the from flavor (among all the routes read), or null. */
    readonly before: string | null;
    readonly after: string | null;
  };
}

/** The route-semantics report (issue 11 JSON contract). */
export interface RouteReport {
  readonly from: Flavor;
  readonly to: Flavor;
  readonly kong: string;
  readonly kic: string;
  readonly objects: number;
  readonly routes: readonly RouteEntry[];
  readonly findings: readonly Finding[];
}
