/**
 * The final state to write back into the source of truth once the last phase has passed
 * (RUNBOOK "After the last phase"), so the next `helm upgrade`, Argo CD self-heal or `kubectl
 * apply` of the user's own files keeps the target flavor instead of rolling the gateways back:
 * - Helm: `helm/values-final.yaml` (`helm/<release>/values-final.yaml` with two releases): what
 *   to merge into the user's values, only what the target needs (no gate hooks, the user's own
 *   rollout strategy);
 * - manifests: `final/`, every object of the user's manifests at its final state (Secrets are
 *   never copied), and the objects the plan created; the deleted ones are left out;
 * - no source: `final/patches/`, the planned fields only (strategic-merge patches).
 */
import * as YAML from 'yaml';
import { objectsOf, patchesOnly, renderObject } from '../constructs/objectStates';
import { stepPatches } from '../constructs/PhaseChart';
import { addPatchFiles } from './patches';
import { cleanCopy } from '../constructs/manifest';
import { Plan } from '../plan/types';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { OutputFiles } from './files';
import { phaseValues, releaseTargets } from './helm';
import { addObjectFiles } from './manifests';

const key = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;

/** Every object of the user's manifests at the plan's final state, and the objects it created. */
export function finalObjects(spec: ResolvedSpec, plan: Plan): KubeObject[] {
  const last = objectsOf(plan.phases[plan.phases.length - 1].state);
  const initial = objectsOf(plan.initial);
  const out: KubeObject[] = [];
  const seen = new Set<string>();
  for (const o of spec.base.all) {
    const k = key(o);
    if (o.kind === 'Secret' || seen.has(k)) continue;
    seen.add(k);
    const planned = last.get(k);
    if (planned) out.push(renderObject(spec, planned));
    else if (!initial.has(k)) out.push(cleanCopy(o));
  }
  for (const [k, planned] of last) if (!seen.has(k)) out.push(renderObject(spec, planned));
  return out;
}

export function addFinalFiles(out: OutputFiles, spec: ResolvedSpec, plan: Plan): void {
  if (plan.phases.length === 0) return;
  if (spec.base.origin === 'manifests') addObjectFiles(out, 'final', finalObjects(spec, plan));
  // Without a source: the planned fields only, from today's state to the final one.
  if (patchesOnly(spec)) addPatchFiles(out, 'final', stepPatches(spec, plan.initial, plan.phases[plan.phases.length - 1].state).patches);
  if (!spec.helm) return;
  const values = phaseValues(spec, plan, plan.phases.length - 1, { final: true }).values;
  for (const t of releaseTargets(spec)) {
    const own = values.get(t.release.release) ?? {};
    const doc = new YAML.Document(own, { version: '1.1' });
    doc.commentBefore = [
      ` The final state of release ${t.release.release} after ${plan.name} (${plan.from} -> ${plan.to}): merge these keys into the`,
      ' values you deploy it with (Git, CI) before re-enabling automated syncs or pipelines. Without them the next',
      ` helm upgrade rolls the gateways back to ${plan.from} while the controller keeps sending the new route shape.`,
      ...(JSON.stringify(own).includes('restart-for')
        ? [' The restart annotation keeps the controller from restarting again at that upgrade; drop it later if you like (one restart).']
        : []),
      ...(Object.keys(own).length === 0 ? [' (Nothing to merge into this release.)'] : []),
    ].join('\n');
    out.add(t.file('final'), doc.toString({ lineWidth: 0, minContentWidth: 0 }));
  }
}
