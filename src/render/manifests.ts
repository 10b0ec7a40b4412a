import { Chart } from 'cdk8s';
import { KubeObject } from '../spec/types';
import { SYNC_WAVE } from '../constructs/syncWave';
import { OutputFiles } from './files';
import { toYamlStream } from './yaml';

/** Apply order within a wave: RBAC before the Jobs that use it, Services before the pods they select. */
const KIND_ORDER = ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'ConfigMap', 'Service', 'Deployment', 'Job', 'Application'];

const waveOf = (o: KubeObject) => Number(o.metadata.annotations?.[SYNC_WAVE] ?? 0);
const kindRank = (o: KubeObject) => {
  const i = KIND_ORDER.indexOf(o.kind);
  return i < 0 ? KIND_ORDER.length : i;
};

/** Objects in apply order: by sync wave, then kind, then name. */
export function sortObjects(objs: readonly KubeObject[]): KubeObject[] {
  return [...objs].sort(
    (a, b) => waveOf(a) - waveOf(b) || kindRank(a) - kindRank(b) || a.metadata.name.localeCompare(b.metadata.name),
  );
}

const synthesized = new WeakMap<Chart, KubeObject[]>();

/** The objects of a chart, resolved to JSON (once per chart: several outputs reuse them). */
export function chartObjects(chart: Chart): KubeObject[] {
  let objs = synthesized.get(chart);
  if (!objs) {
    objs = chart.toJson() as KubeObject[];
    synthesized.set(chart, objs);
  }
  return objs;
}

/** Kinds a hook Job brings along with it (its own ServiceAccount and RBAC). */
const HOOK_KINDS = ['ServiceAccount', 'Role', 'RoleBinding', 'Job'];

/**
 * A kind or name as a file-name part: characters other than letters, digits, `.`, `_` and `-`
 * become `_` (a source's ClusterRole may be named `system:kong`; nothing may reach a path).
 */
export function fileNamePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
}

/** File name of an object in a folder: its place in apply order, kind and name (`02-deployment-proxy-kong.yaml`). */
export function objectFileName(index: number, obj: KubeObject): string {
  return `${String(index + 1).padStart(2, '0')}-${fileNamePart(obj.kind.toLowerCase())}-${fileNamePart(obj.metadata.name)}.yaml`;
}

/**
 * Groups objects for files: each on its own, except a hook Job, which shares its file with the
 * ServiceAccount, Role and RoleBinding of the same name (in that order).
 */
export function fileGroups(objs: readonly KubeObject[]): KubeObject[][] {
  const groups: KubeObject[][] = [];
  const hooks = new Map<string, KubeObject[]>();
  for (const obj of sortObjects(objs)) {
    const isHookPart = HOOK_KINDS.includes(obj.kind) && objs.some((o) => o.kind === 'Job' && o.metadata.name === obj.metadata.name);
    if (!isHookPart) {
      groups.push([obj]);
      continue;
    }
    let group = hooks.get(obj.metadata.name);
    if (!group) {
      group = [];
      hooks.set(obj.metadata.name, group);
      groups.push(group);
    }
    group.push(obj);
  }
  return groups;
}

/** File name of a group: named after its main object (the Job of a hook). */
function groupFileName(index: number, group: readonly KubeObject[]): string {
  return objectFileName(index, group.find((o) => o.kind === 'Job') ?? group[0]);
}

/** Writes objects into a folder, one file per object (a hook with its RBAC), named in apply order. */
export function addObjectFiles(out: OutputFiles, folder: string, objs: readonly KubeObject[]): string[] {
  return fileGroups(objs).map((group, i) => {
    const name = groupFileName(i, group);
    out.add(`${folder}/${name}`, toYamlStream(group));
    return name;
  });
}
