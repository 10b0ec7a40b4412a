/**
 * What people read about a fleet: the summary table `plan` prints, and FLEET.md (the same,
 * with a diagram of the steps and the commands to promote, watch, stop and roll back).
 */
import Table from 'cli-table3';
import { Colours, plain } from '../render/colours';
import { HOLD, STEP_LABEL } from './rollout';
import { FleetSummary, GroupSummary } from './summary';

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
} as const;

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
 * Commands that print the group's Applications (held ones aside) not yet at `$phase`, Synced and
 * Healthy. The phase matters: right after the commit, before the ApplicationSet controller has
 * moved them, every Application is still Synced and Healthy at the previous phase.
 */
const notDone = (group: string, phase: string) =>
  [
    `phase=${phase}   # the phase you committed`,
    `kubectl -n argocd get applications -l 'kong-flavor-migrator/group=${group},${STEP_LABEL}!=${HOLD}' -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.annotations.kong-flavor-migrator/phase}{" "}{.status.sync.status}{" "}{.status.health.status}{"\\n"}{end}' | grep -v " $phase Synced Healthy$"`,
  ].join('\n');

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
    ...(g.held.length ? [`| ${HOLD} | \`hold: true\` | ${g.held.length} (${g.held.join(', ')}) | | never (sync by hand) |`] : []),
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
    `# before committing the next phase: the Applications not yet Synced and Healthy at it (nothing printed: done)`,
    notDone(g.name, first),
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
    `- **Enable progressive syncs** in Argo CD: they are off by default. Set \`${ARGO_CD.progressiveSyncsSetting}\` in the \`argocd-cmd-params-cm\` ConfigMap and restart \`argocd-applicationset-controller\` (or pass \`${ARGO_CD.progressiveSyncsFlag}\` / set \`${ARGO_CD.progressiveSyncsEnv}\`). Without it Argo CD ignores the RollingSync steps and these ApplicationSets only update the Applications, never sync them.`,
    `- **Argo CD ${ARGO_CD.minimum} or later**: RollingSync exists since ${ARGO_CD.rollingSyncSince} (alpha; the ConfigMap key since v2.7.0, beta since ${ARGO_CD.rollingSyncBetaSince}), Kustomize patches in an Application's source since v2.9.0, \`templatePatch\` (your labels on the Applications) since v2.10.0.`,
    '- Commit `dist/` (every installation folder and this one) where the elements\' `repoURL`, `targetRevision` and `path` point, and register every cluster in Argo CD under the name or server its element names (`argocd cluster list`).',
    '- If one of your own Applications syncs these Kong objects, turn its automated sync off for the migration: two Applications must not own the same Deployment. If you applied an installation\'s own `argocd/` Application (`kong-flavor-<installation>`), delete it without its resources first (`argocd app delete kong-flavor-<installation> --cascade=false`): the ApplicationSet creates one of that name.',
    "- The Applications' project (`project` in each element) must allow their repository, cluster and namespace.",
    ...(s.baseToFill.length ? [`- **Fill the Kustomize base** of the installations without \`spec.source\` (${s.baseToFill.length}: ${s.baseToFill.slice(0, 10).join(', ')}${s.baseToFill.length > 10 ? ', ...' : ''}): put your own manifests of the objects that \`<installation>/kustomize/base/kustomization.yaml\` names into that folder, as you deploy them today. The overlays patch them by name and do not build without them; an Application whose overlay does not build shows a ComparisonError and holds its step.`] : []),
    '- Optional: commit `applicationsets/<group>/00-base.yaml` first. It points every Application at the Kustomize base (Kong as it runs today): `argocd app diff` then shows any drift between your manifests and the clusters before anything changes.',
    '',
    '## How it rolls out',
    '',
    ...diagram(s),
    '',
    `Each Application syncs its installation's Kustomize overlay for the phase (\`<installation>/kustomize/overlays/NN-<phase>\`, cumulative: the state after phase NN). RollingSync (label \`${STEP_LABEL}\`) syncs the steps in order, at most \`maxUpdate\` Applications of a step at once, and starts a step only when every Application of the previous one is Healthy and Synced. Each phase's gate Job runs as a plain resource of its Application (a Kustomize patch in the ApplicationSet turns the hook into one): while it runs the Application is Progressing, if it fails the Application is Degraded, so **a failed gate stops the rollout at its step**; clusters of later steps are not touched. Argo CD never prunes here and deleting an ApplicationSet or Application never deletes Kong (\`preserveResourcesOnDeletion\`).`,
    '',
    ...s.groups.flatMap((g) => groupSection(s, g)),
    '## Promote the next phase (one commit)',
    '',
    'Keep one file per group in the folder your Argo CD syncs into the `argocd` namespace (or `kubectl -n argocd apply -f` it). Promoting the group to phase NN is one commit that replaces that file with `applicationsets/<group>/NN-<phase>.yaml`.',
    '',
    "**Promote phase NN+1 only when every Application of the group is Synced and Healthy at phase NN.** The overlays are cumulative: an Application still waiting for phase NN when the file moves to NN+1 would go straight from NN-1 to NN+1, skipping a verified phase (the Postgres freeze, the green stack). This prints the ones not done yet (nothing: ready):",
    '',
    '```sh',
    notDone('<group>', '<NN-phase>'),
    '```',
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
    `kubectl -n argocd get applications -l kong-flavor-migrator/fleet=${s.fleet} -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.metadata.annotations.kong-flavor-migrator/phase}{"\\t"}{.status.sync.status}{"\\t"}{.status.health.status}{"\\n"}{end}'`,
    '```',
    '',
    '## Stop and roll back one cluster (the others go on)',
    '',
    '1. Stop what runs there now: `argocd app terminate-op kong-flavor-<installation>`. Nothing else is touched: the step just waits for this Application.',
    `2. Take it out of the rollout, in one commit: in the ApplicationSet file you committed, set its element's \`step\` to \`${HOLD}\` (or set \`hold: true\` on the installation in the fleet spec, run \`kong-flavor synth\` again and commit the same phase's file). No step selects it any more, so RollingSync stops waiting for it and goes on with the other clusters, and never syncs it by itself.`,
    "3. Roll it back: in the same commit, set its element's `path` to the rollback overlay of the phase it is in (`<installation>/kustomize/overlays/NN-<phase>-rollback`: the state before phase NN, the objects the phase created removed by a Job, and the rollback's own gate), then `argocd app diff kong-flavor-<installation>` and `argocd app sync kong-flavor-<installation>`. Only that Application changes; it is Healthy once the rollback's gate passed. Its `RUNBOOK.md` says whether the verifier found that rollback zero-downtime, and gives the same rollback with kubectl.",
    "4. To retry a failed gate after fixing the cause: `kubectl -n <namespace> delete job <installation>-gate-NN`, then `argocd app sync kong-flavor-<installation>`. To bring a held cluster back, walk it to the phase of the group one phase at a time while it is still held: set its element's `path` to the overlay of the first phase it has not run, commit, `argocd app sync kong-flavor-<installation>` and wait until it is Synced and Healthy (its gate passed); repeat. Only when it runs the phase of the group give its element its step again (giving it back earlier would make it skip the phases in between).",
    '',
    "To roll the whole group back from phase NN, commit `applicationsets/<group>/NN-<phase>-rollback.yaml` (the same ApplicationSet, every Application at its installation's rollback overlay of phase NN): RollingSync takes the clusters back step by step, canaries first, and each rollback's gate holds its step as a phase's gate does. To go back further, commit the previous phase's `-rollback` file once every Application is Synced and Healthy.",
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
