/**
 * Planning and verifying one installation of a fleet, as `plan` / `synth` of its own spec
 * would: the verified plan, or why there is none (refused, or rejected by the verifier). The
 * outcome is plain data, small enough to cross from a worker thread for a thousand of them.
 */
import { patchesOnly } from '../constructs/objectStates';
import { PlanRefusedError, UnsafePlanError } from '../errors';
import { InstallationState, Plan, PlanStrategy } from '../plan/types';
import { ResolvedSpec } from '../spec/types';
import { verifiedPlan } from '../verification';
import { InstallationRef, ReadInstallation, readInstallation } from './read';

/** One phase, as the fleet summary needs it. */
export interface PhaseOutline {
  readonly id: string;
  readonly title: string;
  readonly estimatedSeconds: number;
  readonly zeroDowntime: boolean;
  /** Pods running above today's count once the phase is applied (a blue-green green stack). */
  readonly extraPods: number;
}

export type Judgement =
  | {
      readonly kind: 'planned';
      readonly strategy: PlanStrategy;
      readonly zeroDowntime: boolean;
      readonly reasons: readonly string[];
      readonly phases: readonly PhaseOutline[];
      readonly statesExplored: number;
      readonly downtimeWindowSeconds?: number;
      readonly rollbackNotZeroDowntimeFrom?: string;
      readonly warnings: readonly string[];
    }
  /** No plan without downtime (exit 3 for a single spec), or the verifier rejected every plan (exit 4). */
  | { readonly kind: 'refused' | 'unsafe'; readonly reasons: readonly string[] };

/** An installation of the fleet, planned and verified (or not). */
export interface InstallationOutcome {
  readonly name: string;
  readonly origin: string;
  readonly cluster: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hold: boolean;
  /** Held: the overlay its Application stays at in every phase file (`00-base`, a phase, a phase's rollback). */
  readonly holdAt?: string;
  readonly namespace: string;
  readonly from: string;
  readonly to: string;
  readonly argocd: { readonly repoURL: string; readonly path: string; readonly targetRevision: string; readonly project: string };
  /** Without `spec.source` its Kustomize base is the user's to fill: the overlays patch their own manifests. */
  readonly baseToFill: boolean;
  readonly judgement: Judgement;
}

/** Gateway and controller pods a state runs. */
const pods = (s: InstallationState) => s.gateways.reduce((n, g) => n + g.replicas, 0) + s.controllers.reduce((n, c) => n + c.replicas, 0);

function planned(plan: Plan): Judgement {
  const today = pods(plan.initial);
  return {
    kind: 'planned',
    strategy: plan.strategy,
    zeroDowntime: plan.zeroDowntime,
    reasons: plan.reasons,
    phases: plan.phases.map((p) => ({
      id: p.id,
      title: p.title,
      estimatedSeconds: p.estimatedSeconds,
      zeroDowntime: p.zeroDowntime,
      extraPods: Math.max(0, pods(p.state) - today),
    })),
    statesExplored: plan.verification?.statesExplored ?? 0,
    ...(plan.downtimeWindowSeconds !== undefined ? { downtimeWindowSeconds: plan.downtimeWindowSeconds } : {}),
    ...(plan.rollbackNotZeroDowntimeFrom ? { rollbackNotZeroDowntimeFrom: plan.rollbackNotZeroDowntimeFrom } : {}),
    warnings: plan.warnings,
  };
}

function outcomeOf(read: ReadInstallation, judgement: Judgement): InstallationOutcome {
  const { spec } = read;
  const argo = spec.output.argocd;
  return {
    name: spec.name,
    origin: read.origin,
    cluster: read.cluster,
    labels: read.labels,
    hold: read.hold,
    ...(read.holdAt ? { holdAt: read.holdAt } : {}),
    namespace: spec.namespace,
    from: spec.from,
    to: spec.to,
    argocd: { repoURL: argo.repoURL, path: argo.path.replace(/\/+$/, ''), targetRevision: argo.targetRevision, project: argo.project },
    baseToFill: patchesOnly(spec),
    judgement,
  };
}

/**
 * Reads, plans and verifies one installation. Bad input throws (`InputError`, naming the
 * installation); a refusal or a rejected plan is an outcome. With a plan, `spec` and `plan` are
 * what `synthesize` needs to write its files.
 */
export function judgeInstallation(ref: InstallationRef): { outcome: InstallationOutcome; spec: ResolvedSpec; plan?: Plan } {
  const read = readInstallation(ref);
  try {
    const plan = verifiedPlan(read.spec);
    return { outcome: outcomeOf(read, planned(plan)), spec: read.spec, plan };
  } catch (e) {
    if (e instanceof PlanRefusedError) {
      const r = e.refusal;
      return { outcome: outcomeOf(read, { kind: 'refused', reasons: [...r.reasons, ...r.ruledOut.map((x) => `ruled out ${x.strategy}: ${x.reason}`)] }), spec: read.spec };
    }
    if (e instanceof UnsafePlanError) {
      const reasons = e.verdict.violations.map((v) => `the verifier rejected the plan: ${v.invariant}: ${v.message}`);
      return { outcome: outcomeOf(read, { kind: 'unsafe', reasons }), spec: read.spec };
    }
    throw e;
  }
}
