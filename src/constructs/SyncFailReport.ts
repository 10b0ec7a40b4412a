import { Construct } from 'constructs';
import { ResolvedSpec } from '../spec/types';
import { HookJob } from './HookJob';
import { shellQuote } from './shell';

export interface SyncFailReportProps {
  readonly spec: ResolvedSpec;
  /** Name of the Job and its RBAC. */
  readonly name: string;
  /** The Deployments of the plan, to report on. */
  readonly deployments: readonly string[];
}

/**
 * Argo CD `SyncFail` hook: when a gate fails the sync, prints where each Deployment of the
 * plan stands and its pods, so the failed sync's logs say what to look at (and the runbook
 * says how to roll back). Read-only.
 */
export class SyncFailReport extends Construct {
  public readonly job: HookJob;

  constructor(scope: Construct, id: string, props: SyncFailReportProps) {
    super(scope, id);
    const { spec } = props;
    const deployments = [...props.deployments].sort();
    const script = [
      `NS=${shellQuote(spec.namespace)}`,
      `echo ${shellQuote(`kong-flavor-migrator: the sync of ${spec.name} failed; where things stand:`)}`,
      ...deployments.map((d) => `kubectl -n "$NS" get deployment ${shellQuote(d)} -o wide || true`),
      `kubectl -n "$NS" get pods -o wide || true`,
      // Until the Application is gone, any sync (a retry included) replays the plan from phase 01.
      `echo "See RUNBOOK.md, waves, When it fails or times out: stop the operation (argocd app terminate-op), delete the Application WITHOUT cascading, then apply the rollback/ folder of the phase that failed (its gate, apply or remove Job is named <plan>-gate-NN, -apply-NN, -remove-NN)."`,
    ].join('\n');
    this.job = new HookJob(this, 'Job', {
      spec,
      name: props.name,
      timeoutSeconds: 120,
      argoHook: 'SyncFail',
      script: script + '\n',
      rules: [
        { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'], resourceNames: deployments },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      ],
      description: `Reports the state of ${deployments.join(', ')} when the sync of ${spec.name} fails`,
    });
  }
}
