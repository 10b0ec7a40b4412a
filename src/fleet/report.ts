/**
 * What people read about a fleet: the summary table `plan` prints, and FLEET.md (the same,
 * with a diagram of the steps and the commands to promote, watch, stop and roll back).
 */
import Table from 'cli-table3';
import { Colours, plain } from '../render/colours';
import { HOLD, STEP_LABEL } from './rollout';
import { FORCE_REPLACE } from './PhaseApplicationSet';
import { BASE } from './schema';
import { FleetSummary, GroupSummary, PLACEHOLDER_REPO } from './summary';

/** Argo CD facts the runbook relies on, with their sources (argoproj/argo-cd). */
export const ARGO_CD = {
  /** docs/operator-manual/applicationset/Progressive-Syncs.md; the ConfigMap key since v2.7.0 (PR #11776), flag and env since v2.6.0. */
  progressiveSyncsSetting: 'applicationsetcontroller.enable.progressive.syncs: "true"',
  progressiveSyncsFlag: '--enable-progressive-syncs',
  progressiveSyncsEnv: 'ARGOCD_APPLICATIONSET_CONTROLLER_ENABLE_PROGRESSIVE_SYNCS=true',
  /** RollingSync since v2.6.0 (alpha, PR #10048), beta since v3.3.0 (PR #25122); still off unless enabled. */
  rollingSyncSince: 'v2.6.0',
  rollingSyncBetaSince: 'v3.3.0',
  /** `source.kustomize.patches` since v2.9.0; `templatePatch` since v2.10.0 (PR #14893). */
  minimum: 'v2.10.0',
  /**
   * Releases on which RollingSync may leave Applications OutOfSync without syncing them:
   * argoproj/argo-cd#29240 (open, reported on v3.5.1). It follows "stop progressive sync
   * reconciling in a tight loop" (#27577), released in v3.5.1 (33f3bc59) and backported to
   * v3.4.7 (cbd76878) (tags checked in the argoproj/argo-cd repository).
   */
  rollingSyncBroken: ['v3.4.7', 'v3.5.1 and later'],
} as const;

/**
 * Before you start: an Application of the user's own that syncs Kong must stop doing so, and
 * stay stopped. If an ApplicationSet generated it, the ApplicationSet controller rewrites its
 * spec, auto-sync included, unless `ignoreApplicationDifferences` covers `/spec/syncPolicy`
 * (docs/operator-manual/applicationset/Controlling-Resource-Modification.md "Allow temporarily
 * toggling auto-sync", since v2.9.0); a parent Application (app of apps) with auto-sync puts it
 * back the same way. `argocd app set --sync-policy none` only removes `automated` (cmd/util/app.go).
 */
const OWNER_STEPS = [
  "- If one of your own Applications syncs these Kong objects (`<owning-app>`), take its automated sync off for the migration: two Applications must not own the same Deployment. First find what manages that Application itself:",
  '',
  '  ```sh',
  "  kubectl -n argocd get application <owning-app> -o jsonpath='{.metadata.ownerReferences[*].kind}/{.metadata.ownerReferences[*].name} {.metadata.labels.app\\.kubernetes\\.io/instance} {.metadata.annotations.argocd\\.argoproj\\.io/tracking-id}{\"\\n\"}'",
  '  ```',
  '',
  "  - `ApplicationSet/<name>`: that ApplicationSet rewrites the Application's sync policy. Add `ignoreApplicationDifferences: [{name: <owning-app>, jsonPointers: [/spec/syncPolicy]}]` to its spec (Argo CD v2.9.0 or later), or pause the ApplicationSet's own delivery, before the next step.",
  '  - an instance label or tracking id naming another Application (app of apps): take that parent\'s automated sync off first (`argocd app set <parent> --sync-policy none`), or it restores the child.',
  "  - Then `argocd app set <owning-app> --sync-policy none`, wait a few minutes (one reconciliation), and check that it stayed off: `kubectl -n argocd get application <owning-app> -o jsonpath='{.spec.syncPolicy.automated}'` must print nothing (or `{\"enabled\":false}`).",
  "- If you applied an installation's own `argocd/` Application (`kong-flavor-<installation>`), delete it without its resources first (`argocd app delete kong-flavor-<installation> --cascade=false`): the ApplicationSet creates one of that name.",
];

/** Before each promotion: the owning Application's auto-sync is still off. */
const OWNER_RECHECK = [
  "Before each commit, check again that your own Application's automated sync is still off (an ApplicationSet or a parent Application may have put it back): this prints nothing when it is.",
  '',
  '```sh',
  "kubectl -n argocd get application <owning-app> -o jsonpath='{.spec.syncPolicy.automated}' | grep -v '^{\"enabled\":false}$'",
  '```',
];

export const duration = (s: number | undefined): string => {
  if (s === undefined) return 'by hand';
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** cli-table3 borders without a line between rows. */
const COMPACT = { chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' }, style: { head: [], border: [] } };
const atOnce = (n: number) => (n === 0 ? 'by hand' : String(n));

/** Said by `plan` and `synth` when Applications would point at the placeholder repository (Argo CD would show a ComparisonError). */
export function placeholderWarning(s: FleetSummary): string | undefined {
  const n = s.placeholderRepo.length;
  if (n === 0) return undefined;
  const which = n > 5 ? `${s.placeholderRepo.slice(0, 5).join(', ')} and ${n - 5} more` : s.placeholderRepo.join(', ');
  return `warning: the Applications of ${which} point at the placeholder repository ${PLACEHOLDER_REPO} (spec.output.argocd.repoURL): set the repository you commit dist/ to and synth again`;
}

/** The fleet summary for the terminal (`kong-flavor plan <fleet>`). */
export function formatFleetSummary(s: FleetSummary, pc: Colours = plain): string {
  const lines: string[] = [];
  lines.push(
    `${pc.bold(s.fleet)}: ${plural(s.installations, 'installation')} in ${plural(s.clusters, 'cluster')} -> ${s.to}; ${plural(s.groups.length, 'group')}, ${s.nothingToDo.length} with nothing to do, ${
      s.refused.length ? pc.red(`${s.refused.length} without a plan`) : '0 without a plan'
    }`,
  );
  if (s.groups.length) {
    const table = new Table({ head: ['group', 'installations', 'clusters', 'strategy', 'phases', 'zero downtime', 'extra pods at once (peak)'], style: { head: [], border: [] } });
    for (const g of s.groups) {
      table.push([g.name, g.installations, g.clusters, g.strategy, g.phases.map((p) => p.id).join('\n'), g.zeroDowntime ? 'yes' : pc.red('no'), g.peakExtraPods]);
    }
    lines.push('', table.toString());
    if (s.groups.length > 1 && s.peakExtraPods > 0) lines.push(`Extra pods across the fleet if every group is promoted at the same time: up to ${s.peakExtraPods}.`);
  }
  for (const g of s.groups) {
    lines.push('', `${pc.bold(`group ${g.name}`)} (ApplicationSet ${g.applicationSet})${g.differs ? `: ${g.differs}` : ''}`);
    lines.push(`  steps: ${g.steps.map((st) => `${st.name} (${st.selects}: ${st.installations.length}, ${atOnce(st.atOnce)} at once)`).join(' -> ')}${g.held.length ? `; held: ${g.held.join(', ')}` : ''}`);
    if (g.downtimeWindowSeconds !== undefined) lines.push(pc.red(`  downtime: each installation's gateways may be down for up to ${duration(g.downtimeWindowSeconds)}`));
    const table = new Table({ head: ['phase', 'step', 'installations', 'at once', 'estimated', 'extra pods at once'], ...COMPACT });
    for (const p of g.promotion) {
      p.steps.forEach((st, i) => table.push([i === 0 ? p.phase : '', st.step, st.installations, atOnce(st.atOnce), duration(st.estimatedSeconds), st.extraPods]));
      table.push(['', pc.dim('phase total'), '', '', duration(p.estimatedSeconds), '']);
    }
    lines.push(table.toString());
  }
  if (s.nothingToDo.length) lines.push('', `Already on ${s.to} (nothing to do): ${s.nothingToDo.join(', ')}`);
  const placeholder = placeholderWarning(s);
  if (placeholder) lines.push('', pc.red(placeholder));
  if (s.refused.length) {
    lines.push('', pc.bold(pc.red('Without a plan (not in any ApplicationSet):')));
    for (const r of s.refused) lines.push(`  ${r.name} (${r.cluster}, ${r.status}): ${r.reasons.join('; ')}`);
  }
  return lines.join('\n') + '\n';
}

/** A mermaid label (quotes escaped). */
const label = (text: string) => text.replace(/"/g, "'");

/** The steps of every group as a flowchart: phase by phase, each phase step by step, a commit between phases. */
function diagram(s: FleetSummary): string[] {
  const lines = ['```mermaid', 'flowchart TD'];
  s.groups.forEach((g, gi) => {
    lines.push(`  subgraph g${gi}["${label(`group ${g.name}: ${plural(g.installations, 'installation')}`)}"]`);
    let prev: string | undefined;
    g.promotion.forEach((p, pi) => {
      const commit = `g${gi}c${pi}`;
      lines.push(`    ${commit}[/"${label(`commit ${p.phase}.yaml`)}"/]`);
      if (prev) lines.push(`    ${prev} -- "every Application Healthy" --> ${commit}`);
      let last = commit;
      p.steps.forEach((st, si) => {
        const node = `g${gi}p${pi}s${si}`;
        lines.push(`    ${node}["${label(`${p.phase}<br/>${st.step}: ${st.installations}, ${atOnce(st.atOnce)} at once<br/>~${duration(st.estimatedSeconds)}, +${st.extraPods} pods`)}"]`);
        lines.push(`    ${last} --> ${node}`);
        last = node;
      });
      prev = last;
    });
    lines.push('  end');
  });
  lines.push('```');
  return lines;
}

/**
 * Commands that print every Application of the group not done at `$phase`, and every held one
 * with the overlay it is pinned at. Done means: its spec points at the phase's overlay, its last
 * operation Succeeded and synced that same path, and it is Synced and Healthy. The phase
 * annotation and Synced/Healthy alone are not enough: right after the commit the ApplicationSet
 * has rewritten the spec while the status still describes the previous phase, and the
 * ApplicationSet controller itself may act on a stale status (argoproj/argo-cd#22558).
 * `.status.operationState.syncResult.source` is the source the operation synced
 * (pkg/apis/application/v1alpha1/types.go `SyncOperationResult`, argoproj/argo-cd v3.5.1).
 */
export const notDone = (group: string, phase: string): string =>
  [
    `phase=${phase}   # the phase file you committed`,
    `kubectl -n argocd get applications -l 'kong-flavor-migrator/group=${group}' -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.labels.${STEP_LABEL}}{"\\t"}{.spec.source.path}{"\\t"}{.status.operationState.syncResult.source.path}{"\\t"}{.status.operationState.phase}{"\\t"}{.status.sync.status}{"\\t"}{.status.health.status}{"\\n"}{end}' \\`,
    `  | awk -F '\\t' -v phase="$phase" '{ ok = ($4 == $3 && $5 == "Succeeded" && $6 == "Synced" && $7 == "Healthy"); state = "synced=" $4 " operation=" $5 " " $6 " " $7 }`,
    `      $2 == "${HOLD}" { print "held:     " $1 " stays at " $3 (ok ? " (done there)" : " (not done there: " state ")"); next }`,
    `      { n = split($3, p, "/"); want = (phase == "${BASE}") ? "base" : phase; if (p[n] != want || !ok) print "not done: " $1 " path=" $3 " " state }'`,
  ].join('\n');

/** An `argocd app sync --timeout` for one Application's phase: twice the slowest installation's estimate, at least 10 minutes. */
const timeoutFor = (slowest: number) => Math.max(600, 2 * slowest);

/** Syncs the Applications of one step by hand, one at a time, stopping at the first that fails. */
const manualStep = (group: string, step: string, timeout: number | string) =>
  `for app in $(argocd app list -l 'kong-flavor-migrator/group=${group},${STEP_LABEL}=${step}' -o name); do argocd app sync "$app" --timeout ${timeout} || break; done`;

function groupSection(s: FleetSummary, g: GroupSummary): string[] {
  const set = g.applicationSet;
  const first = g.phases[0].id;
  const out = [
    `## Group ${g.name}`,
    '',
    `${plural(g.installations, 'installation')} in ${plural(g.clusters, 'cluster')}, strategy **${g.strategy}**, ${g.zeroDowntime ? 'zero downtime' : '**with downtime**'}. ApplicationSet \`${set}\`, files \`applicationsets/${g.name}/\`.`,
    '',
    ...(g.differs ? [`Not with the largest group: ${g.differs}.`, ''] : []),
    ...g.reasons.map((r) => `- ${r}`),
    '',
    ...(g.downtimeWindowSeconds !== undefined ? [`**Downtime**: each installation's gateways may be down for up to ${duration(g.downtimeWindowSeconds)} while its step runs.`, ''] : []),
    '| step | selects | installations | maxUpdate | at once |',
    '|---|---|---|---|---|',
    ...g.steps.map((st) => `| ${st.name} | ${st.selects} | ${st.installations.length} | ${st.maxUpdate} | ${atOnce(st.atOnce)} |`),
    ...(g.held.length ? [`| ${HOLD} | \`hold\` | ${g.held.length} (${g.held.map((n) => `${n} at ${g.heldAt[n]}`).join(', ')}) | | never (sync by hand) |`] : []),
    '',
    '| phase | step | installations | estimated | extra pods at once |',
    '|---|---|---|---|---|',
    ...g.promotion.flatMap((p) => [
      ...p.steps.map((st, i) => `| ${i === 0 ? `${p.phase}: ${p.title}` : ''} | ${st.step} | ${st.installations} | ${duration(st.estimatedSeconds)} | ${st.extraPods} |`),
      `| | **phase total** | | **${duration(p.estimatedSeconds)}** | |`,
    ]),
    '',
    'Estimates are the phases\' own (rollouts and gates) times the rounds each step takes; Argo CD adds its refresh interval between steps. Extra pods are those above what the installations run today, counted at the worst moment of the step.',
    '',
    '```sh',
    `# promote: the ApplicationSet has the same name in every file, so this moves the group to ${first}`,
    `cp applicationsets/${g.name}/${first}.yaml <your-argocd-folder>/${set}.yaml`,
    `git add <your-argocd-folder>/${set}.yaml && git commit -m "kong ${s.fleet}: ${g.name} to ${first}"`,
    `# where every cluster stands (the step RollingSync counts in is in .status.applicationStatus)`,
    `argocd appset get ${set}`,
    `argocd app list -l kong-flavor-migrator/group=${g.name}`,
    `argocd app list -l kong-flavor-migrator/group=${g.name},${STEP_LABEL}=${g.steps[0]?.name ?? HOLD}`,
    `# before committing the next phase: the Applications not done at it, and the held ones (no "not done" line: done)`,
    notDone(g.name, first),
    '```',
    '',
    `If RollingSync does not sync a step (see "RollingSync caveats" above), sync the step's Applications yourself, one at a time, steps in order, then run the check again (the timeout is twice the slowest installation's estimate of the first phase; use twice the estimate of the phase you promote):`,
    '',
    '```sh',
    ...g.steps.map((st) => manualStep(g.name, st.name, timeoutFor(g.promotion[0].slowestSeconds))),
    '```',
    '',
  ];
  return out;
}

/** FLEET.md: the fleet's runbook. */
export function fleetMarkdown(s: FleetSummary): string {
  const lines: string[] = [
    `# Fleet ${s.fleet}: router flavor -> ${s.to}`,
    '',
    `${plural(s.installations, 'installation')} in ${plural(s.clusters, 'cluster')}. Installations whose plans have the same phases move together, one group per phase sequence; each group's phases are promoted across its clusters by one Argo CD ApplicationSet (\`applicationsets/<group>/NN-<phase>.yaml\`, the same ApplicationSet at each phase) whose RollingSync steps take the canaries first. Every installation's own plan, manifests and RUNBOOK.md are in \`../<installation>/\`, as \`kong-flavor synth\` of its spec alone writes them.`,
    '',
    '| group | installations | clusters | strategy | phases | zero downtime | extra pods at once (peak) |',
    '|---|---|---|---|---|---|---|',
    ...s.groups.map((g) => `| ${g.name} | ${g.installations} | ${g.clusters} | ${g.strategy} | ${g.phases.map((p) => p.id).join(', ')} | ${g.zeroDowntime ? 'yes' : '**no**'} | ${g.peakExtraPods} |`),
    '',
    ...(s.groups.length > 1 && s.peakExtraPods > 0 ? [`Extra pods across the fleet if every group is promoted at the same time: up to ${s.peakExtraPods} (promote one group at a time to need only the largest group's).`, ''] : []),
  ];
  if (s.nothingToDo.length) lines.push(`Already on ${s.to}, nothing to do: ${s.nothingToDo.join(', ')}.`, '');
  if (s.refused.length) {
    lines.push('**Without a plan** (in no ApplicationSet; their reasons say what to change first):', '');
    for (const r of s.refused) lines.push(`- ${r.name} (${r.cluster}, ${r.status === 'unsafe' ? 'the verifier rejected every plan' : 'no plan without downtime'}): ${r.reasons.join('; ')}`);
    lines.push('');
  }
  lines.push(
    '## Before you start',
    '',
    ...(s.placeholderRepo.length
      ? [
          `- **Set your repository first**: ${s.placeholderRepo.length === s.groups.reduce((n, g) => n + g.installations, 0) ? 'every Application points' : `the Applications of ${s.placeholderRepo.join(', ')} point`} at the placeholder repository \`${PLACEHOLDER_REPO}\` (\`spec.output.argocd.repoURL\`). Set it to the repository you commit \`dist/\` to, run \`kong-flavor synth\` again, and check that Argo CD reaches it: \`argocd repo get <repoURL>\`. With the placeholder every Application shows a ComparisonError and nothing syncs.`,
        ]
      : []),
    `- **Enable progressive syncs** in Argo CD: they are off by default. Set \`${ARGO_CD.progressiveSyncsSetting}\` in the \`argocd-cmd-params-cm\` ConfigMap and restart \`argocd-applicationset-controller\` (or pass \`${ARGO_CD.progressiveSyncsFlag}\` / set \`${ARGO_CD.progressiveSyncsEnv}\`). Without it Argo CD ignores the RollingSync steps and these ApplicationSets only update the Applications, never sync them.`,
    `- **Argo CD ${ARGO_CD.minimum} or later**: RollingSync exists since ${ARGO_CD.rollingSyncSince} (alpha; the ConfigMap key since v2.7.0, beta since ${ARGO_CD.rollingSyncBetaSince}), Kustomize patches in an Application's source since v2.9.0, \`templatePatch\` (your labels on the Applications) since v2.10.0.`,
    '- Commit `dist/` (every installation folder and this one) where the elements\' `repoURL`, `targetRevision` and `path` point, and register every cluster in Argo CD under the name or server its element names (`argocd cluster list`).',
    ...OWNER_STEPS,
    "- The Applications' project (`project` in each element) must allow their repository, cluster and namespace.",
    ...(s.baseToFill.length ? [`- **Fill the Kustomize base** of the installations without \`spec.source\` (${s.baseToFill.length}: ${s.baseToFill.slice(0, 10).join(', ')}${s.baseToFill.length > 10 ? ', ...' : ''}): put your own manifests of the objects that \`<installation>/kustomize/base/kustomization.yaml\` names into that folder, as you deploy them today. The overlays patch them by name and do not build without them; an Application whose overlay does not build shows a ComparisonError and holds its step.`] : []),
    '- Optional: commit `applicationsets/<group>/00-base.yaml` first. It points every Application at the Kustomize base (Kong as it runs today): `argocd app diff` then shows any drift between your manifests and the clusters before anything changes.',
    '',
    '## How it rolls out',
    '',
    ...diagram(s),
    '',
    `Each Application syncs its installation's Kustomize overlay for the phase (\`<installation>/kustomize/overlays/NN-<phase>\`, cumulative: the state after phase NN). RollingSync (label \`${STEP_LABEL}\`) syncs the steps in order, at most \`maxUpdate\` Applications of a step at once, and starts a step only when every Application of the previous one is Healthy and Synced. Each phase's gate Job runs as a plain resource of its Application (a Kustomize patch in the ApplicationSet turns the hook into one): while it runs the Application is Progressing, if it fails the Application is Degraded, so **a failed gate stops the rollout at its step**; clusters of later steps are not touched. A failed sync is not retried (the Applications set \`retry.limit: 0\`; RollingSync would otherwise retry 5 times).`,
    '',
    `Every sync deletes and recreates the gate and removal Jobs (\`${FORCE_REPLACE}\` on them), so each pass of a phase, including one promoted again after a rollback, runs its gate again. Each overlay's gate first deletes the Jobs the other direction of its phase left (a rollback's gate deletes the failed \`<installation>-gate-NN\`), which would otherwise hold the Application Degraded. The Kong objects carry \`Prune=false\`: even a sync with prune (\`argocd app sync --prune\`, the UI's Prune box) leaves them, and deleting an ApplicationSet or Application never deletes Kong (\`preserveResourcesOnDeletion\`, no resources finalizer). Objects a phase removes are deleted by its own Job.`,
    '',
    '### RollingSync caveats',
    '',
    `- **argoproj/argo-cd#29240** (open): on ${ARGO_CD.rollingSyncBroken.join(' and ')}, Applications of a RollingSync ApplicationSet can stay OutOfSync without being synced: the issue is reported on v3.5.1, after a change to progressive syncs that v3.4.7 also received. On those versions watch each step with the check below; when a step's Applications stay OutOfSync, sync them yourself (the commands under each group: one Application at a time, steps in order) or use a release with the fix.`,
    '- **argoproj/argo-cd#22558** (reported on v2.14): the ApplicationSet controller may read an Application\'s sync status before its health is updated and start the next step early. The check below therefore asks for more than Synced and Healthy: the operation Succeeded and synced the phase\'s own overlay.',
    '',
    ...s.groups.flatMap((g) => groupSection(s, g)),
    '## Promote the next phase (one commit)',
    '',
    'Keep one file per group in the folder your Argo CD syncs into the `argocd` namespace (or `kubectl -n argocd apply -f` it). Promoting the group to phase NN is one commit that replaces that file with `applicationsets/<group>/NN-<phase>.yaml`. **Never edit the committed file by hand**: the next `cp` replaces it. A change that must last (a held cluster, where it stays) goes into the fleet spec, then `kong-flavor synth` and the `cp` of the current phase\'s file.',
    '',
    "**Promote phase NN+1 only when every Application of the group is done at phase NN.** The overlays are cumulative: an Application still waiting for phase NN when the file moves to NN+1 would go straight from NN-1 to NN+1, skipping a verified phase (the Postgres freeze, the green stack). This prints the ones not done yet and every held one with where it stays (no `not done` line: ready):",
    '',
    '```sh',
    notDone('<group>', '<NN-phase>'),
    '```',
    '',
    ...OWNER_RECHECK,
    '',
    '## Where every cluster stands',
    '',
    '```sh',
    ...s.groups.flatMap((g) => [
      `argocd appset get ${g.applicationSet}     # health and conditions (RolloutProgressing), its Applications`,
      `kubectl -n argocd get applicationset ${g.applicationSet} -o jsonpath='{range .status.applicationStatus[*]}{.application}{"\\t"}{.step}{"\\t"}{.status}{"\\t"}{.message}{"\\n"}{end}'     # each Application's step and progress: Waiting, Pending, Progressing, Healthy`,
    ]),
    `argocd app list -l kong-flavor-migrator/fleet=${s.fleet}                    # sync and health of every cluster`,
    `argocd app list -l kong-flavor-migrator/fleet=${s.fleet},env=prod           # your own labels select too`,
    `kubectl -n argocd get applications -l kong-flavor-migrator/fleet=${s.fleet} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.annotations.kong-flavor-migrator/phase}{"\\t"}{.spec.source.path}{"\\t"}{.status.operationState.phase}{"\\t"}{.status.sync.status}{"\\t"}{.status.health.status}{"\\n"}{end}'`,
    '```',
    '',
    '## Stop and roll back one cluster (the others go on)',
    '',
    '1. Stop the sync: `argocd app terminate-op kong-flavor-<installation>`. That ends the operation (no retry follows) and deletes only running hooks; here the gate is a plain Job, and a Deployment rollout Argo CD already applied goes on. Stop them yourself: `kubectl -n <namespace> delete job <installation>-gate-NN`, and only if the rollout itself must stop, `kubectl -n <namespace> rollout pause deployment/<name>`. **Resume it before the rollback** (`kubectl -n <namespace> rollout resume deployment/<name>`): Argo CD\'s apply leaves `spec.paused` as you set it, and the rollback\'s own rollout would wait forever.',
    `2. Hold it where it is, in the fleet spec: on the installation set \`hold: { at: NN-<phase>-rollback }\` (the rollback overlay of the phase it is in: the state before phase NN, the objects the phase created removed by a Job, and the rollback's own gate). Run \`kong-flavor synth\`, then \`cp\` the group's current phase file again and commit. Its element's step is now \`${HOLD}\`: RollingSync stops waiting for it, goes on with the other clusters and never syncs it by itself, and every phase file keeps it at that overlay, so the group's next \`cp\` cannot move it.`,
    "3. Roll it back: `argocd app diff kong-flavor-<installation>`, then `argocd app sync kong-flavor-<installation> --timeout <seconds>` (twice the phase's estimate in its group's table). The rollback's gate first deletes the failed `<installation>-gate-NN` and `<installation>-remove-NN` Jobs; if that rollback has no gate (no `*-gate-NN-rollback.yaml` in its overlay folder), delete them yourself: `kubectl -n <namespace> delete job <installation>-gate-NN <installation>-remove-NN --ignore-not-found`. Only that Application changes; it is Healthy once the rollback's gate passed. Its `RUNBOOK.md` says whether the verifier found that rollback zero-downtime, and gives the same rollback with kubectl.",
    "4. To retry a failed gate after fixing the cause: `argocd app sync kong-flavor-<installation>` (every sync recreates the gate Job). To bring a held cluster back, walk it one phase at a time while it is still held: set `hold.at` to the first phase it has not run, `kong-flavor synth`, `cp` the group's current phase file, commit, `argocd app sync kong-flavor-<installation>`, and wait until the check's `held:` line for it says `(done there)`; repeat. When it is done at the group's phase, remove `hold`, synth, `cp` and commit (giving it its step back earlier would make it skip the phases in between).",
    '',
    "To roll the whole group back from phase NN, commit `applicationsets/<group>/NN-<phase>-rollback.yaml` (the same ApplicationSet, every Application at its installation's rollback overlay of phase NN; held clusters stay where they are): RollingSync takes the clusters back step by step, canaries first; each rollback's gate deletes the phase's failed gate Job, then holds its step as a phase's gate does. To go back further, commit the previous phase's `-rollback` file once the check with `phase=NN-<phase>-rollback` prints no `not done` line.",
    '',
    '## Installations',
    '',
    '| installation | cluster | namespace | labels | group | step | strategy | phases | zero downtime |',
    '|---|---|---|---|---|---|---|---|---|',
    ...s.installationList.map(
      (i) =>
        `| ${i.name} | ${i.cluster} | ${i.namespace} | ${Object.entries(i.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')} | ${i.group ?? i.status} | ${i.step ?? ''} | ${i.strategy ?? ''} | ${i.phases ?? ''} | ${i.zeroDowntime === undefined ? '' : i.zeroDowntime ? 'yes' : 'no'} |`,
    ),
    '',
  );
  return lines.join('\n');
}
