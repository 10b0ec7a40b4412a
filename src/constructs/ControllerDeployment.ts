import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { formatFeatureGates } from '../model/featureGates';
import { DEFAULT_ELECTION_ID } from '../model/rules';
import { STACK_LABEL } from '../plan/state';
import { ControllerState } from '../plan/types';
import { InputError } from '../spec/errors';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { applyControllerRestart } from './ControllerRestart';
import { cleanCopy, controllerSetting, deploymentSpec, findContainer, relabelGreen, setControllerSetting } from './manifest';
import { withSyncWave } from './syncWave';

export interface ControllerDeploymentProps {
  /** The resolved spec: names, containers and the user's Deployment to start from. */
  readonly spec: ResolvedSpec;
  /** The controller Deployment as it must stand. */
  readonly state: ControllerState;
  /** Argo CD sync wave. @default no annotation */
  readonly syncWave?: number;
}

/**
 * The controller Deployment at one point of the plan: the user's Deployment with replicas,
 * the restart annotation, and the env that decides what it detects and where it pushes
 * (`CONTROLLER_FEATURE_GATES`, `CONTROLLER_ELECTION_ID`, `CONTROLLER_KONG_ADMIN_SVC`,
 * `CONTROLLER_UPDATE_STATUS`). Env is only written where it differs from what the user has.
 */
export function controllerDeploymentManifest(spec: ResolvedSpec, state: ControllerState): KubeObject {
  const base = spec.base.controllerDeployment;
  const c = spec.controller;
  if (!base || !c) throw new InputError({ path: 'spec.controller', message: 'the plan needs the controller Deployment' });
  const obj = cleanCopy(base);
  const ds = deploymentSpec(obj);
  obj.metadata.name = state.name;
  obj.metadata.namespace = spec.namespace;
  if (state.stack === 'green') relabelGreen(obj, c.selector, state.selector, STACK_LABEL);
  ds.replicas = state.replicas;
  applyControllerRestart(ds, state.restartFor);
  const container = findContainer(obj, c.container, 'spec.controller.container');

  // Each setting goes where KIC reads it: a flag in args wins over its env var.
  const gates = formatFeatureGates(state.featureGates);
  if (gates !== controllerSetting(container, 'CONTROLLER_FEATURE_GATES')) setControllerSetting(container, 'CONTROLLER_FEATURE_GATES', gates);

  if ((controllerSetting(container, 'CONTROLLER_ELECTION_ID') ?? DEFAULT_ELECTION_ID) !== state.electionId) {
    setControllerSetting(container, 'CONTROLLER_ELECTION_ID', state.electionId);
  }
  const adminSvc = `${spec.namespace}/${state.adminService}`;
  if (controllerSetting(container, 'CONTROLLER_KONG_ADMIN_SVC') !== adminSvc && state.adminService !== spec.gateway.adminService) {
    setControllerSetting(container, 'CONTROLLER_KONG_ADMIN_SVC', adminSvc);
  }
  const statusOn = (controllerSetting(container, 'CONTROLLER_UPDATE_STATUS') ?? 'true').toLowerCase() !== 'false';
  if (statusOn !== state.updateStatus) setControllerSetting(container, 'CONTROLLER_UPDATE_STATUS', String(state.updateStatus));
  // A green controller copied from a Konnect-syncing blue one starts with sync off (see plan/blueGreen.ts).
  const konnectOn = (controllerSetting(container, 'CONTROLLER_KONNECT_SYNC_ENABLED') ?? 'false').toLowerCase() === 'true';
  if (state.konnectSync !== undefined && konnectOn !== state.konnectSync) setControllerSetting(container, 'CONTROLLER_KONNECT_SYNC_ENABLED', String(state.konnectSync));
  return obj;
}

/** The controller Deployment as the plan needs it at one phase (see `controllerDeploymentManifest`). */
export class ControllerDeployment extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ControllerDeploymentProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', withSyncWave(controllerDeploymentManifest(props.spec, props.state), props.syncWave));
  }
}
