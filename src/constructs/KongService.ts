import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { STACK_LABEL } from '../plan/state';
import { ServiceState } from '../plan/types';
import { modelledObjects } from '../spec/modelled';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { cleanCopy } from './manifest';
import { withSyncWave } from './syncWave';

export interface KongServiceProps {
  /** The resolved spec: the user's Services to start from. */
  readonly spec: ResolvedSpec;
  /** The Service as it must stand (its selector). */
  readonly state: ServiceState;
  /** Argo CD sync wave. @default no annotation */
  readonly syncWave?: number;
}

/** The user's Service of this role, or the modelled one when their source has none. */
function baseService(spec: ResolvedSpec, role: ServiceState['role'], name: string): KubeObject {
  const b = spec.base;
  if (role === 'traffic') {
    const own = b.trafficServices?.find((s) => s.metadata.name === name);
    if (!own) throw new Error(`internal: no Service ${name} among the user's Services`);
    return own;
  }
  const found = role === 'proxy' ? b.proxyService : role === 'admin' ? b.adminService : b.webhookService;
  if (found) return found;
  const modelled = modelledObjects(spec);
  return (role === 'admin' ? modelled.adminService : role === 'webhook' ? modelled.webhookService : modelled.proxyService)!;
}

/**
 * A Service whose selector the plan moves: the proxy Service at cutover, the admission
 * webhook Service with its controller, and the green stack's own admin Service (a copy of
 * the blue one selecting only green pods, so each controller discovers only its stack).
 */
export function kongServiceManifest(spec: ResolvedSpec, state: ServiceState): KubeObject {
  const base = baseService(spec, state.role, state.name);
  const obj = cleanCopy(base);
  const svc = (obj.spec ?? {}) as Record<string, unknown>;
  obj.spec = svc;
  obj.metadata.namespace = spec.namespace;
  if (obj.metadata.name !== state.name) {
    // A new Service (the green admin Service): the cluster assigns its own addresses.
    obj.metadata.name = state.name;
    obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [STACK_LABEL]: state.stack };
    if (svc.clusterIP !== 'None') delete svc.clusterIP;
    delete svc.clusterIPs;
    for (const port of (svc.ports as Record<string, unknown>[] | undefined) ?? []) delete port.nodePort;
  }
  svc.selector = { ...state.selector };
  return obj;
}

/** A Service with the selector the plan requires (see `kongServiceManifest`). */
export class KongService extends Construct {
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: KongServiceProps) {
    super(scope, id);
    this.apiObject = new ApiObject(this, 'Resource', withSyncWave(kongServiceManifest(props.spec, props.state), props.syncWave));
  }
}
