/**
 * Blue-green: a parallel gateway + controller stack on the target flavor, a cutover of the
 * proxy Service, then the old (blue) stack retired. The only zero-downtime answer when the
 * running controller's routes cannot be read by new gateways (expressions -> fields flavors,
 * or -> expressions on Kong < 3.7), DB-less and separate topology only.
 */
import { EXPRESSION_ROUTES_GATE } from '../model/featureGates';
import { InputError } from '../spec/errors';
import { ResolvedSpec } from '../spec/types';
import { MigrationFacts } from './facts';
import { PhaseInput } from './phase';
import { relabel } from '../constructs/manifest';
import { GREEN_SUFFIX, greenLabels, withController, withGateway, withService } from './state';
import { InstallationState } from './types';

/** `a`, `a and b`, `a, b and c`. */
const andList = (names: readonly string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

/** Why blue-green is or is not available for this spec. */
export function blueGreenRuledOut(spec: ResolvedSpec): string | undefined {
  if (spec.topology === 'sidecar') {
    return 'needs a separate controller Deployment to run a second controller for the green gateways (sidecar topology has none)';
  }
  if (spec.database === 'postgres') {
    return 'not offered with Postgres: both stacks would share one database, and the two controllers would rewrite the same routes into different shapes';
  }
  const greenAdmin = `${spec.gateway.adminService}${GREEN_SUFFIX}`;
  if (greenAdmin.length > 63) {
    return `the green admin Service would be named ${greenAdmin}, longer than the 63 characters a Service name allows`;
  }
  if (spec.helm) {
    // The green stack is a copy of the running Deployments; chart values alone do not show what
    // the chart renders into them (service accounts, ingress class, webhook certificates).
    return `needs the release's rendered Deployments and Services to copy into a green stack: give \`helm get manifest ${spec.helm.release} -n ${spec.helm.namespace}\` as spec.source.manifests instead of the chart values`;
  }
  return undefined;
}

/** The lease name of the green controller: its own, so it leads its own gateways. */
export function greenElectionId(electionId: string): string {
  return `${electionId}${GREEN_SUFFIX}`;
}

/** Names of the green stack's objects. */
export function greenNames(spec: ResolvedSpec) {
  return {
    gateway: spec.gateway.greenDeployment,
    controller: spec.controller!.greenDeployment,
    adminService: `${spec.gateway.adminService}${GREEN_SUFFIX}`,
  };
}

export function blueGreenPhases(spec: ResolvedSpec, f: MigrationFacts, initial: InstallationState): PhaseInput[] {
  if (!spec.base.proxyService) {
    // The cutover rewrites the proxy Service: it must be the user's own, not a modelled one.
    throw new InputError({
      path: 'spec.source.manifests',
      message: `blue-green moves the selector of the proxy Service ${spec.gateway.proxyService}; include that Service in the manifests`,
    });
  }
  const gw = spec.gateway;
  const ctrl = spec.controller!;
  const names = greenNames(spec);
  const gwSelector = greenLabels(gw.selector);
  const ctrlSelector = greenLabels(ctrl.selector);
  const gatesNote = f.gatesAfter[EXPRESSION_ROUTES_GATE] && !f.gatesBefore[EXPRESSION_ROUTES_GATE] ? ` and ${EXPRESSION_ROUTES_GATE}=true` : '';

  const proxy = initial.services.find((s) => s.role === 'proxy')!;
  const webhook = initial.services.find((s) => s.role === 'webhook');

  // 1. Green stack up, beside blue.
  const up: InstallationState = {
    gateways: [
      ...initial.gateways,
      {
        name: names.gateway,
        stack: 'green',
        flavor: spec.to,
        replicas: gw.replicas,
        maxSurge: gw.maxSurge,
        maxUnavailable: gw.maxUnavailable,
        selector: gwSelector,
      },
    ],
    services: [...initial.services, { name: names.adminService, role: 'admin', stack: 'green', selector: gwSelector }],
    controllers: [
      ...initial.controllers,
      {
        name: names.controller,
        stack: 'green',
        replicas: ctrl.replicas,
        featureGates: f.gatesAfter,
        electionId: greenElectionId(ctrl.electionId),
        adminService: names.adminService,
        updateStatus: false,
        // Two leaders would sync different route shapes into one Konnect control plane: green syncs only once blue has no pods.
        ...(ctrl.konnectSync ? { konnectSync: false } : {}),
        selector: ctrlSelector,
      },
    ],
  };
  // 2. Cutover: traffic and the admission webhook move to green.
  let cut = withService(up, proxy.name, { selector: gwSelector, stack: 'green' });
  if (webhook) cut = withService(cut, webhook.name, { selector: ctrlSelector, stack: 'green' });
  // Every other Service on the blue gateways moves too, or it loses its endpoints when blue retires.
  const traffic = initial.services.filter((s) => s.role === 'traffic');
  for (const s of traffic) cut = withService(cut, s.name, { selector: relabel(s.selector, gw.selector, gwSelector), stack: 'green' });
  const moved = [proxy.name, ...traffic.map((s) => s.name)];
  // 3. Retire blue: green writes status, blue scaled to 0 (rollback is a scale-up).
  let retired = withController(cut, names.controller, { updateStatus: true });
  retired = withGateway(retired, gw.deployment, { replicas: 0 });
  retired = withController(retired, ctrl.deployment, { replicas: 0 });
  // 4. Remove blue; with Konnect, green syncs from now on (blue has had no pods since phase 3).
  const removed: InstallationState = {
    gateways: retired.gateways.filter((g) => g.stack === 'green'),
    controllers: retired.controllers.filter((c) => c.stack === 'green').map((c) => (ctrl.konnectSync ? { ...c, konnectSync: true } : c)),
    services: retired.services.filter((s) => !(s.role === 'admin' && s.stack === 'blue')),
  };

  return [
    {
      slug: 'green-stack-up',
      title: `Start a green stack on ${spec.to} beside the running one`,
      description:
        `Creates ${names.gateway} (${gw.replicas} replicas, KONG_ROUTER_FLAVOR=${spec.to}, pods ${Object.entries(gwSelector).map(([k, v]) => `${k}=${v}`).join(',')}), ` +
        `its admin Service ${names.adminService}, and ${names.controller}, which discovers only ${names.adminService}, leads through its own lease ${greenElectionId(ctrl.electionId)}, ` +
        `serves the same ingress class and leaves Ingress status to the blue controller (CONTROLLER_UPDATE_STATUS=false${gatesNote}${ctrl.konnectSync ? ', CONTROLLER_KONNECT_SYNC_ENABLED=false: blue keeps syncing to Konnect until it is removed' : ''}). ` +
        `Every gateway it can discover runs ${spec.to}, so it detects ${spec.to}. Traffic still goes to the blue stack.`,
      state: up,
      rollback: `Delete the green objects (${names.gateway}, ${names.controller}, ${names.adminService}); blue never stopped serving.`,
    },
    {
      slug: 'cutover',
      title: `Cut over: ${moved.length > 1 ? 'the gateway Services select' : 'the proxy Service selects'} the green gateways`,
      description: `Moves the selector of ${andList(moved)} to the green pods${webhook ? ` and of ${webhook.name} to the green controller` : ''}. New connections go to green; blue keeps running for a fast rollback.`,
      state: cut,
      rollback: `Point ${andList([...moved, ...(webhook ? [webhook.name] : [])])} back at the blue pods, which are still running and configured.`,
    },
    {
      slug: 'retire-blue',
      title: 'Retire blue: scale it to 0, green takes over Ingress status',
      description: `Scales ${gw.deployment} and ${ctrl.deployment} to 0 and turns status updates on in ${names.controller} (a restart that detects ${spec.to} again: it discovers only green gateways).`,
      state: retired,
      rollback: `Scale ${gw.deployment} and ${ctrl.deployment} back up: the blue controller discovers only blue gateways and detects ${spec.from}; then roll back the cutover.`,
    },
    {
      slug: 'remove-blue',
      title: 'Remove the blue stack',
      description: `Deletes ${gw.deployment}, ${ctrl.deployment} and ${gw.adminService}, kept until now so that rolling back the retirement was a scale-up. Remove them from your own repository too, or your GitOps tool will recreate them.${
        ctrl.konnectSync ? ` Turns Konnect sync on in ${names.controller} (CONTROLLER_KONNECT_SYNC_ENABLED=true, a restart that detects ${spec.to} again): until now only blue synced to Konnect, so one controller at a time writes to the Konnect control plane.` : ''
      }`,
      state: removed,
      rollback: `Re-create ${gw.deployment}, ${ctrl.deployment} and ${gw.adminService} at 0 replicas (the state before this phase).`,
    },
  ];
}
