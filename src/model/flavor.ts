/**
 * Router flavors and route shapes (DOMAIN.md section 1).
 */

/** Values of Kong's `router_flavor` (env `KONG_ROUTER_FLAVOR`). */
export const FLAVORS = ['traditional', 'traditional_compatible', 'expressions'] as const;
export type Flavor = (typeof FLAVORS)[number];

/**
 * The two shapes a Kong route can have: `fields` (paths, hosts, methods, headers, ...)
 * or `expressions` (`expression` + `priority`).
 */
export type RouteShape = 'fields' | 'expressions';

/** Short name used in object names and annotation values (`traditional_compatible` -> `traditional-compatible`). */
export function flavorSlug(flavor: Flavor): string {
  return flavor.replace(/_/g, '-');
}
