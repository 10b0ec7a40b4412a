import { Construct } from 'constructs';
import { toYamlStream } from '../render/yaml';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { HookJob, HookTiming, NamedObject, namedObjectRules } from './HookJob';
import { shellQuote } from './shell';

export interface StagedApplyProps extends HookTiming {
  readonly spec: ResolvedSpec;
  /** Name of the Job and its RBAC. */
  readonly name: string;
  /** The objects to apply, as a phase needs them; they must already exist. */
  readonly objects: readonly KubeObject[];
  /**
   * Apply strategic-merge patches (`kubectl patch`) instead of whole objects: `objects` are
   * then patches, as `strategicMergePatch` makes them (specs without `source`). @default false
   */
  readonly patch?: boolean;
  /** The phase, for logs. */
  readonly phaseId: string;
}

/**
 * Applies a phase's intermediate state of objects that already exist, from a hook Job.
 * One Argo CD sync can declare each object only once (its final state); when a plan changes
 * the same Deployment in several phases (freeze the controller, then start it again), the
 * earlier states are applied here, at their phase's sync wave, so the sync still walks
 * through every verified state in order. `get` and `patch` only, on those names only.
 */
export class StagedApply extends Construct {
  public readonly job: HookJob;

  constructor(scope: Construct, id: string, props: StagedApplyProps) {
    super(scope, id);
    const { spec } = props;
    // The manifests travel as one quoted word, not a here-document a line of the YAML could end.
    const ns = shellQuote(spec.namespace);
    const script = [
      'set -eu',
      `echo ${shellQuote(`phase ${props.phaseId}: ${props.patch ? 'patching' : 'applying'} ${props.objects.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')}`)}`,
      ...(props.patch
        ? props.objects.map((o) => `kubectl -n ${ns} patch ${o.kind.toLowerCase()} ${shellQuote(o.metadata.name)} --type strategic -p ${shellQuote(JSON.stringify(o))}`)
        : [`printf '%s\\n' ${shellQuote(toYamlStream(props.objects).trimEnd())} | kubectl -n ${ns} apply -f -`]),
    ].join('\n');
    this.job = new HookJob(this, 'Job', {
      ...props,
      script: script + '\n',
      rules: namedObjectRules(
        props.objects.map((o) => ({ kind: o.kind as NamedObject['kind'], name: o.metadata.name })),
        ['get', 'patch'],
      ),
      description: `Phase ${props.phaseId}: apply the intermediate state of ${props.objects.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')}`,
    });
  }
}
