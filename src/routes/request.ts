/**
 * A request as the routers see it, and the winner a router picks for it.
 */
import { KongRoute } from './types';

export interface HttpRequest {
  readonly method: string;
  /** Host without port, lower case (nginx `$host`). */
  readonly host: string;
  /** The normalized path (kong/router/utils.lua strip_uri_args + normalize, A15): our requests are generated normalized. */
  readonly path: string;
  /** Header names lower case with dashes, one value each. */
  readonly headers: Readonly<Record<string, string>>;
  readonly scheme: 'http' | 'https';
  readonly query?: Readonly<Record<string, string>>;
}

/** The route a router picks, and whether another matching route had exactly the same rank (a tie, A9/R6). */
export interface Selection {
  readonly route: KongRoute;
  /** The path entry (split route part) that won, for attributing the win to a route unit. */
  readonly paths?: readonly string[];
  readonly tiedWith?: KongRoute;
}

export interface Router {
  select(req: HttpRequest): Selection | undefined;
  /** Whether `route` (one of the router's) matches the request on its own, whatever the other routes. */
  matches(route: KongRoute, req: HttpRequest): boolean;
}
