import { Construct } from 'constructs';
import { PlanRefusedError } from '../errors';
import { planMigration } from '../plan/planner';
import { Plan } from '../plan/types';
import { resolveSpec } from '../spec/resolve';
import { MigrationSpecInput, MigrationSpecSchema } from '../spec/schema';
import { InputError } from '../spec/errors';
import { problemsFromZod } from '../spec/load';
import { ResolvedSpec } from '../spec/types';
import { PhaseChart } from './PhaseChart';

export interface RouterFlavorMigrationProps {
  /**
   * The migration: a spec as written in YAML (`apiVersion`, `kind`, `metadata`, `spec`;
   * `spec.source` is not read here, describe the installation in the spec) or one already
   * resolved by `loadSpec`.
   */
  readonly spec: MigrationSpecInput | ResolvedSpec;
  /**
   * Render only this phase (its 1-based number or its id, e.g. `01-gateways-to-expressions`).
   * @default every phase, each in its own chart
   */
  readonly phase?: number | string;
  /**
   * Checks the plan before rendering it; throw to refuse it (the CLI passes the verifier).
   * @default no check
   */
  readonly check?: (spec: ResolvedSpec, plan: Plan) => Plan;
}

function isResolved(spec: MigrationSpecInput | ResolvedSpec): spec is ResolvedSpec {
  return (spec as ResolvedSpec).base !== undefined;
}

/**
 * A router flavor migration inside your own cdk8s app: plans it from the spec and adds one
 * chart per phase (the full desired state of the objects the phase touches, and its gate).
 * Throws `PlanRefusedError` when no plan without downtime exists, `InputError` on a bad spec.
 */
export class RouterFlavorMigration extends Construct {
  public readonly spec: ResolvedSpec;
  public readonly plan: Plan;
  public readonly phaseCharts: PhaseChart[];

  constructor(scope: Construct, id: string, props: RouterFlavorMigrationProps) {
    super(scope, id);
    if (isResolved(props.spec)) {
      this.spec = props.spec;
    } else {
      const parsed = MigrationSpecSchema.safeParse(props.spec);
      if (!parsed.success) throw new InputError(problemsFromZod(parsed.error, props.spec));
      if (parsed.data.spec.source) {
        throw new InputError({ path: 'spec.source', message: 'not read by the construct; load the spec with loadSpec() to read sources' });
      }
      this.spec = resolveSpec(parsed.data);
    }
    const result = planMigration(this.spec);
    if (result.kind === 'refused') throw new PlanRefusedError(result);
    this.plan = props.check ? props.check(this.spec, result.plan) : result.plan;
    const wanted = this.plan.phases.findIndex((p, i) => props.phase === undefined || props.phase === i + 1 || props.phase === p.id);
    if (props.phase !== undefined && wanted < 0) {
      throw new InputError({
        path: 'phase',
        message: `no phase ${props.phase}; the phases are ${this.plan.phases.map((p) => p.id).join(', ') || '(none)'}`,
      });
    }
    this.phaseCharts = this.plan.phases
      .map((p, i) => ({ p, i }))
      .filter(({ p, i }) => props.phase === undefined || props.phase === i + 1 || props.phase === p.id)
      .map(({ p, i }) => new PhaseChart(this, p.id, { spec: this.spec, plan: this.plan, index: i }));
  }
}
