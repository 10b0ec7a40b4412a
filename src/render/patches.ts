/**
 * Patch files (specs without `source`): `<folder>/patches/NN-<kind>-<name>.yaml`, one
 * strategic-merge patch each, in the order `kubectl patch` applies them (Services first). The
 * RUNBOOK's commands apply them; `kubectl apply -f <folder>/` does not read the subfolder.
 */
import { KubeObject } from '../spec/types';
import { shellQuote } from '../constructs/shell';
import { OutputFiles } from './files';
import { objectFileName } from './manifests';
import { toYaml } from './yaml';

/** Where a folder's patches go, in order. */
export function patchFiles(folder: string, patches: readonly KubeObject[]): { path: string; patch: KubeObject }[] {
  return patches.map((patch, i) => ({ path: `${folder}/patches/${objectFileName(i, patch)}`, patch }));
}

export function addPatchFiles(out: OutputFiles, folder: string, patches: readonly KubeObject[]): void {
  for (const f of patchFiles(folder, patches)) out.add(f.path, toYaml(f.patch));
}

/** `kubectl patch` of each patch file of a folder (paths relative to `dist/<name>/`). */
export function patchCommands(namespace: string, folder: string, patches: readonly KubeObject[]): string[] {
  return patchFiles(folder, patches).map(
    (f) => `kubectl -n ${shellQuote(namespace)} patch ${f.patch.kind.toLowerCase()} ${shellQuote(f.patch.metadata.name)} --type strategic --patch-file ${f.path}`,
  );
}
