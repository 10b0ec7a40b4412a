/**
 * Every default of the migration spec, in one place. The README's spec reference is written
 * from this file; change both together.
 */
export const DEFAULTS = {
  /** `spec.strategy`: let the planner choose from the versions involved. */
  strategy: 'auto',
  /** `spec.allowDowntime`: plans must keep serving unless the user says otherwise. */
  allowDowntime: false,
  /** `spec.routes.failOn`: a route the target gateways refuse refuses the plan (src/routes). */
  routesFailOn: 'rejected' as 'rejected' | 'changed' | 'never',
  /** `spec.namespace`: the namespace of KIC's all-in-one manifests. */
  namespace: 'kong',
  /** `spec.topology`: the controller runs in its own Deployment (gateway discovery). */
  topology: 'separate',
  /** `spec.database`: DB-less, KIC's recommended mode. */
  database: 'off',
  gateway: {
    /** Gateway Deployment name in separate topology (KIC all-in-one `proxy-kong`). */
    deploymentSeparate: 'proxy-kong',
    /** Deployment name in sidecar topology, where one pod runs both (KIC all-in-one `ingress-kong`). */
    deploymentSidecar: 'ingress-kong',
    /** Name of the Kong container in the gateway pod. */
    container: 'proxy',
    /** Kubernetes' default for `spec.replicas`. */
    replicas: 1,
    /** Kubernetes' default `maxSurge`. */
    maxSurge: '25%',
    /** Kubernetes' default `maxUnavailable`. */
    maxUnavailable: '25%',
    /** Admin API Service the controller discovers gateways through. */
    adminService: 'kong-admin',
    /** Proxy Service that takes the traffic. */
    proxyService: 'kong-proxy',
    /** Admin API port (TLS) the gate reads `GET /` from. */
    adminPort: 8444,
    /** Suffix of the parallel stack's names in blue-green plans (`proxy-kong` -> `proxy-kong-green`). */
    greenSuffix: '-green',
  },
  controller: {
    /** Controller Deployment name (KIC all-in-one `ingress-kong`). */
    deployment: 'ingress-kong',
    /** Name of the controller container. */
    container: 'ingress-controller',
    /** Kubernetes' default for `spec.replicas`. */
    replicas: 1,
    /** Admission webhook Service of the controller. */
    webhookService: 'kong-validation-webhook',
    /** KIC's default ingress class. */
    ingressClass: 'kong',
  },
  hooks: {
    /**
     * Image of the gate and hook Jobs: needs `kubectl`, a POSIX shell and `grep -E`. Not
     * `bitnami/kubectl`: Bitnami moved its versioned tags to `bitnamilegacy` in 2025, so
     * `bitnami/kubectl:1.28` no longer pulls. `alpine/k8s` is Alpine (busybox sh) with kubectl
     * of the tagged version (1.28, the Kubernetes version the manifests target).
     */
    image: 'alpine/k8s:1.28.14',
    /** Seconds a gate waits for its condition before it fails (also `activeDeadlineSeconds`). */
    timeoutSeconds: 600,
    /** UID/GID the hook Jobs run as (non-root, Pod Security Standards "restricted"). */
    runAsUser: 65532,
    /**
     * Seconds a cutover gate waits, after the proxy Service's endpoints are exactly the green
     * pods, before blue may retire: cloud load balancers register new targets late (health
     * checks of several intervals), so blue must keep serving meanwhile.
     */
    cutoverSoakSeconds: 60,
  },
  output: {
    argocd: {
      mode: 'waves',
      repoURL: 'https://git.example.com/platform/kong.git',
      targetRevision: 'main',
      project: 'default',
    },
  },
} as const;
