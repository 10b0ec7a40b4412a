#!/usr/bin/env node
/**
 * A large, deterministic set of routing objects for `npm run bench` (the route report's speed
 * target, issue 11): `routes` Kong routes over `hosts` hosts, half from Ingresses and half from
 * HTTPRoutes, with the shapes real clusters have: Prefix, Exact and ImplementationSpecific
 * paths, a few regexes, header and method matches, some wildcard hosts covering plain ones,
 * and a few host-less Ingress paths.
 *
 * Usage: node scripts/route-set.js [--routes 5000] [--hosts 500] > routes.yaml
 * Or require it: routeSet({ routes, hosts }) -> objects.
 */
const YAML = require('yaml');
// The report's own seeded generator (mulberry32): same objects on every run. Needs `npm run build`.
const { seededRandom } = require('../lib/src/routes/regex');

function routeSet({ routes = 5000, hosts = 500, seed = 42 } = {}) {
  const rnd = seededRandom(seed);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const zones = Math.max(1, Math.floor(hosts / 50));
  const hostName = (h) => `app${h}.zone${h % zones}.example.com`;
  const segments = ['api', 'v1', 'v2', 'users', 'orders', 'static', 'admin', 'health', 'search', 'items'];
  const objects = [
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'kong' }, spec: { controller: 'ingress-controllers.konghq.com/kong' } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'kong' }, spec: { controllerName: 'konghq.com/kic-gateway-controller' } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'kong', namespace: 'kong' }, spec: { gatewayClassName: 'kong', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }, { name: 'https', protocol: 'HTTPS', port: 443 }] } },
  ];
  const path = () => {
    const n = 1 + Math.floor(rnd() * 3);
    return '/' + Array.from({ length: n }, () => pick(segments)).join('/');
  };
  let made = 0;
  let i = 0;
  while (made < routes) {
    const h = i % hosts;
    const ns = `team${h % 20}`;
    // Every 10th host gets a wildcard route set of its zone instead of a plain host; a few Ingress paths have no host.
    const host = i % 97 === 0 ? '' : i % 10 === 9 ? `*.zone${h % zones}.example.com` : hostName(h);
    const paths = Math.min(routes - made, 1 + Math.floor(rnd() * 4));
    if (i % 2 === 0) {
      const annotations = {};
      if (rnd() < 0.1) annotations['konghq.com/methods'] = pick(['GET', 'POST', 'GET,POST']);
      if (rnd() < 0.08) annotations['konghq.com/headers.x-tenant'] = pick(['blue', 'green', 'Blue']);
      if (rnd() < 0.05) annotations['konghq.com/strip-path'] = 'true';
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: `ing-${i}`, namespace: ns, annotations, creationTimestamp: `2024-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z` },
        spec: {
          ingressClassName: 'kong',
          rules: [
            {
              ...(host ? { host } : {}),
              http: {
                paths: Array.from({ length: paths }, () => {
                  const r = rnd();
                  const p = path();
                  const [value, pathType] = r < 0.1 ? [`/~${p}/[0-9]+$`, 'ImplementationSpecific'] : r < 0.5 ? [p, 'Prefix'] : r < 0.65 ? [p, 'Exact'] : [p, 'ImplementationSpecific'];
                  return { path: value, pathType, backend: { service: { name: `svc-${i % 7}`, port: { number: 80 } } } };
                }),
              },
            },
          ],
        },
      });
    } else {
      objects.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: `route-${i}`, namespace: ns },
        spec: {
          parentRefs: [{ name: 'kong', namespace: 'kong' }],
          hostnames: [host || hostName(h)],
          rules: [
            {
              matches: Array.from({ length: paths }, () => {
                const r = rnd();
                return {
                  path: r < 0.08 ? { type: 'RegularExpression', value: `${path()}/[a-z]+` } : r < 0.3 ? { type: 'Exact', value: path() } : { type: 'PathPrefix', value: path() },
                  ...(rnd() < 0.1 ? { method: pick(['GET', 'POST']) } : {}),
                  ...(rnd() < 0.1 ? { headers: [{ name: 'x-version', value: pick(['1', '2']) }] } : {}),
                };
              }),
              backendRefs: [{ name: `svc-${i % 7}`, port: 80 }],
            },
          ],
        },
      });
    }
    made += paths;
    i++;
  }
  return objects;
}

module.exports = { routeSet };

if (require.main === module) {
  const args = process.argv.slice(2);
  const arg = (name, def) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : def);
  const objects = routeSet({ routes: arg('--routes', 5000), hosts: arg('--hosts', 500) });
  process.stdout.write(objects.map((o) => YAML.stringify(o)).join('---\n'));
}
