/**
 * What people read in the terminal: the plan as a table, a refusal, a verdict.
 */
import Table from 'cli-table3';
import { Colours, plain } from './colours';
import { Plan, PlanResult, Verdict } from '../plan/types';
import { formatRouteSection } from '../routes';

type Refusal = Extract<PlanResult, { kind: 'refused' }>;

export function formatPlan(plan: Plan, pc: Colours = plain): string {
  const lines: string[] = [];
  const verdict = plan.verification
    ? plan.verification.safe
      ? pc.green(`verified safe (${plan.verification.statesExplored} states)`)
      : pc.red('UNSAFE')
    : pc.yellow('not verified');
  lines.push(
    `${pc.bold(plan.name)}: ${plan.from} -> ${plan.to}, strategy ${pc.bold(plan.strategy)}, ${plan.zeroDowntime ? pc.green('zero downtime') : pc.red('downtime')}, ${verdict}`,
  );
  lines.push('');
  lines.push(pc.bold('Why:'));
  for (const r of plan.reasons) lines.push(`  - ${r}`);
  if (plan.phases.length > 0) {
    const table = new Table({
      head: ['phase', 'changes', 'restarts controller', 'gate: wait for'],
      colWidths: [32, 48, 12, 48],
      wordWrap: true,
      style: { head: [], border: [] },
    });
    for (const p of plan.phases) {
      table.push([
        `${p.id}\n${p.title}`,
        p.changes.map((c) => `${c.kind} ${c.name}: ${c.change}`).join('\n'),
        p.restartsController ? 'yes' : 'no',
        p.waitFor.map((w) => `- ${w}`).join('\n'),
      ]);
    }
    lines.push('');
    lines.push(table.toString());
  }
  if (plan.extraCapacity) {
    lines.push(`Extra capacity: ${plan.extraCapacity.pods} pods from ${plan.extraCapacity.fromPhase} until ${plan.extraCapacity.untilPhase}.`);
  }
  if (plan.downtimeWindowSeconds !== undefined) {
    lines.push(pc.red(`Downtime window: up to ${plan.downtimeWindowSeconds} s (the sum of the gate timeouts of the downtime phases).`));
  }
  if (plan.rollbackNotZeroDowntimeFrom) {
    lines.push(pc.yellow(`Rollback is not guaranteed zero-downtime from phase ${plan.rollbackNotZeroDowntimeFrom} on.`));
  }
  if (plan.before.length > 0) {
    lines.push('');
    lines.push(pc.bold('Before you start:'));
    plan.before.forEach((s, i) => lines.push(`  ${i + 1}. ${s.title}`));
    lines.push(pc.bold('After the last phase:'));
    plan.after.forEach((s, i) => lines.push(`  ${i + 1}. ${s.title}`));
    lines.push('  (commands in RUNBOOK.md and plan.json)');
  }
  if (plan.ruledOut.length > 0) {
    lines.push('');
    lines.push(pc.bold('Ruled out:'));
    for (const r of plan.ruledOut) lines.push(`  - ${r.strategy}: ${r.reason}`);
  }
  if (plan.routes) lines.push('', ...formatRouteSection(plan.routes, pc));
  if (plan.warnings.length > 0) {
    lines.push('');
    lines.push(pc.bold(pc.yellow('Warnings:')));
    for (const w of plan.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n') + '\n';
}

export function formatRefusal(r: Refusal): string {
  const lines = [`error: no plan for ${r.name} (${r.from} -> ${r.to})`];
  for (const reason of r.reasons) lines.push(`  ${reason}`);
  for (const x of r.ruledOut) lines.push(`  ruled out ${x.strategy}: ${x.reason}`);
  return lines.join('\n') + '\n';
}

export function formatVerdict(v: Verdict, what: string, pc: Colours = plain): string {
  const lines = [
    v.safe ? pc.green(`${what} is safe: capacity, progress and convergence hold in all ${v.statesExplored} states explored`) : pc.red(`${what} is UNSAFE (${v.statesExplored} states explored)`),
  ];
  for (const x of v.violations) {
    lines.push(`${pc.red(x.invariant)}: ${x.message}`);
    x.trace.forEach((t, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${t}`));
  }
  for (const x of v.warnings) {
    lines.push(`${pc.yellow(`warning (${x.invariant})`)}: ${x.message}`);
    x.trace.forEach((t, i) => lines.push(`  ${String(i + 1).padStart(2)}. ${t}`));
  }
  return lines.join('\n') + '\n';
}
