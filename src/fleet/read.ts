/**
 * Reading a fleet: a `RouterFlavorMigrationFleet` file, or a folder of RouterFlavorMigration
 * specs that each name their Argo CD cluster (`spec.output.argocd.cluster`), optionally beside
 * one fleet file (its name, policies and more installations). Each installation becomes the
 * RouterFlavorMigration document a user would write for it alone, so its plan and files are
 * exactly what `synth` of that document writes.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError, InputProblem, formatPath, inputError } from '../spec/errors';
import { readInputFile } from '../spec/files';
import { parseYamlDocument, problemsFromZod, validateSpec } from '../spec/load';
import { DNS_LABEL, MigrationSpecInput } from '../spec/schema';
import { resolveSpec } from '../spec/resolve';
import { readSource } from '../spec/source/index';
import { ResolvedSpec } from '../spec/types';
import { BASE, FLEET_KIND, HOLD, FleetSpecInput, FleetSpecSchema, InstallationInput, RolloutStepInput } from './schema';

/** A fleet file may list thousands of installations. */
const MAX_FLEET_BYTES = 32 * 1024 * 1024;

/** Where an installation is declared: an entry of a fleet file, or a spec file of a folder. */
export type InstallationRef = { readonly kind: 'entry'; readonly file: string; readonly index: number } | { readonly kind: 'file'; readonly file: string };

/** A fleet as read: its name, target, rollout policy, and where each installation is declared. */
export interface FleetInput {
  readonly name: string;
  /** The fleet file, or the folder. */
  readonly origin: string;
  readonly steps?: readonly RolloutStepInput[];
  readonly installations: readonly InstallationRef[];
  /** The fleet files read, by path: workers take them as data instead of parsing them again. */
  readonly fleetFiles: Readonly<Record<string, FleetSpecInput>>;
}

const yamlFiles = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));

/** Whether `arg` names a fleet: a fleet file, or a folder holding one or specs that name their cluster. */
export function isFleetInput(arg: string): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(arg);
  } catch {
    return false;
  }
  // Cheap text tests first: most spec files are neither (`synth <folder>` of plain specs stays as fast).
  const mentionsFleet = (text: string) => text.includes(FLEET_KIND);
  if (stat.isFile()) {
    const text = safeRead(arg);
    return text !== undefined && mentionsFleet(text) && kindOf(text, arg) === FLEET_KIND;
  }
  if (!stat.isDirectory()) return false;
  return yamlFiles(arg).some((f) => {
    const text = safeRead(f);
    if (text === undefined) return false;
    if (mentionsFleet(text) && kindOf(text, f) === FLEET_KIND) return true;
    if (!/\bcluster\s*:/.test(text)) return false;
    const data = parseQuietly(text, f) as { spec?: { output?: { argocd?: { cluster?: unknown } } } } | undefined;
    return data?.spec?.output?.argocd?.cluster !== undefined;
  });
}

function safeRead(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function parseQuietly(text: string, file: string): unknown {
  try {
    return parseYamlDocument(text, file);
  } catch {
    return undefined;
  }
}

function kindOf(text: string, file: string): unknown {
  const data = parseQuietly(text, file);
  return data && typeof data === 'object' ? (data as { kind?: unknown }).kind : undefined;
}

/** Parses and validates a fleet file; problems name the file and the field path. */
export function readFleetFile(file: string): FleetSpecInput {
  const data = parseYamlDocument(readInputFile(file, file, MAX_FLEET_BYTES), file);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw inputError(file, `expected a ${FLEET_KIND} (apiVersion, kind, metadata, spec)`);
  }
  const parsed = FleetSpecSchema.safeParse(data);
  if (!parsed.success) {
    const installations = (data as { spec?: { installations?: unknown } }).spec?.installations;
    const nameAt = (problemPath: string) => {
      const i = /^spec\.installations\[(\d+)\]/.exec(problemPath)?.[1];
      const name = i !== undefined && Array.isArray(installations) ? (installations[Number(i)] as { name?: unknown } | undefined)?.name : undefined;
      return typeof name === 'string' ? ` (installation ${name})` : '';
    };
    throw new InputError(problemsFromZod(parsed.error, data, [], FleetSpecSchema).map((p) => ({ path: `${file}: ${p.path}${nameAt(p.path)}`, message: p.message })));
  }
  const fleet = parsed.data;
  const problems: InputProblem[] = [];
  if (fleet.spec.output?.argocd?.cluster !== undefined) {
    problems.push({ path: `${file}: spec.output.argocd.cluster`, message: "each installation's cluster is its own: set spec.installations[].cluster" });
  }
  if (fleet.spec.output?.argocd?.path !== undefined) {
    problems.push({
      path: `${file}: spec.output.argocd.path`,
      message: "each installation's folder is its own (default dist/<name>): set spec.installations[].overrides.output.argocd.path where it differs",
    });
  }
  (fleet.spec.installations ?? []).forEach((inst, i) => {
    if (inst.overrides?.output?.argocd?.cluster !== undefined) {
      problems.push({ path: `${file}: spec.installations[${i}].overrides.output.argocd.cluster`, message: `set spec.installations[${i}].cluster instead` });
    }
  });
  const names = new Set<string>();
  for (const step of fleet.spec.policies?.rollout?.steps ?? []) {
    if (names.has(step.name)) problems.push({ path: `${file}: spec.policies.rollout.steps`, message: `two steps are named "${step.name}"; names must be unique` });
    if (step.name === HOLD) problems.push({ path: `${file}: spec.policies.rollout.steps`, message: `the step name "${HOLD}" is reserved for held installations; choose another` });
    names.add(step.name);
  }
  if (problems.length) throw new InputError(problems);
  return fleet;
}

/** Reads a fleet file or folder: what to plan, not yet planned. */
export function readFleet(arg: string): FleetInput {
  if (!fs.statSync(arg).isDirectory()) {
    const fleet = readFleetFile(arg);
    const installations = fleet.spec.installations ?? [];
    if (installations.length === 0) throw inputError(`${arg}: spec.installations`, 'list at least one installation (name, cluster)');
    knownFleetFiles.set(arg, fleet);
    return {
      name: fleet.metadata.name,
      origin: arg,
      steps: fleet.spec.policies?.rollout?.steps,
      installations: installations.map((_, index) => ({ kind: 'entry', file: arg, index })),
      fleetFiles: { [arg]: fleet },
    };
  }
  const refs: InstallationRef[] = [];
  let fleetFile: string | undefined;
  let fleet: FleetSpecInput | undefined;
  for (const file of yamlFiles(arg)) {
    const text = readInputFile(file, file);
    if (text.includes(FLEET_KIND) && kindOf(text, file) === FLEET_KIND) {
      if (fleetFile) throw inputError(file, `a folder holds at most one ${FLEET_KIND}; ${fleetFile} is one too`);
      fleetFile = file;
      fleet = readFleetFile(file);
      knownFleetFiles.set(file, fleet);
      (fleet.spec.installations ?? []).forEach((_, index) => refs.push({ kind: 'entry', file, index }));
    } else {
      refs.push({ kind: 'file', file });
    }
  }
  if (refs.length === 0) throw inputError(arg, 'folder has no .yaml specs');
  const base = path.basename(path.resolve(arg));
  const name = fleet?.metadata.name ?? base;
  if (!fleet && (name.length > 63 || !DNS_LABEL.test(name))) {
    throw inputError(arg, `the folder's name "${base}" cannot name the fleet (a DNS-1123 label); add a ${FLEET_KIND} file with metadata.name`);
  }
  return { name, origin: arg, steps: fleet?.spec.policies?.rollout?.steps, installations: refs, fleetFiles: fleet && fleetFile ? { [fleetFile]: fleet } : {} };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `overrides` over `shared`: maps merge, anything else replaces (a `null` inside a map is a value, as in a spec). */
function mergeOver(shared: Obj, overrides: Obj): Obj {
  const out: Obj = { ...shared };
  for (const [k, v] of Object.entries(overrides)) out[k] = isObj(v) && isObj(out[k]) ? mergeOver(out[k] as Obj, v) : v;
  return out;
}

/** An installation's overrides over the fleet's shared fields; a top-level `null` removes the shared field. */
function overridden(shared: Obj, overrides: Obj): Obj {
  const kept = Object.fromEntries(Object.entries(shared).filter(([k]) => overrides[k] !== null));
  return mergeOver(kept, Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== null)));
}

const hasPath = (data: unknown, keys: readonly string[]): boolean => {
  let cur = data;
  for (const k of keys) {
    if (!isObj(cur) || !(k in cur)) return false;
    cur = cur[k];
  }
  return true;
};

/** An installation of a fleet file as the RouterFlavorMigration document a user would write for it alone. */
export function installationDocument(fleet: FleetSpecInput, inst: InstallationInput): MigrationSpecInput {
  const { policies: _policies, installations: _installations, ...shared } = fleet.spec;
  const body = overridden(shared as Obj, (inst.overrides ?? {}) as Obj);
  const output = mergeOver((body.output as Obj | undefined) ?? {}, { argocd: { cluster: inst.cluster } });
  return {
    apiVersion: 'kong-flavor-migrator/v1alpha1',
    kind: 'RouterFlavorMigration',
    metadata: { name: inst.name, ...(inst.labels && Object.keys(inst.labels).length ? { labels: inst.labels } : {}) },
    spec: { ...body, ...(inst.source ? { source: inst.source } : {}), output } as MigrationSpecInput['spec'],
  };
}

/** An installation resolved: its spec, and what the fleet needs to place it. */
export interface ReadInstallation {
  readonly spec: ResolvedSpec;
  readonly cluster: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hold: boolean;
  /** A held installation's overlay id (`00-base`, a phase, a phase's rollback), checked against its plan later. */
  readonly holdAt?: string;
  /** Where it is declared, for messages: `fleet.yaml: spec.installations[3]` or a spec file. */
  readonly origin: string;
}

/** Fleet files already read (and validated) in this thread, by path. */
const knownFleetFiles = new Map<string, FleetSpecInput>();

/** Hands a worker thread the fleet files the main thread read, so it need not parse them again. */
export function knowFleetFiles(files: Readonly<Record<string, FleetSpecInput>>): void {
  for (const [file, fleet] of Object.entries(files)) knownFleetFiles.set(file, fleet);
}

/** A fleet file read once per thread; a fleet's installations share it. */
function cachedFleetFile(file: string): FleetSpecInput {
  let fleet = knownFleetFiles.get(file);
  if (!fleet) {
    fleet = readFleetFile(file);
    knownFleetFiles.set(file, fleet);
  }
  return fleet;
}

/**
 * Resolves one installation as `synth` of its own document would (same validation, same
 * source reading, same defaults). Problems name the installation and where its field was
 * written: its own entry, or the fleet's shared fields.
 */
export function readInstallation(ref: InstallationRef): ReadInstallation {
  if (ref.kind === 'file') {
    try {
      const input = validateSpec(parseYamlDocument(readInputFile(ref.file, ref.file), ref.file), ref.file);
      const cluster = input.spec.output?.argocd?.cluster;
      if (cluster === undefined) {
        throw inputError('spec.output.argocd.cluster', 'required in a fleet: the Argo CD cluster (name or API server URL) this installation runs in');
      }
      const spec = resolveSpec(input, input.spec.source ? readSource(input, path.dirname(ref.file)) : {});
      return { spec, cluster, labels: input.metadata.labels ?? {}, hold: false, origin: ref.file };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      throw new InputError(e.problems.map((p) => ({ path: p.path.startsWith(ref.file) ? p.path : `${ref.file}: ${p.path}`, message: p.message })));
    }
  }
  const fleet = cachedFleetFile(ref.file);
  const inst = fleet.spec.installations![ref.index];
  const at = `spec.installations[${ref.index}]`;
  const doc = installationDocument(fleet, inst);
  try {
    const input = validateSpec(doc, ref.file);
    const spec = resolveSpec(input, input.spec.source ? readSource(input, path.dirname(ref.file)) : {});
    const holdAt = inst.hold === true ? BASE : inst.hold ? inst.hold.at : undefined;
    return { spec, cluster: inst.cluster, labels: inst.labels ?? {}, hold: holdAt !== undefined, ...(holdAt ? { holdAt } : {}), origin: `${ref.file}: ${at}` };
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError(e.problems.map((p) => ({ path: `${ref.file}: ${whereWritten(p.path, inst, at)} (installation ${inst.name})`, message: p.message })));
  }
}

/** The fleet-file path of a problem found in an installation's document. */
function whereWritten(problemPath: string, inst: InstallationInput, at: string): string {
  const keys = problemPath.split(/[.[\]]+/).filter(Boolean);
  if (keys[0] !== 'spec') return problemPath ? `${at}: ${problemPath}` : at;
  const rest = keys.slice(1);
  if (rest[0] === 'source') return `${at}.${formatPath(rest)}`;
  if (inst.overrides && hasPath(inst.overrides, rest.filter((k) => !/^\d+$/.test(k)))) return `${at}.overrides${problemPath.slice('spec'.length)}`;
  return problemPath;
}
