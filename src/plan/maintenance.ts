/**
 * The maintenance window: what people do today (DOMAIN.md §5), made explicit and gated.
 * Gateways go to 0, the flavor changes while nothing runs, and gateways and controller
 * start together, so the controller can only discover gateways of the target flavor.
 */
import { flavorSlug } from '../model/flavor';
import { ResolvedSpec } from '../spec/types';
import { MigrationFacts } from './facts';
import { PhaseInput } from './phase';
import { restartValue, withController, withGateway } from './state';
import { InstallationState } from './types';

export function maintenancePhases(spec: ResolvedSpec, f: MigrationFacts, initial: InstallationState): PhaseInput[] {
  const gw = spec.gateway.deployment;
  const ctrl = spec.controller;
  const down = withGateway(initial, gw, { replicas: 0 });
  let changed = withGateway(down, gw, {
    flavor: spec.to,
    ...(spec.topology === 'sidecar' ? { sidecarFeatureGates: f.gatesAfter } : {}),
  });
  if (ctrl) changed = withController(changed, ctrl.deployment, { replicas: 0 });
  let up = withGateway(changed, gw, { replicas: spec.gateway.replicas });
  if (ctrl) up = withController(up, ctrl.deployment, { replicas: ctrl.replicas, restartFor: restartValue(spec), featureGates: f.gatesAfter });

  return [
    {
      slug: 'stop-gateways',
      title: 'Downtime starts: scale the gateways to 0',
      description: `Scales ${gw} to 0. Traffic through ${spec.gateway.proxyService} stops here.`,
      state: down,
      zeroDowntime: false,
      rollback: `Scale ${gw} back to ${spec.gateway.replicas}; nothing else changed yet.`,
    },
    {
      slug: `set-flavor-${flavorSlug(spec.to)}`,
      title: `Change the flavor to ${spec.to} while nothing runs${ctrl ? ' and stop the controller' : ''}`,
      description: `Sets KONG_ROUTER_FLAVOR=${spec.to} on ${gw} (still 0 replicas)${ctrl ? ` and scales ${ctrl.deployment} to 0, so that no controller runs with the old flavor` : ''}.`,
      state: changed,
      zeroDowntime: false,
      rollback: `Re-apply ${gw} with KONG_ROUTER_FLAVOR=${spec.from}${ctrl ? ` and scale ${ctrl.deployment} back to ${ctrl.replicas}` : ''}, then roll back phase 01 right away (scale the gateways up)${ctrl ? ': a controller that starts while no gateway runs waits for one' : ''}.`,
    },
    {
      slug: 'start',
      title: `Start the gateways${ctrl ? ' and the controller' : ''}: downtime ends when they are Ready`,
      description: `Scales ${gw} back to ${spec.gateway.replicas}${ctrl ? ` and starts ${ctrl.deployment} (annotation kong-flavor-migrator/restart-for=${restartValue(spec)}): every gateway it can discover runs ${spec.to}, so it detects ${spec.to} and sends ${f.shapeAfter} routes` : `: each pod's controller detects ${spec.to}`}.`,
      state: up,
      zeroDowntime: false,
      rollback: `Run the reverse migration with strategy maintenance.`,
    },
  ];
}
