/**
 * Argo CD output (`argocd/`), both modes:
 * - `waves`: `waves-application.yaml` syncs `argocd/waves/`, the whole plan in one sync
 *   (phases in sync-wave order, gates as `Sync` hooks, a `SyncFail` report);
 * - `app-per-phase`: `app-per-phase/NN-<slug>.yaml`, one Application (same name in every file)
 *   pointed at the cumulative Kustomize overlay of phase NN, and `NN-<slug>-rollback.yaml` at the
 *   overlay of the state before it. An overlay holds every object touched so far, so nothing
 *   "requires pruning" and a sync never deletes a gateway; a phase-only folder would. No
 *   automated sync: `argocd app sync --revision <commit>` promotes a phase and fails when its
 *   sync operation (the gate, a Sync hook, included) fails (RUNBOOK).
 */
import { App } from 'cdk8s';
import { MigrationApplicationProps, migrationApplicationManifest } from '../constructs/MigrationApplication';
import { WavesChart } from '../constructs/WavesChart';
import { Plan } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { OutputFiles } from './files';
import { overlayPath } from './kustomize';
import { addObjectFiles, chartObjects } from './manifests';
import { toYaml } from './yaml';

function applicationYaml(props: MigrationApplicationProps): string {
  return toYaml(migrationApplicationManifest(props));
}

export function addArgoCdFiles(out: OutputFiles, spec: ResolvedSpec, plan: Plan, app: App): void {
  if (plan.phases.length === 0) return;
  const base = spec.output.argocd.path.replace(/\/+$/, '');
  addObjectFiles(out, 'argocd/waves', chartObjects(new WavesChart(app, 'argocd-waves', { spec, plan })));
  out.add('argocd/waves-application.yaml', applicationYaml({ spec, path: `${base}/argocd/waves` }));
  plan.phases.forEach((phase) => {
    for (const id of [phase.id, `${phase.id}-rollback`]) {
      out.add(`argocd/app-per-phase/${id}.yaml`, applicationYaml({ spec, path: `${base}/${overlayPath(id)}`, kustomize: true, phaseId: id }));
    }
  });
}
