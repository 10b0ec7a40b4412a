/**
 * A small, self-contained installation (what KIC's DB-less all-in-one holds, trimmed) for tests
 * that need a `source.manifests` without ../shared: gateway and controller Deployments, the
 * admin, proxy and webhook Services, and a spec that points at them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { toYamlStream } from '../src/render/yaml';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The objects of a DB-less separate install: Kong 3.9 traditional_compatible, KIC 3.4. */
export function installationObjects(): Obj[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'proxy-kong', namespace: 'kong', labels: { app: 'proxy-kong' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'proxy-kong' } },
        template: {
          metadata: { labels: { app: 'proxy-kong' } },
          spec: {
            containers: [
              {
                name: 'proxy',
                image: 'kong:3.9',
                env: [
                  { name: 'KONG_DATABASE', value: 'off' },
                  { name: 'KONG_ROUTER_FLAVOR', value: 'traditional_compatible' },
                  { name: 'KONG_ADMIN_LISTEN', value: '0.0.0.0:8444 http2 ssl' },
                  { name: 'KONG_PROXY_ACCESS_LOG', value: '/dev/stdout' },
                ],
                ports: [{ name: 'proxy', containerPort: 8000 }, { name: 'admin-ssl', containerPort: 8444 }],
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ingress-kong', namespace: 'kong', labels: { app: 'ingress-kong' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'ingress-kong' } },
        template: {
          metadata: { labels: { app: 'ingress-kong' } },
          spec: {
            containers: [
              {
                name: 'ingress-controller',
                image: 'kong/kubernetes-ingress-controller:3.4',
                env: [
                  { name: 'CONTROLLER_KONG_ADMIN_SVC', value: 'kong/kong-admin' },
                  { name: 'CONTROLLER_PUBLISH_SERVICE', value: 'kong/kong-proxy' },
                ],
              },
            ],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kong-admin', namespace: 'kong' }, spec: { clusterIP: 'None', selector: { app: 'proxy-kong' }, ports: [{ name: 'admin', port: 8444, targetPort: 8444 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kong-proxy', namespace: 'kong' }, spec: { type: 'LoadBalancer', selector: { app: 'proxy-kong' }, ports: [{ name: 'proxy', port: 80, targetPort: 8000 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kong-validation-webhook', namespace: 'kong' }, spec: { selector: { app: 'ingress-kong' }, ports: [{ name: 'webhook', port: 443, targetPort: 8080 }] } },
  ];
}

/** A spec for `objects` (written to `dir/install.yaml`), with `spec` fields added. Returns the spec's path. */
export function writeInstallation(dir: string, objects: readonly Obj[] | string = installationObjects(), spec: Obj = {}, name = 'hostile'): string {
  fs.writeFileSync(path.join(dir, 'install.yaml'), typeof objects === 'string' ? objects : toYamlStream(objects));
  const specFile = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(
    specFile,
    toYamlStream([{ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name }, spec: { to: 'expressions', ...spec, source: { manifests: './install.yaml', ...(spec.source ?? {}) } } }]),
  );
  return specFile;
}
