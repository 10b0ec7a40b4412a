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

/** The flavors that read fields routes only: the "fields flavors". */
export function isFieldsFlavor(flavor: Flavor): boolean {
  return flavor !== 'expressions';
}

/** Short name used in object names and annotation values (`traditional_compatible` -> `traditional-compatible`). */
export function flavorSlug(flavor: Flavor): string {
  return flavor.replace(/_/g, '-');
}
