import { Construct } from 'constructs';
import { toYamlStream } from '../render/yaml';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { HookJob, HookTiming, NamedObject, namedObjectRules } from './HookJob';
import { shellQuote } from './shell';

export interface StagedApplyProps extends HookTiming {
  readonly spec: ResolvedSpec;
  /** Name of the Job and its RBAC. */
  readonly name: string;
  /** Objects to apply whole (`kubectl apply`), as a phase needs them; they must already exist. @default none */
  readonly objects?: readonly KubeObject[];
  /**
   * Strategic-merge patches (`kubectl patch`, as `strategicMergePatch` makes them) of objects
   * that already exist: the planned fields only, every other field (and Argo CD's tracking
   * annotation) stays. @default none
   */
  readonly patches?: readonly KubeObject[];
  /** The phase, for logs. */
  readonly phaseId: string;
}

/**
 * Applies a phase's state of objects that already exist, from a hook Job. One Argo CD sync
 * can declare each object only once: when a plan changes the same Deployment in several phases
 * (freeze the controller, then start it again; create the green controller with Konnect sync
 * off, then turn it on), the other states are applied here, at their phase's sync wave, so the
 * sync still walks through every verified state in order. `get` and `patch` only, on those
 * names only.
 */
export class StagedApply extends Construct {
  public readonly job: HookJob;

  constructor(scope: Construct, id: string, props: StagedApplyProps) {
    super(scope, id);
    const { spec } = props;
    const objects = props.objects ?? [];
    const patches = props.patches ?? [];
    if (objects.length + patches.length === 0) throw new Error(`StagedApply ${props.name}: give objects or patches to apply`);
    const all = [...objects, ...patches];
    const names = all.map((o) => `${o.kind} ${o.metadata.name}`).join(', ');
    // The manifests travel as one quoted word, not a here-document a line of the YAML could end.
    const ns = shellQuote(spec.namespace);
    const script = [
      'set -eu',
      `echo ${shellQuote(`phase ${props.phaseId}: applying ${names}`)}`,
      ...(objects.length ? [`printf '%s\\n' ${shellQuote(toYamlStream(objects).trimEnd())} | kubectl -n ${ns} apply -f -`] : []),
      ...patches.map((o) => `kubectl -n ${ns} patch ${o.kind.toLowerCase()} ${shellQuote(o.metadata.name)} --type strategic -p ${shellQuote(JSON.stringify(o))}`),
    ].join('\n');
    this.job = new HookJob(this, 'Job', {
      ...props,
      script: script + '\n',
      rules: namedObjectRules(
        all.map((o) => ({ kind: o.kind as NamedObject['kind'], name: o.metadata.name })),
        ['get', 'patch'],
      ),
      description: `Phase ${props.phaseId}: apply the phase's state of ${names}`,
    });
  }
}
