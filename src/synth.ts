/**
 * From a resolved spec to every output file: plan, verify, render. Used by `kong-flavor
 * synth` and by `cdk8s synth` (src/main.ts), so both produce the same bytes.
 */
import { App } from 'cdk8s';
import { PhaseChart } from './constructs/PhaseChart';
import { PlanRefusedError } from './errors';
import { planMigration } from './plan/planner';
import { Plan } from './plan/types';
import { ResolvedSpec } from './spec/types';
import { OutputFiles } from './render/files';
import { addObjectFiles, chartObjects } from './render/manifests';
import { planJson } from './render/planJson';
import { verifiedPlan } from './verification';
import { addArgoCdFiles } from './render/argocd';
import { runbook } from './render/runbook';
import { addKustomizeFiles } from './render/kustomize';
import { addHelmFiles } from './render/helm';
import { routeReportMarkdown } from './routes';
import { addFinalFiles } from './render/final';
import { addPatchFiles } from './render/patches';

/** Plans the migration, throwing `PlanRefusedError` (exit 3) when there is no plan. */
export function planOrThrow(spec: ResolvedSpec): Plan {
  const result = planMigration(spec);
  if (result.kind === 'refused') throw new PlanRefusedError(result);
  return result.plan;
}

/** The cdk8s app of a plan: one chart per phase and one per rollback. */
export function buildApp(spec: ResolvedSpec, plan: Plan): { app: App; phases: PhaseChart[]; rollbacks: PhaseChart[] } {
  const app = new App({ outdir: 'dist' });
  const phases = plan.phases.map((p, i) => new PhaseChart(app, p.id, { spec, plan, index: i }));
  const rollbacks = plan.phases.map((p, i) => new PhaseChart(app, `${p.id}-rollback`, { spec, plan, index: i, direction: 'rollback' }));
  return { app, phases, rollbacks };
}

export interface SynthResult {
  readonly plan: Plan;
  readonly files: OutputFiles;
}

/**
 * Every output file of a migration, by path relative to `dist/<name>/`. The plan is planned
 * and verified unless given (a plan the verifier rejects throws `UnsafePlanError`).
 */
export function synthesize(spec: ResolvedSpec, plan: Plan = verifiedPlan(spec)): SynthResult {
  const files = new OutputFiles();
  files.add('plan.json', planJson(plan));
  const { app, phases, rollbacks } = buildApp(spec, plan);
  phases.forEach((chart, i) => {
    const folder = `phases/${chart.phase.id}`;
    addObjectFiles(files, folder, chartObjects(chart));
    addObjectFiles(files, `${folder}/rollback`, chartObjects(rollbacks[i]));
    addPatchFiles(files, folder, chart.patches);
    addPatchFiles(files, `${folder}/rollback`, rollbacks[i].patches);
  });
  addArgoCdFiles(files, spec, plan, app);
  addKustomizeFiles(files, spec, plan, phases, rollbacks);
  addHelmFiles(files, spec, plan, app);
  addFinalFiles(files, spec, plan);
  files.add('RUNBOOK.md', runbook(spec, plan));
  if (plan.routes) files.add('ROUTES.md', routeReportMarkdown(plan.routes, spec.routes.failOn));
  return { plan, files };
}
