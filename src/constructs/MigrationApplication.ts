import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Application } from '../../imports/argoproj.io';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { argoDestination } from '../spec/placement';
import { objectName } from './names';

export interface MigrationApplicationProps {
  readonly spec: ResolvedSpec;
  /** Repository folder the Application syncs (relative to the repository root). */
  readonly path: string;
  /** Sync automatically when the Application (or its path) changes. @default false (sync by hand) */
  readonly automated?: boolean;
  /** The phase this Application promotes to, recorded as an annotation. @default none */
  readonly phaseId?: string;
}

/** The Application object (plain JSON, through the typed import of the Argo CD CRD). */
export function migrationApplicationManifest(props: MigrationApplicationProps): KubeObject {
  const { spec } = props;
  const argo = spec.output.argocd;
  return Application.manifest({
    metadata: {
      name: objectName('kong-flavor', spec.name),
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/managed-by': 'kong-flavor-migrator', 'kong-flavor-migrator/plan': spec.name },
      ...(props.phaseId ? { annotations: { 'kong-flavor-migrator/phase': props.phaseId } } : {}),
    },
    spec: {
      project: argo.project,
      source: { repoUrl: argo.repoURL, targetRevision: argo.targetRevision, path: props.path, directory: { recurse: false } },
      destination: { ...argoDestination(argo.cluster), namespace: spec.namespace },
      syncPolicy: {
        ...(props.automated ? { automated: { prune: false, selfHeal: false } } : {}),
        syncOptions: ['PruneLast=true', 'ApplyOutOfSyncOnly=false'],
      },
    },
  }) as KubeObject;
}

/**
 * The Argo CD Application that syncs a migration folder. In `app-per-phase` mode every phase's
 * Application has the same name and differs only in `path`, so promoting the next phase (by a
 * pull request that commits it) moves one Application forward instead of creating a second
 * owner of the same Deployments. Pruning is off: phases list only what they touch.
 */
export class MigrationApplication extends Construct {
  public readonly application: ApiObject;

  constructor(scope: Construct, id: string, props: MigrationApplicationProps) {
    super(scope, id);
    this.application = new ApiObject(this, 'Resource', migrationApplicationManifest(props));
  }
}
