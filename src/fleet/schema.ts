/**
 * The fleet spec as users write it: `kind: RouterFlavorMigrationFleet`. The migration fields
 * every installation shares (`to`, `strategy`, `allowDowntime`, and any other field of a
 * RouterFlavorMigration's spec but `source`), the rollout policy, and the installations, each
 * with its Argo CD cluster, labels, and its own `source` and `overrides`. Strict, like the
 * single spec: an unknown field is an error.
 */
import { z } from 'zod';
import { isIntOrPercent } from '../spec/intOrPercent';
import { ArgoClusterSchema, LabelsSchema } from '../spec/placement';
import { SourceSchema, SpecBodySchema, dnsLabel } from '../spec/schema';

export const FLEET_KIND = 'RouterFlavorMigrationFleet';

/** The rollout-step label's value on a held installation (no step selects it); no step may take the name. */
export const HOLD = 'hold';

/** The overlay id of the state before any phase: an installation's Kustomize base. */
export const BASE = '00-base';

/** `3` or `"25%"`: as Argo CD's `maxUpdate` (an IntOrString). */
const countOrPercent = (what: string, min: number) =>
  z.custom<number | string>((v) => isIntOrPercent(v) && (typeof v === 'number' ? v >= min : Number(v.slice(0, -1)) >= min && Number(v.slice(0, -1)) <= 100), {
    message: `${what}: an integer >= ${min} or a percentage from ${min}% to 100% such as "25%"`,
  });

/**
 * One step of the rollout. Steps pick installations in order, each from those no earlier step
 * took: those whose labels match `matchLabels` (all of them), at most `size` of them (a count,
 * or a share of the group), or, with neither, all that are left.
 */
export const RolloutStepSchema = z.strictObject({
  /** Names the step in FLEET.md and the summary. */
  name: dnsLabel('a step name'),
  /** Installations whose labels include all of these. @default any */
  matchLabels: LabelsSchema.optional(),
  /** How many of the matching installations: a count, or a percentage of the group's installations (rounded up). @default all */
  size: countOrPercent('size', 1).optional(),
  /** Applications Argo CD syncs at once in this step (RollingSync `maxUpdate`; 0: each one by hand). @default 100% */
  maxUpdate: countOrPercent('maxUpdate', 0).optional(),
});

export const PoliciesSchema = z.strictObject({
  rollout: z
    .strictObject({
      steps: z.array(RolloutStepSchema).min(1, { message: 'give at least one step' }).max(20),
    })
    .optional(),
});

const overridable = SpecBodySchema.omit({ to: true, source: true });

/**
 * A RouterFlavorMigration's spec fields an installation may change (everything but `to`, which
 * the fleet shares, and `source`). Maps merge over the shared fields; `null` removes a shared
 * field (`controller: null` for a sidecar installation in a fleet of separate ones).
 */
export const OverridesSchema = z.strictObject(
  Object.fromEntries(Object.entries(overridable.shape).map(([key, field]) => [key, (field as z.ZodOptional<z.ZodType>).unwrap().nullable().optional()])) as {
    [K in keyof typeof overridable.shape]: z.ZodOptional<z.ZodNullable<ReturnType<(typeof overridable.shape)[K]['unwrap']>>>;
  },
);

export const InstallationSchema = z.strictObject({
  /** Names the installation: its output folder `dist/<name>/` and its Application `kong-flavor-<name>`. */
  name: dnsLabel('an installation name'),
  /** Its Argo CD cluster: the name it is registered under, or its API server URL. */
  cluster: ArgoClusterSchema,
  /** Labels the rollout steps select by (`env`, `region`, `wave`...); also set on its Application. */
  labels: LabelsSchema.optional(),
  /**
   * Keep it out of the rollout, pinned where it is: no step selects it (Argo CD syncs it only by
   * hand), and every phase file of its group points its Application at the overlay `at` names
   * (`01-gateways-to-expressions`, `01-gateways-to-expressions-rollback`, or `00-base`), so
   * committing the group's next phase never moves it past phases it has not run. `true` is
   * `{ at: 00-base }`: for an installation that has not started.
   * @default false
   */
  hold: z.union([z.boolean(), z.strictObject({ at: z.string().min(1, { message: 'the overlay the installation is at: 00-base, a phase id, or a phase id with -rollback' }) })]).optional(),
  /** What it runs, read from its manifests or chart values (paths relative to the fleet file). */
  source: SourceSchema.optional(),
  /** Fields of its spec that differ from the fleet's shared fields (merged over them). */
  overrides: OverridesSchema.optional(),
});

export const FleetSpecSchema = z.strictObject({
  apiVersion: z.literal('kong-flavor-migrator/v1alpha1'),
  kind: z.literal(FLEET_KIND),
  metadata: z.strictObject({ name: dnsLabel('metadata.name') }),
  spec: SpecBodySchema.omit({ source: true }).extend({
    policies: PoliciesSchema.optional(),
    installations: z.array(InstallationSchema).max(10000).optional(),
  }),
});

export type FleetSpecInput = z.infer<typeof FleetSpecSchema>;
export type InstallationInput = z.infer<typeof InstallationSchema>;
export type RolloutStepInput = z.infer<typeof RolloutStepSchema>;
