import * as fs from 'fs';
import * as path from 'path';
import { loadSpec } from '../src/spec/load';
import { synthesize } from '../src/synth';
import { ROOT, yamlObjects } from './helpers';
import { validateObject } from './validate';

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EXAMPLES = fs
  .readdirSync(path.join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

/** Every Kubernetes object a synth emits (manifests, hooks, Argo CD, Kustomize resources, Helm extraObjects). */
function emitted(files: ReturnType<typeof synthesize>['files']): Any[] {
  const objs: Any[] = [];
  for (const p of files.paths()) {
    if (!p.endsWith('.yaml') || p.endsWith('kustomization.yaml') || p.includes('/patches/')) continue;
    for (const doc of yamlObjects(files.get(p)!)) {
      if (p.startsWith('helm/')) objs.push(...(doc.extraObjects ?? doc.controller?.extraObjects ?? []));
      else objs.push(doc);
    }
  }
  return objs;
}

describe.each(EXAMPLES)('example %s', (file) => {
  const spec = loadSpec(path.join(ROOT, 'examples', file));
  const { plan, files } = synthesize(spec);
  const objs = emitted(files);

  test('has a plan with a strategy and a runbook', () => {
    expect(['none', 'rolling', 'blue-green', 'maintenance']).toContain(plan.strategy);
    expect(files.get('RUNBOOK.md')).toContain(`# Runbook: ${spec.name}`);
  });

  test('every emitted object validates against the Kubernetes / Argo CD schemas', () => {
    for (const o of objs) validateObject(o);
  });

  test('hook Jobs meet Pod Security Standards "restricted", are bounded, and use least-privilege RBAC', () => {
    for (const job of objs.filter((o) => o.kind === 'Job')) {
      const pod = job.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.hostNetwork ?? false).toBe(false);
      for (const c of pod.containers) {
        expect(c.securityContext).toEqual({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.limits.cpu).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.image).toBe(spec.hooks.image);
      }
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.spec.backoffLimit).toBeLessThanOrEqual(1);
    }
    expect(objs.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding' || o.kind === 'Secret')).toEqual([]);
    for (const role of objs.filter((o) => o.kind === 'Role')) {
      for (const rule of role.rules) {
        const writes = rule.verbs.filter((v: string) => !['get', 'list', 'watch'].includes(v));
        if (writes.length > 0) expect(rule.resourceNames?.length).toBeGreaterThan(0);
        expect(rule.verbs).not.toContain('*');
        expect(rule.resources).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
      }
    }
  });

  test('the plan changes only the Deployments and Services it names', () => {
    const named = new Set(plan.phases.flatMap((p) => [...p.state.gateways, ...p.state.controllers, ...p.state.services].map((x) => x.name)));
    for (const o of objs.filter((x) => x.kind === 'Deployment' || x.kind === 'Service')) expect(named.has(o.metadata.name) || spec.base.all.some((b) => b.metadata.name === o.metadata.name)).toBe(true);
  });
});
