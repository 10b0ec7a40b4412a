import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { formatFeatureGates } from '../model/featureGates';
import { STACK_LABEL } from '../plan/state';
import { GatewayState } from '../plan/types';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { cleanCopy, controllerSetting, deploymentSpec, findContainer, relabelGreen, setControllerSetting, setEnv } from './manifest';
import { withSyncWave } from './syncWave';

export interface GatewayDeploymentProps {
  /** The resolved spec: names, containers and the user's Deployment to start from. */
  readonly spec: ResolvedSpec;
  /** The gateway Deployment as it must stand. */
  readonly state: GatewayState;
  /** Argo CD sync wave. @default no annotation */
  readonly syncWave?: number;
}

/**
 * The gateway Deployment at one point of the plan: the user's Deployment with
 * `KONG_ROUTER_FLAVOR`, replicas and the rolling-update strategy the plan requires; for the
 * green stack, a copy with its own name and labels so no blue selector matches its pods.
 */
export function gatewayDeploymentManifest(spec: ResolvedSpec, state: GatewayState): KubeObject {
  const base = spec.base.gatewayDeployment;
  const obj = cleanCopy(base);
  const ds = deploymentSpec(obj);
  obj.metadata.name = state.name;
  obj.metadata.namespace = spec.namespace;
  if (state.stack === 'green') relabelGreen(obj, spec.gateway.selector, state.selector, STACK_LABEL);
  ds.replicas = state.replicas;
  ds.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: state.maxSurge, maxUnavailable: state.maxUnavailable } };
  setEnv(findContainer(obj, spec.gateway.container, 'spec.gateway.container'), 'KONG_ROUTER_FLAVOR', state.flavor);
  if (spec.gateway.sidecar) {
    const controller = findContainer(obj, spec.gateway.sidecar.container, 'spec.gateway.sidecar.container');
    const gates = formatFeatureGates(state.sidecarFeatureGates ?? {});
    if (gates !== controllerSetting(controller, 'CONTROLLER_FEATURE_GATES')) setControllerSetting(controller, 'CONTROLLER_FEATURE_GATES', gates);
  }
  return obj;
}

/** The gateway Deployment as the plan needs it at one phase (see `gatewayDeploymentManifest`). */
export class GatewayDeployment extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: GatewayDeploymentProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', withSyncWave(gatewayDeploymentManifest(props.spec, props.state), props.syncWave));
  }
}
