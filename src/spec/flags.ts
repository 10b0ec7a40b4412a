/**
 * A spec from command-line flags, as `kubectl -f` works: `kong-flavor plan --to expressions
 * -f kong.yaml` (files, folders or `-` for standard input, repeatable) or `--values FILE --chart
 * ingress --release kong --chart-version V` for a Helm release. The flags build the spec a file
 * would hold, which then goes through the same validation and resolution; `--print-spec` prints
 * it so it can be committed.
 */
import * as YAML from 'yaml';
import { InputError, InputProblem } from './errors';
import { problemsFromZod } from './load';
import { resolveSpec } from './resolve';
import { MigrationSpecSchema } from './schema';
import { readSource } from './source/index';
import { STDIN } from './source/manifests';
import { ResolvedSpec } from './types';

/** The flags that describe an installation without a spec file. */
export interface SpecFlags {
  readonly to?: string;
  readonly from?: string;
  readonly strategy?: string;
  readonly allowDowntime?: boolean;
  readonly namespace?: string;
  readonly name?: string;
  /** `-f`: manifests files, folders, or `-` (standard input). */
  readonly filename?: readonly string[];
  /** `--values`: chart values files (merged in order). */
  readonly values?: readonly string[];
  readonly chart?: string;
  readonly release?: string;
  readonly chartVersion?: string;
}

/** Whether any flag that describes an installation was given. */
export const hasSpecFlags = (f: SpecFlags): boolean =>
  [f.to, f.from, f.strategy, f.allowDowntime, f.namespace, f.name, f.chart, f.release, f.chartVersion].some((x) => x !== undefined) ||
  (f.filename?.length ?? 0) > 0 ||
  (f.values?.length ?? 0) > 0;

/** Spec fields and the flags that set them, for messages. */
const FLAG_OF: readonly [string, string][] = [
  ['spec.source.helm.values', '--values'],
  ['spec.source.helm.chart', '--chart'],
  ['spec.source.helm.release', '--release'],
  ['spec.source.helm.version', '--chart-version'],
  ['spec.source.helm.namespace', '--namespace'],
  ['spec.source.manifests', '-f'],
  ['spec.allowDowntime', '--allow-downtime'],
  ['spec.strategy', '--strategy'],
  ['spec.namespace', '--namespace'],
  ['spec.from', '--from'],
  ['spec.to', '--to'],
  ['metadata.name', '--name'],
];

/** A problem at a spec field, told as the flag that sets it. */
function asFlag(p: InputProblem): InputProblem {
  const hit = FLAG_OF.find(([field]) => p.path === field || p.path.startsWith(`${field}.`) || p.path.startsWith(`${field}[`));
  return hit ? { ...p, path: hit[1] } : p;
}

/** The spec (as a file would hold it) the flags describe. */
export function specDataFromFlags(f: SpecFlags): Record<string, unknown> {
  const problems: InputProblem[] = [];
  const files = f.filename ?? [];
  const values = f.values ?? [];
  const helm = values.length > 0 || f.chart !== undefined || f.release !== undefined || f.chartVersion !== undefined;
  if (f.to === undefined) problems.push({ path: '--to', message: 'required without a spec file: one of traditional, traditional_compatible, expressions' });
  if (files.length > 0 && helm) problems.push({ path: '-f', message: 'give manifests (-f) or a Helm release (--values, --chart, --release, --chart-version), not both' });
  if (files.length === 0 && !helm) problems.push({ path: '-f', message: 'required without a spec file: the manifests (-f kong.yaml, -f DIR, or -f - for standard input), or a Helm release (--values FILE --chart ingress --release kong --chart-version V)' });
  if (helm && (f.chart === undefined || f.release === undefined)) problems.push({ path: f.chart === undefined ? '--chart' : '--release', message: 'a Helm release needs --chart (kong or ingress) and --release' });
  if (files.filter((x) => x === '-').length > 1) problems.push({ path: '-f', message: '"-" (standard input) can be given once' });
  if (problems.length > 0) throw new InputError(problems);
  const source = helm
    ? {
        helm: {
          chart: f.chart,
          release: f.release,
          ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
          ...(values.length === 1 ? { values: values[0] } : values.length > 1 ? { values } : {}),
          ...(f.chartVersion !== undefined ? { version: f.chartVersion } : {}),
        },
      }
    : { manifests: files.length === 1 ? files[0] : files };
  return {
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: f.name ?? (helm ? f.release : 'kong') },
    spec: {
      to: f.to,
      ...(f.from !== undefined ? { from: f.from } : {}),
      ...(f.strategy !== undefined ? { strategy: f.strategy } : {}),
      ...(f.allowDowntime ? { allowDowntime: true } : {}),
      ...(f.namespace !== undefined && !helm ? { namespace: f.namespace } : {}),
      source,
    },
  };
}

/** Resolves the spec the flags describe, reading sources relative to `cwd`. */
export function specFromFlags(f: SpecFlags, cwd: string, stdin: () => string): { data: Record<string, unknown>; spec: ResolvedSpec } {
  const data = specDataFromFlags(f);
  const parsed = MigrationSpecSchema.safeParse(data);
  if (!parsed.success) throw new InputError(problemsFromZod(parsed.error, data).map(asFlag));
  try {
    const facts = readSource(parsed.data, cwd, stdin);
    return { data, spec: resolveSpec(parsed.data, facts) };
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.problems.map(asFlag));
    throw e;
  }
}

/**
 * The spec to commit: what the flags said, and as comments what was read from the source.
 * Standard input cannot be referenced from a file: the spec names `kong.yaml` and says to save
 * the input there.
 */
export function printableSpec(data: Record<string, unknown>, spec: ResolvedSpec): string {
  const source = (data.spec as { source: { manifests?: string | string[] } }).source;
  const fromStdin = source.manifests !== undefined && ([] as string[]).concat(source.manifests).includes('-');
  if (fromStdin) {
    const list = ([] as string[]).concat(source.manifests!).map((m) => (m === '-' ? 'kong.yaml' : m));
    source.manifests = list.length === 1 ? list[0] : list;
  }
  const doc = new YAML.Document(data);
  const read = [
    `from ${spec.from}`,
    `namespace ${spec.namespace}`,
    `${spec.topology} topology`,
    `database ${spec.database}`,
    `gateway ${spec.gateway.deployment} (${spec.gateway.image}, ${spec.gateway.replicas} replicas)`,
    ...(spec.controller ? [`controller ${spec.controller.deployment} (${spec.controller.image})`] : []),
    ...(spec.gateway.sidecar ? [`controller in the gateway pod (${spec.gateway.sidecar.image})`] : []),
  ];
  doc.commentBefore = [
    ' Written by kong-flavor --print-spec; paths are relative to the folder it ran in.',
    ...(fromStdin ? [` The manifests came from ${STDIN}: save them as kong.yaml next to this spec.`] : []),
    ` Read from the source: ${read.join(', ')}.`,
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
