/**
 * The default values of Kong's charts that decide the facts we read, as published in
 * `kong/kong` 3.4.1 (appVersion 3.9) and `kong/ingress` 0.24.0 (`shared/fixtures/kong-charts`).
 * Only the keys we read are kept; a test checks them against the fixture files.
 */

/** `kong/kong` chart defaults (subset). */
export const KONG_CHART_DEFAULTS = {
  deployment: { kong: { enabled: true } },
  env: { database: 'off', router_flavor: 'traditional' },
  image: { repository: 'kong', tag: '3.9', effectiveSemver: null },
  admin: { enabled: false, tls: { enabled: true, containerPort: 8444 } },
  proxy: { enabled: true, nameOverride: '' },
  ingressController: {
    enabled: true,
    image: { repository: 'kong/kubernetes-ingress-controller', tag: '3.5', effectiveSemver: null },
    gatewayDiscovery: { enabled: false, generateAdminApiService: false, adminApiService: { namespace: '', name: '' } },
    env: { kong_admin_tls_skip_verify: true },
    ingressClass: 'kong',
  },
  updateStrategy: {},
  podAnnotations: { 'kuma.io/gateway': 'enabled', 'traffic.sidecar.istio.io/includeInboundPorts': '' },
  replicaCount: 1,
  autoscaling: { enabled: false },
  extraObjects: [],
} as const;

/** `kong/ingress` chart values (0.24.0): two aliases of the kong chart, `controller` and `gateway`. */
export const INGRESS_CHART_VALUES = {
  controller: {
    proxy: { nameOverride: '{{ .Release.Name }}-gateway-proxy' },
    enabled: true,
    deployment: { kong: { enabled: false } },
    ingressController: { enabled: true, gatewayDiscovery: { enabled: true, generateAdminApiService: true } },
    podAnnotations: {
      'kuma.io/gateway': 'enabled',
      'traffic.kuma.io/exclude-outbound-ports': '8444',
      'traffic.sidecar.istio.io/excludeOutboundPorts': '8444',
    },
  },
  gateway: {
    enabled: true,
    deployment: { kong: { enabled: true } },
    admin: { enabled: true, type: 'ClusterIP', clusterIP: 'None' },
    ingressController: { enabled: false },
    env: { role: 'traditional', database: 'off' },
  },
} as const;
