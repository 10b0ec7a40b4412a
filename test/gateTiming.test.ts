import { planMigration } from '../src/plan/planner';
import { Plan } from '../src/plan/types';
import { synthesize } from '../src/synth';
import { resolve, specDoc, yamlObjects } from './helpers';

const planOf = (patch: Record<string, unknown>): Plan => {
  const r = planMigration(resolve(specDoc(patch)));
  if (r.kind !== 'plan') throw new Error('no plan');
  return r.plan;
};

describe('gate deadlines follow the estimates', () => {
  test('a 40-replica roll gets gate timeouts above its estimate, and the Job, waits and Argo timeouts follow', () => {
    const spec = resolve(specDoc({ spec: { gateway: { replicas: 40, maxSurge: 1, maxUnavailable: 0 }, output: { argocd: { mode: 'app-per-phase' } } } }));
    const { plan, files } = synthesize(spec);
    for (const p of plan.phases) expect(p.gate.timeoutSeconds).toBeGreaterThan(p.estimatedSeconds);
    const roll = plan.phases[0];
    expect(roll.estimatedSeconds).toBeGreaterThan(20 * 60);
    expect(roll.gate.timeoutSeconds).toBeGreaterThanOrEqual(2 * roll.estimatedSeconds);
    expect(plan.warnings.join('\n')).not.toMatch(/timeoutSeconds/);
    const gate = files.paths().filter((f) => f.startsWith(`phases/${roll.id}/`) && !f.includes('rollback')).flatMap((f) => yamlObjects(files.get(f)!)).find((o) => o.kind === 'Job')!;
    expect(gate.spec.activeDeadlineSeconds).toBe(roll.gate.timeoutSeconds + 60);
    expect(gate.spec.template.spec.containers[0].command[2]).toContain(`TIMEOUT=${roll.gate.timeoutSeconds}\n`);
    const md = files.get('RUNBOOK.md')!;
    expect(md).toContain(`the gate gives up after ${Math.round(roll.gate.timeoutSeconds / 60)} min`);
  });

  test('a timeout set in the spec is used for every gate, with a warning when it is below an estimate', () => {
    const plan = planOf({ spec: { gateway: { replicas: 40, maxSurge: 1, maxUnavailable: 0 }, hooks: { timeoutSeconds: 600 } } });
    expect(plan.phases.map((p) => p.gate.timeoutSeconds)).toEqual([600, 600]);
    expect(plan.warnings.join('\n')).toMatch(/spec\.hooks\.timeoutSeconds \(600 s\) is below the estimate of phase 01-gateways-to-expressions \(about 1230 s\).*raise it to at least 2580 s/);
    expect(planOf({ spec: { hooks: { timeoutSeconds: 900 } } }).warnings.join('\n')).not.toMatch(/timeoutSeconds/);
  });

  test('small plans keep a 10-minute floor; a cutover gate adds its soak to the estimate', () => {
    const plan = planOf({});
    expect(plan.phases.map((p) => p.gate.timeoutSeconds)).toEqual([600, 600]);
    const bg = planOf({ spec: { from: 'expressions', to: 'traditional', hooks: { cutoverSoakSeconds: 300 } } });
    const cutover = bg.phases.find((p) => p.gate.checks.some((c) => c.check === 'endpoints'))!;
    expect(cutover.estimatedSeconds).toBeGreaterThanOrEqual(300);
    expect(cutover.gate.checks.find((c) => c.check === 'endpoints')).toMatchObject({ soakSeconds: 300 });
  });

  test('the maintenance window is the sum of the derived deadlines', () => {
    const plan = planOf({ spec: { strategy: 'maintenance', allowDowntime: true } });
    expect(plan.downtimeWindowSeconds).toBe(plan.phases.filter((p) => !p.zeroDowntime).reduce((s, p) => s + p.gate.timeoutSeconds, 0));
  });
});
