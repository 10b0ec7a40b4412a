/**
 * The objects of an installation described only by the spec (no `source`): modelled on
 * KIC's all-in-one manifests (`kic-3.5/all-in-one-dbless.yaml`), which is what most
 * hand-written installs start from. Labels are `app: <deployment>`, as there.
 */
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { formatFeatureGates } from '../model/featureGates';
import { IntOrPercent } from './intOrPercent';
import { BaseObjects, KubeObject, ResolvedSpec } from './types';

type Unbased = Omit<ResolvedSpec, 'base' | 'routes'>;

/**
 * Pod-template fields a source computes for a Deployment, where they differ from KIC's
 * all-in-one manifests (chart values: `src/spec/source/helm.ts`).
 */
export interface PodTemplateFacts {
  /** The ServiceAccount the pods run as; `null`: the template names none. @default 'kong-serviceaccount' */
  readonly serviceAccountName?: string | null;
  /** Pod annotations the template carries (the plan's restart annotation, when set). @default none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** `k8s.IntOrString` for a spec int-or-percent. */
export function intOrString(value: IntOrPercent): k8s.IntOrString {
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

const probe = (path: string, port: number): k8s.Probe => ({
  httpGet: { path, port: k8s.IntOrString.fromNumber(port), scheme: 'HTTP' },
  initialDelaySeconds: 5,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
});

function gatewayContainer(spec: Unbased): k8s.Container {
  const gw = spec.gateway;
  const adminHost = spec.topology === 'sidecar' ? '127.0.0.1' : '0.0.0.0';
  const env: k8s.EnvVar[] = [
    { name: 'KONG_PROXY_LISTEN', value: '0.0.0.0:8000 reuseport backlog=16384, 0.0.0.0:8443 http2 ssl reuseport backlog=16384' },
    { name: 'KONG_PORT_MAPS', value: '80:8000, 443:8443' },
    { name: 'KONG_ADMIN_LISTEN', value: `${adminHost}:${gw.adminPort} http2 ssl reuseport backlog=16384` },
    { name: 'KONG_STATUS_LISTEN', value: '0.0.0.0:8100' },
    { name: 'KONG_DATABASE', value: spec.database },
    ...(spec.database === 'postgres' ? [{ name: 'KONG_PG_HOST', value: 'postgres' }] : []),
    { name: 'KONG_KIC', value: 'on' },
    { name: 'KONG_ROUTER_FLAVOR', value: spec.from },
  ];
  return {
    name: gw.container,
    image: gw.image,
    env,
    ports: [
      { name: 'proxy', containerPort: 8000, protocol: 'TCP' },
      { name: 'proxy-ssl', containerPort: 8443, protocol: 'TCP' },
      { name: 'metrics', containerPort: 8100, protocol: 'TCP' },
      ...(spec.topology === 'separate' ? [{ name: 'admin-tls', containerPort: gw.adminPort, protocol: 'TCP' }] : []),
    ],
    readinessProbe: probe('/status/ready', 8100),
    livenessProbe: probe('/status', 8100),
    lifecycle: { preStop: { exec: { command: ['/bin/bash', '-c', 'kong quit'] } } },
  };
}

function controllerContainer(
  name: string,
  image: string,
  env: k8s.EnvVar[],
): k8s.Container {
  return {
    name,
    image,
    env: [
      ...env,
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    ],
    ports: [
      { name: 'webhook', containerPort: 8080, protocol: 'TCP' },
      { name: 'cmetrics', containerPort: 10255, protocol: 'TCP' },
    ],
    readinessProbe: probe('/readyz', 10254),
    livenessProbe: probe('/healthz', 10254),
  };
}

function deployment(
  spec: Unbased,
  name: string,
  selector: Readonly<Record<string, string>>,
  replicas: number,
  containers: k8s.Container[],
  strategy?: k8s.DeploymentStrategy,
  pod: PodTemplateFacts = {},
): KubeObject {
  const serviceAccountName = pod.serviceAccountName === undefined ? 'kong-serviceaccount' : (pod.serviceAccountName ?? undefined);
  const annotations = pod.annotations && Object.keys(pod.annotations).length > 0 ? { ...pod.annotations } : undefined;
  return k8s.KubeDeployment.manifest({
    metadata: { name, namespace: spec.namespace, labels: { ...selector } },
    spec: {
      replicas,
      selector: { matchLabels: { ...selector } },
      strategy,
      template: {
        metadata: { labels: { ...selector }, ...(annotations ? { annotations } : {}) },
        spec: { ...(serviceAccountName ? { serviceAccountName } : {}), containers },
      },
    },
  }) as KubeObject;
}

function service(spec: Unbased, name: string, selector: Readonly<Record<string, string>>, svc: k8s.ServiceSpec): KubeObject {
  return k8s.KubeService.manifest({
    metadata: { name, namespace: spec.namespace },
    spec: { ...svc, selector: { ...selector } },
  }) as KubeObject;
}

/** The modelled objects of an installation described only by its spec. */
export function modelledObjects(spec: Unbased, pods: { readonly gateway?: PodTemplateFacts; readonly controller?: PodTemplateFacts } = {}): BaseObjects {
  const gw = spec.gateway;
  const ns = spec.namespace;
  const containers = [gatewayContainer(spec)];
  if (gw.sidecar) {
    const env: k8s.EnvVar[] = [
      { name: 'CONTROLLER_KONG_ADMIN_URL', value: `https://127.0.0.1:${gw.adminPort}` },
      { name: 'CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY', value: 'true' },
      { name: 'CONTROLLER_PUBLISH_SERVICE', value: `${ns}/${gw.proxyService}` },
    ];
    const gates = formatFeatureGates(gw.sidecar.featureGates);
    if (gates) env.push({ name: 'CONTROLLER_FEATURE_GATES', value: gates });
    containers.push(controllerContainer(gw.sidecar.container, gw.sidecar.image, env));
  }
  const gatewayDeployment = deployment(spec, gw.deployment, gw.selector, gw.replicas, containers, {
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge: intOrString(gw.maxSurge), maxUnavailable: intOrString(gw.maxUnavailable) },
  }, pods.gateway);
  const proxyService = service(spec, gw.proxyService, gw.selector, {
    type: 'LoadBalancer',
    ports: [
      { name: 'proxy', port: 80, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(8000) },
      { name: 'proxy-ssl', port: 443, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(8443) },
    ],
  });
  if (spec.topology === 'sidecar' || !spec.controller) {
    return { origin: 'modelled', gatewayDeployment, proxyService, all: [gatewayDeployment, proxyService] };
  }
  const c = spec.controller;
  const env: k8s.EnvVar[] = [
    // KIC 2.x refuses gateway discovery with a database: it talks to the admin Service instead.
    c.version.major < 3 && spec.database === 'postgres'
      ? { name: 'CONTROLLER_KONG_ADMIN_URL', value: `https://${gw.adminService}.${ns}.svc:${gw.adminPort}` }
      : { name: 'CONTROLLER_KONG_ADMIN_SVC', value: `${ns}/${gw.adminService}` },
    { name: 'CONTROLLER_KONG_ADMIN_TLS_SKIP_VERIFY', value: 'true' },
    { name: 'CONTROLLER_PUBLISH_SERVICE', value: `${ns}/${gw.proxyService}` },
  ];
  const gates = formatFeatureGates(c.featureGates);
  if (gates) env.push({ name: 'CONTROLLER_FEATURE_GATES', value: gates });
  const controllerDeployment = deployment(spec, c.deployment, c.selector, c.replicas, [
    controllerContainer(c.container, c.image, env),
  ], undefined, pods.controller);
  const adminService = service(spec, gw.adminService, gw.selector, {
    clusterIp: 'None',
    ports: [{ name: 'admin-tls', port: gw.adminPort, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(gw.adminPort) }],
  });
  const webhookService = service(spec, c.webhookService, c.selector, {
    ports: [{ name: 'webhook', port: 443, protocol: 'TCP', targetPort: k8s.IntOrString.fromNumber(8080) }],
  });
  return {
    origin: 'modelled',
    gatewayDeployment,
    controllerDeployment,
    adminService,
    proxyService,
    webhookService,
    all: [adminService, proxyService, webhookService, controllerDeployment, gatewayDeployment],
  };
}
