import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { planMigration } from '../src/plan/planner';
import { loadSpec } from '../src/spec/load';
import { ROOT, tempDir } from './helpers';

/** A plan of examples/manifests/kong.yaml with NetworkPolicies beside it. */
function warnings(...policies: Record<string, unknown>[]): string[] {
  const dir = tempDir();
  fs.copyFileSync(path.join(ROOT, 'examples', 'manifests', 'kong.yaml'), path.join(dir, 'kong.yaml'));
  fs.writeFileSync(path.join(dir, 'np.yaml'), policies.map((p) => YAML.stringify(p)).join('---\n') || '{}\n');
  const manifests = policies.length ? ['kong.yaml', 'np.yaml'] : ['kong.yaml'];
  fs.writeFileSync(path.join(dir, 'spec.yaml'), YAML.stringify({ apiVersion: 'kong-flavor-migrator/v1alpha1', kind: 'RouterFlavorMigration', metadata: { name: 'np' }, spec: { to: 'expressions', source: { manifests } } }));
  const r = planMigration(loadSpec(path.join(dir, 'spec.yaml')));
  if (r.kind !== 'plan') throw new Error('no plan');
  return r.plan.warnings.filter((w) => w.startsWith('NetworkPolicy'));
}

const policy = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'kong' }, spec });

describe('the API server must reach the admin port: NetworkPolicies in the manifests', () => {
  const gateway = { matchLabels: { app: 'proxy-kong' } };

  test('a policy that isolates the gateway pods and admits the admin port only from pods is warned about', () => {
    const w = warnings(policy('kong-lockdown', { podSelector: gateway, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'ingress-kong' } } }], ports: [{ port: 8444 }] }, { ports: [{ port: 8000 }] }] }));
    expect(w).toEqual([expect.stringMatching(/^NetworkPolicy kong-lockdown isolates the gateway pods and admits the admin port \(8444\) from no address block/)]);
  });

  test('an ipBlock rule on the admin port, a rule for every source, or a policy on other pods is fine', () => {
    expect(warnings(policy('cp', { podSelector: gateway, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/28' } }], ports: [{ port: 8444 }] }] }))).toEqual([]);
    expect(warnings(policy('all', { podSelector: gateway, ingress: [{ ports: [{ port: 8440, endPort: 8450 }] }] }))).toEqual([]);
    expect(warnings(policy('other', { podSelector: { matchLabels: { app: 'postgres' } }, ingress: [] }))).toEqual([]);
    expect(warnings()).toEqual([]);
  });
});
