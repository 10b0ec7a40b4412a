import { Construct } from 'constructs';
import { ResolvedSpec } from '../spec/types';
import { HookJob, HookTiming, NamedObject, namedObjectRules } from './HookJob';
import { shellQuote, shellWords } from './shell';

export interface ObjectRemovalProps extends HookTiming {
  readonly spec: ResolvedSpec;
  /** Name of the Job and its RBAC. */
  readonly name: string;
  /** The objects to delete (Deployments and Services of the plan only). */
  readonly objects: readonly NamedObject[];
  /** Why, for `kubectl describe`. */
  readonly description: string;
}

/**
 * Deletes named objects: applying manifests cannot remove anything, so the phase that
 * retires the blue stack (and the rollback of a phase that created objects) carries a Job
 * that deletes exactly those objects, with `delete` allowed on those names only.
 */
export class ObjectRemoval extends Construct {
  public readonly job: HookJob;

  constructor(scope: Construct, id: string, props: ObjectRemovalProps) {
    super(scope, id);
    const { spec } = props;
    const names = (kind: string) => props.objects.filter((o) => o.kind === kind).map((o) => o.name).sort();
    const deployments = names('Deployment');
    const services = names('Service');
    // --wait watches the objects by name: list and watch as well as get and delete.
    const lines = ['set -eu', `NS=${shellQuote(spec.namespace)}`];
    if (deployments.length) lines.push(`kubectl -n "$NS" delete deployment ${shellWords(deployments)} --ignore-not-found --wait=true`);
    if (services.length) lines.push(`kubectl -n "$NS" delete service ${shellWords(services)} --ignore-not-found --wait=true`);
    lines.push(`echo ${shellQuote(`removed: ${props.objects.map((o) => `${o.kind} ${o.name}`).join(', ')}`)}`);
    this.job = new HookJob(this, 'Job', {
      ...props,
      script: lines.join('\n') + '\n',
      rules: namedObjectRules(props.objects, ['get', 'list', 'watch', 'delete']),
    });
  }
}
