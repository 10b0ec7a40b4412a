/**
 * Argo CD output (`argocd/`), both modes:
 * - `waves`: `waves-application.yaml` syncs `argocd/waves/`, the whole plan in one sync
 *   (phases in sync-wave order, gates as `Sync` hooks, a `SyncFail` report);
 * - `app-per-phase`: `app-per-phase/NN-<slug>.yaml`, one Application per phase folder (same
 *   name, so committing the next one promotes it), and one per rollback folder.
 */
import { App } from 'cdk8s';
import { MigrationApplicationProps, migrationApplicationManifest } from '../constructs/MigrationApplication';
import { WavesChart } from '../constructs/WavesChart';
import { Plan } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { OutputFiles } from './files';
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
    out.add(
      `argocd/app-per-phase/${phase.id}.yaml`,
      applicationYaml({ spec, path: `${base}/phases/${phase.id}`, automated: true, phaseId: phase.id }),
    );
    out.add(
      `argocd/app-per-phase/${phase.id}-rollback.yaml`,
      applicationYaml({ spec, path: `${base}/phases/${phase.id}/rollback`, automated: true, phaseId: `${phase.id}-rollback` }),
    );
  });
}
