/**
 * RUNBOOK.md: why this strategy, a diagram of the phases and gates, and per phase the exact
 * commands for each way of delivering (kubectl, Helm, git + Argo CD), what to watch, how long
 * it takes and how to roll back.
 */
import { describeCheck } from '../plan/phase';
import { Phase, Plan } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { routeRunbookSection } from '../routes';
import { objectName } from '../constructs/names';
import { wavesLayout } from '../constructs/WavesChart';
import { helmPhaseCommands } from './helm';

const minutes = (s: number) => (s < 90 ? `${s} s` : `${Math.round(s / 60)} min`);

/** A mermaid node id and label (quotes escaped). */
const label = (text: string) => text.replace(/"/g, "'");

function diagram(plan: Plan): string[] {
  const lines = ['```mermaid', 'flowchart TD', `  start(["${label(`${plan.from}: running`)}"])`];
  let prev = 'start';
  plan.phases.forEach((p, i) => {
    const n = i + 1;
    lines.push(`  p${n}["${label(`${p.id}<br/>${p.title}`)}"]`);
    lines.push(`  g${n}{"gate ${p.id.slice(0, 2)}"}`);
    lines.push(`  ${prev} --> p${n} --> g${n}`);
    lines.push(`  g${n} -. "fails: apply rollback/" .-> r${n}["${label(`rollback ${p.id.slice(0, 2)}`)}"]`);
    prev = `g${n}`;
  });
  lines.push(`  done(["${label(`${plan.to}: running, controller detected it`)}"])`);
  lines.push(`  ${prev} -- passes --> done`);
  lines.push('```');
  return lines;
}

function helmCommands(spec: ResolvedSpec, plan: Plan, index: number): string[] {
  if (!spec.helm) return [];
  const phase = plan.phases[index];
  const c = helmPhaseCommands(spec, plan, index);
  if (c.releases.length === 0) {
    return ['', `**Helm**: this phase changes nothing the charts' values express; apply \`phases/${phase.id}/\` with kubectl as above.`];
  }
  return [
    '',
    `**Helm** (each phase's file holds the whole change so far, on top of the release's values as installed; the chart version is pinned; the header says what values cannot express, to apply from \`phases/${phase.id}/\` instead):`,
    '',
    '```sh',
    ...(index === 0 ? ['# once, before phase 01: the values each release runs with, --set included', ...c.before] : []),
    ...c.apply,
    '```',
    '',
    'The gate runs as a `post-upgrade` hook (`extraObjects`): the upgrade fails if the gate fails. To roll back with Helm (to the revision noted above; Helm runs no gate on rollback, so watch the rollout):',
    '',
    '```sh',
    ...c.rollback,
    ...[...new Set(phase.changes.filter((x) => x.kind === 'Deployment').map((x) => x.name))].map(
      (name) => `kubectl -n ${spec.namespace} rollout status deployment/${name} --timeout=${phase.gate.timeoutSeconds}s`,
    ),
    '```',
  ];
}

function phaseSection(spec: ResolvedSpec, plan: Plan, phase: Phase, index: number): string[] {
  const ns = spec.namespace;
  const gate = objectName(plan.name, 'gate', phase.id.slice(0, 2));
  const rollbackVerdict =
    phase.rollbackZeroDowntime === undefined
      ? ''
      : phase.rollbackZeroDowntime
        ? ' The verifier checked this rollback: it keeps serving.'
        : ' **The verifier found that this rollback is not zero-downtime in every interleaving** (see `plan.json`, `phases[].rollbackVerdict`).';
  const out = [
    `### ${phase.id}: ${phase.title}`,
    '',
    phase.description,
    '',
    ...(phase.zeroDowntime ? [] : ['> **Downtime**: traffic is not served during this phase.', '']),
    '| object | change |',
    '|---|---|',
    ...phase.changes.map((c) => `| ${c.kind} ${c.name} | ${c.change.replace(/\|/g, '\\|')} |`),
    '',
    `Takes about ${minutes(phase.estimatedSeconds)}; the gate gives up after ${minutes(phase.gate.timeoutSeconds)}.`,
    '',
    '**kubectl**:',
    '',
    '```sh',
    // A Job keeps its name: a finished one would pass (or fail) again at once, and its template cannot change.
    `kubectl -n ${ns} delete job -l kong-flavor-migrator/plan=${plan.name} --ignore-not-found`,
    `kubectl apply -f phases/${phase.id}/`,
    `kubectl -n ${ns} wait --for=condition=complete job/${gate} --timeout=${phase.gate.timeoutSeconds + 60}s`,
    `kubectl -n ${ns} logs job/${gate}`,
    '```',
    ...helmCommands(spec, plan, index),
    '',
    `**git + Argo CD** (app-per-phase): commit \`argocd/app-per-phase/${phase.id}.yaml\` (the Application \`${objectName('kong-flavor', spec.name)}\` now syncs \`phases/${phase.id}\`), then \`argocd app wait ${objectName('kong-flavor', spec.name)} --health --timeout ${phase.gate.timeoutSeconds + 60}\`.`,
    '',
    '**Watch** (the gate checks the same):',
    '',
    ...phase.gate.checks.map((c) => `- ${describeCheck(c, ns)}`),
  ];
  const flavorCheck = phase.gate.checks.find((c) => c.check === 'flavor');
  if (flavorCheck && flavorCheck.check === 'flavor' && spec.gateway.adminReachable) {
    const sel = Object.entries(flavorCheck.selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out.push(
      '',
      '```sh',
      `for pod in $(kubectl -n ${ns} get pods -l ${sel} -o name | cut -d/ -f2); do`,
      `  kubectl get --raw "/api/v1/namespaces/${ns}/pods/${spec.gateway.adminScheme}:$pod:${spec.gateway.adminPort}/proxy/" | grep -o '"router_flavor":"[a-z_]*"'`,
      'done',
      '```',
    );
  }
  out.push(
    '',
    `**Roll back**: ${phase.rollback}${rollbackVerdict}`,
    '',
    '```sh',
    `kubectl -n ${ns} delete job -l kong-flavor-migrator/plan=${plan.name} --ignore-not-found`,
    `kubectl apply -f phases/${phase.id}/rollback/`,
    `kubectl -n ${ns} wait --for=condition=complete job/${objectName(plan.name, 'gate', phase.id.slice(0, 2), 'rollback')} --timeout=${phase.gate.timeoutSeconds + 60}s`,
    '```',
    '',
    `Argo CD: commit \`argocd/app-per-phase/${phase.id}-rollback.yaml\` instead.${
      index === 0
        ? ''
        : ` This returns the objects to their state after ${plan.phases[index - 1].id}, not what the controller has since detected or written; chaining the earlier phases' rollbacks after it is not verified. To go further back, plan the reverse migration (\`to: ${plan.from}\`) from where you are.`
    }`,
    '',
  );
  return out;
}

/** The runbook of a plan. */
export function runbook(spec: ResolvedSpec, plan: Plan): string {
  const v = plan.verification;
  const lines: string[] = [
    `# Runbook: ${plan.name}, router flavor ${plan.from} -> ${plan.to}`,
    '',
    `Namespace \`${spec.namespace}\`, ${spec.topology} topology, database \`${spec.database}\`, Kong ${spec.gateway.version.raw}, ${spec.controller ? `KIC ${spec.controller.version.raw}` : `KIC ${spec.gateway.sidecar!.version.raw} (sidecar)`}.`,
    '',
    `**Strategy: ${plan.strategy}**, ${plan.zeroDowntime ? 'zero downtime' : '**with downtime**'}${
      v ? `, ${v.safe ? `verified safe over ${v.statesExplored} states` : '**not verified safe**'}` : ''
    }.`,
    '',
    '## Why this strategy',
    '',
    ...plan.reasons.map((r) => `- ${r}`),
    ...(plan.ruledOut.length ? ['', 'Ruled out:', '', ...plan.ruledOut.map((r) => `- ${r.strategy}: ${r.reason}`)] : []),
    '',
  ];
  if (plan.phases.length === 0) {
    lines.push('Nothing to do.', '');
    return lines.join('\n');
  }
  if (plan.extraCapacity) {
    lines.push(
      `Extra capacity: ${plan.extraCapacity.pods} more pods from phase ${plan.extraCapacity.fromPhase} until phase ${plan.extraCapacity.untilPhase} completes.`,
      '',
    );
  }
  if (plan.downtimeWindowSeconds !== undefined) {
    lines.push(`Downtime window: at most ${minutes(plan.downtimeWindowSeconds)} (the sum of the gate timeouts of the downtime phases).`, '');
  }
  const folded = wavesLayout(plan).folded;
  if (plan.rollbackNotZeroDowntimeFrom) {
    lines.push(`Rolling back is not guaranteed zero-downtime from phase ${plan.rollbackNotZeroDowntimeFrom} on.`, '');
  }
  if (plan.routes) lines.push(...routeRunbookSection(plan.routes, spec.routes.failOn));
  lines.push(
    '## Phases and gates',
    '',
    ...diagram(plan),
    '',
    'Apply one phase at a time and go on only when its gate Job has completed. Every phase folder holds the full desired state of the objects it touches, so re-applying it is safe; the commands below delete the plan\'s finished hook Jobs first, so the gate runs again.',
    '',
    'Before you start: `kong-flavor verify <spec>` proves the plan; `kong-flavor verify --naive <spec>` shows what editing the flavor in place would do.',
    '',
    '## One Argo CD sync instead (waves)',
    '',
    `Commit \`argocd/waves-application.yaml\` and sync it: it applies every phase in order (sync waves ${plan.phases.map((_, i) => (i + 1) * 10).join(', ')}, ...), each gate blocks the sync until it passes, and on failure a \`SyncFail\` Job logs where things stand. Objects a phase changes more than once are applied by hook Jobs at their earlier states, so the sync walks through the verified phases${
      folded.length ? ` (except for ${folded.map((k) => k.replace('/', ' ')).join(', ')}: created mid-plan and changed later, it is declared once at its final state; use app-per-phase to apply its earlier states)` : ''
    }.`,
    '',
    'Sync it once. Every sync runs the hooks again, so a second sync after success would replay the earlier phases (and their gates); once it has succeeded, point the Application at your final manifests or delete it (the objects stay).',
    '',
    '## Phase by phase',
    '',
  );
  plan.phases.forEach((p, i) => lines.push(...phaseSection(spec, plan, p, i)));
  if (plan.warnings.length) lines.push('## Warnings', '', ...plan.warnings.map((w) => `- ${w}`), '');
  return lines.join('\n');
}
