/**
 * Hybrid mode (`role: control_plane` / `data_plane`, env `KONG_ROLE`): the controller writes
 * its routes to the control plane (through its admin API, backed by Postgres), and the data
 * planes that serve traffic get their configuration from the control plane over the cluster
 * protocol (Kong/kong `kong/clustering/`), each building its router with its own
 * `router_flavor`. The controller does not discover the data planes. Facts that decide a
 * flavor change there, none of which the verifier models:
 * - a control plane on `expressions` with mixed routes sends no configuration at all to a data
 *   plane older than 3.7 (Kong 3.7.0 changelog, Kong/kong#12967;
 *   `kong/clustering/compat/init.lua`, `check_mixed_route_entities`);
 * - a data plane on a fields flavor cannot read expression routes (DOMAIN.md §1), and one on
 *   `expressions` before 3.7 cannot read fields routes.
 * So a hybrid installation is refused (exit 3) rather than planned as the wrong half.
 */
import { PlanRefusedError } from '../../errors';
import { Flavor } from '../../model/flavor';
import { defaultFlavor } from '../../model/rules';
import { MigrationSpecInput } from '../schema';

/**
 * A Konnect data plane: its control plane is Kong's SaaS (`konnect_mode: on`, or
 * `cluster_control_plane` on a `konghq.com` / `konghq.tech` host; Kong's kong.conf.default
 * and the Konnect data plane docs), with no release or controller of the user's to change.
 */
export const isKonnectDataPlane = (konnectMode: string | undefined, controlPlane: string | undefined): boolean =>
  konnectMode?.toLowerCase() === 'on' || /(^|\.)konghq\.(com|tech)(:\d+)?$/i.test((controlPlane ?? '').trim());

/** The refusal of a hybrid installation, naming where hybrid mode was read and what to do. */
export function hybridRefusal(input: MigrationSpecInput, role: 'control_plane' | 'data_plane', where: string, from: Flavor | undefined, konnect = false): PlanRefusedError {
  const half =
    role === 'control_plane'
      ? 'a control plane: the data planes that serve traffic are other Deployments (other releases), which this plan would leave on the old flavor'
      : `a data plane: it takes its routes from the ${konnect ? 'Konnect control plane' : 'control plane'}, not from the controller, so a plan for it alone would change the flavor under routes it cannot read`;
  const reason = 'hybrid mode (control plane / data planes) is not modelled: the verifier models a controller configuring the gateways it discovers, not a control plane syncing data planes';
  const current = input.spec.from ?? from ?? defaultFlavor();
  const already = current === input.spec.to ? [`This ${role === 'control_plane' ? 'control plane' : 'data plane'} already runs ${current}: nothing on it changes. What is refused is hybrid mode, not this flavor.`] : [];
  return new PlanRefusedError({
    kind: 'refused',
    name: input.metadata.name,
    from: current,
    to: input.spec.to,
    reasons: [
      ...already,
      `hybrid mode: ${where} makes this ${half}.`,
      `In hybrid mode every data plane builds its router with its own router_flavor from the configuration the control plane sends, and a control plane on expressions with mixed routes sends no configuration at all to a data plane older than Kong 3.7 (Kong 3.7.0 changelog, Kong/kong#12967).`,
      konnect
        ? `What to do: the control plane is Konnect (no release or controller of yours to change there): change router_flavor on every data plane release in one maintenance window, with every data plane on Kong >= 3.7 for -> expressions, and check in Konnect that the control plane's routes suit the new flavor first.`
        : `What to do: change router_flavor on the control plane and on every data plane release in one maintenance window (scale the controller to 0 first, start it last so it detects the new flavor), with every data plane on Kong >= 3.7 for -> expressions; or plan each data plane fleet with kong-flavor only once it runs as a traditional (non-hybrid) installation.`,
    ],
    ruledOut: (['rolling', 'blue-green', 'maintenance'] as const).map((strategy) => ({ strategy, reason })),
  });
}
