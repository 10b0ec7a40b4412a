import { Chart } from 'cdk8s';
import { KubeObject } from '../spec/types';
import { SYNC_WAVE } from '../constructs/syncWave';
import { OutputFiles } from './files';
import { toYaml } from './yaml';

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

/** The objects of a chart, resolved to JSON. */
export function chartObjects(chart: Chart): KubeObject[] {
  return chart.toJson() as KubeObject[];
}

/** File name of an object in a folder: its place in apply order, kind and name (`02-deployment-proxy-kong.yaml`). */
export function objectFileName(index: number, obj: KubeObject): string {
  return `${String(index + 1).padStart(2, '0')}-${obj.kind.toLowerCase()}-${obj.metadata.name}.yaml`;
}

/** Writes objects into a folder, one file each, named in apply order. */
export function addObjectFiles(out: OutputFiles, folder: string, objs: readonly KubeObject[]): void {
  sortObjects(objs).forEach((obj, i) => out.add(`${folder}/${objectFileName(i, obj)}`, toYaml(obj)));
}
