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
  /** The path is a Kustomize overlay (Argo CD builds it) rather than a folder of plain manifests. @default false */
  readonly kustomize?: boolean;
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
      // Argo CD detects kustomization.yaml; a `directory` block would force the plain-manifests tool.
      source: { repoUrl: argo.repoURL, targetRevision: argo.targetRevision, path: props.path, ...(props.kustomize ? {} : { directory: { recurse: false } }) },
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
 * Application has the same name and differs only in `path` (the phase's cumulative Kustomize
 * overlay), so promoting the next phase moves one Application forward instead of creating a
 * second owner of the same Deployments. No automated sync and no pruning: a person promotes
 * each phase with `argocd app sync --revision`, which fails with the phase's gate.
 */
export class MigrationApplication extends Construct {
  public readonly application: ApiObject;

  constructor(scope: Construct, id: string, props: MigrationApplicationProps) {
    super(scope, id);
    this.application = new ApiObject(this, 'Resource', migrationApplicationManifest(props));
  }
}
