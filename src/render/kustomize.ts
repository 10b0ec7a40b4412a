/**
 * Kustomize output: `kustomize/base/` holds the user's objects the plan manages as they are
 * today (from `spec.source`; without one, a placeholder for the user's own manifests);
 * `kustomize/overlays/NN-<slug>/` brings the base to the state after phase NN with patches of
 * only the fields the plan changes (JSON patches with `test` guards against a source's objects,
 * strategic-merge patches by name without one), adds the objects the plan creates and the
 * phase's gate Job, and deletes what the plan removed. `kubectl kustomize overlays/NN-<slug>`
 * builds it.
 */
import { cleanCopy } from '../constructs/manifest';
import { objectPatch, objectsOf, patchesOnly, renderObject } from '../constructs/objectStates';
import { PhaseChart } from '../constructs/PhaseChart';
import { namePatch, withPruneDisabled } from '../constructs/syncOptions';
import { InstallationState, Plan } from '../plan/types';
import { KubeObject, ResolvedSpec } from '../spec/types';
import { OutputFiles } from './files';
import { addObjectFiles, chartObjects, fileNamePart, sortObjects } from './manifests';
import { deletePatch, jsonPatch } from './jsonPatch';
import { toYaml } from './yaml';

const key = (o: { kind: string; metadata: { name: string } }) => `${o.kind}/${o.metadata.name}`;

interface PatchRef {
  readonly path: string;
  readonly target?: { group?: string; version: string; kind: string; name: string; namespace?: string };
}

function kustomization(resources: string[], patches: PatchRef[]): string {
  return toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
    ...(patches.length ? { patches } : {}),
  });
}

function target(o: KubeObject): PatchRef['target'] {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return { ...(group ? { group } : {}), version, kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
}

/**
 * The base objects: the source's objects the plan manages (the Kong Deployments and Services),
 * cleaned of what the API server owns, in apply order. The rest of the installation (the
 * Namespace, CRDs, RBAC, a database) never changes and stays out, so an Argo CD Application
 * pointed at an overlay never owns it, and a cascading delete or a prune cannot reach it
 * (`final/` holds every object for the source of truth). None without `spec.source`: the base
 * is then the user's own manifests of these objects, which they put there.
 */
export function kustomizeBase(spec: ResolvedSpec, plan: Plan): KubeObject[] {
  if (patchesOnly(spec)) return [];
  const managed = objectsOf(plan.initial);
  return sortObjects(spec.base.all.filter((o) => managed.has(key(o))).map((o) => cleanCopy(o)));
}

/** The base kustomization without `spec.source`: a placeholder that says what to put there. */
function placeholderBase(plan: Plan): string {
  const names = [...objectsOf(plan.initial).values()].map((o) => `${o.kind} ${o.name}`).join(', ');
  return [
    '# No spec.source: put your own manifests of these objects here (files in this folder, or paths to',
    `# them), as you deploy them today: ${names}.`,
    '# The overlays patch only the planned fields (strategic-merge patches); they fail to build until then.',
    kustomization([], []),
  ].join('\n');
}

/** The overlay folder of a phase (`NN-<slug>`) or of its rollback (`NN-<slug>-rollback`), relative to `dist/<name>/`. */
export const overlayPath = (id: string): string => `kustomize/overlays/${id}`;

/**
 * Writes the base and one overlay per phase and per rollback. Each overlay is cumulative: the
 * base patched to the state after the phase (or, for a rollback, before it), the objects the
 * plan created by then, and only that step's own hooks (its gate, its removal Job).
 */
export function addKustomizeFiles(
  out: OutputFiles,
  spec: ResolvedSpec,
  plan: Plan,
  phaseCharts: readonly PhaseChart[],
  rollbackCharts: readonly PhaseChart[] = [],
): void {
  if (plan.phases.length === 0) return;
  const base = kustomizeBase(spec, plan);
  const baseFiles = addObjectFiles(out, 'kustomize/base', base);
  out.add('kustomize/base/kustomization.yaml', patchesOnly(spec) ? placeholderBase(plan) : kustomization(baseFiles, []));
  const inBase = new Map(base.map((o) => [key(o), o]));
  const initial = objectsOf(plan.initial);

  const overlay = (id: string, stateOf: InstallationState, hooks: PhaseChart | undefined) => {
    const dir = overlayPath(id);
    const state = objectsOf(stateOf);
    const resources: KubeObject[] = [];
    const patches: PatchRef[] = [];
    const addPatch = (o: KubeObject, content: unknown, json: boolean) => {
      const name = `patches/${fileNamePart(o.kind.toLowerCase())}-${fileNamePart(o.metadata.name)}.yaml`;
      out.add(`${dir}/${name}`, toYaml(content));
      patches.push(json ? { path: name, target: target(o) } : { path: name });
    };
    for (const [k, obj] of state) {
      const was = initial.get(k);
      if (patchesOnly(spec) && was) {
        // The user's own object: a strategic-merge patch of the planned fields, by name
        // (and Argo CD's Prune=false, which replaces any sync options of their own here).
        const patch = withPruneDisabled(objectPatch(spec, was, obj) ?? namePatch(renderObject(spec, obj)));
        addPatch(patch, patch, false);
        continue;
      }
      const rendered = withPruneDisabled(renderObject(spec, obj));
      const b = inBase.get(k);
      if (b) {
        const ops = jsonPatch(b, rendered);
        if (ops.length) addPatch(b, ops, true);
      } else if (!initial.has(k)) {
        resources.push(rendered);
      }
    }
    for (const [k, was] of initial) {
      if (state.has(k)) continue;
      const b = inBase.get(k) ?? (patchesOnly(spec) ? renderObject(spec, was) : undefined);
      if (b) addPatch(b, deletePatch(b), false);
    }
    // The step's own hooks (gate, removal): they belong to this step only.
    if (hooks) resources.push(...chartObjects(hooks).filter((o) => o.kind !== 'Deployment' && o.kind !== 'Service'));
    const resourceFiles = addObjectFiles(out, dir, resources);
    out.add(`${dir}/kustomization.yaml`, kustomization(['../../base', ...resourceFiles], patches));
  };
  plan.phases.forEach((phase, i) => {
    overlay(phase.id, phase.state, phaseCharts[i]);
    if (rollbackCharts[i]) overlay(`${phase.id}-rollback`, phase.rollbackTo, rollbackCharts[i]);
  });
}
