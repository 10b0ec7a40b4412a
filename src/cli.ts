/**
 * kong-flavor: plan, verify and synthesize a Kong router flavor migration.
 *
 * Exit codes (DESIGN.md): 0 success; 2 invalid input; 3 no plan without downtime;
 * 4 the verifier found a violation; 1 anything else.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command, CommanderError } from 'commander';
import { PlanRefusedError, UnsafePlanError } from './errors';
import { formatPlan, formatRefusal, formatVerdict } from './render/terminal';
import { Colours, coloursFor, plain } from './render/colours';
import { planJson } from './render/planJson';
import { InputError } from './spec/errors';
import { readStdinBounded } from './spec/files';
import { loadSpec } from './spec/load';
import { SpecFlags, hasSpecFlags, printableSpec, specFromFlags } from './spec/flags';
import { MAX_MANIFEST_BYTES } from './spec/source/manifests';
import { Verdict } from './plan/types';
import { synthFleet } from './fleet';
import { formatRouteTable, specRouteReport } from './routes';
import { formatFleetSummary, isFleetInput, placeholderWarning, planFleet, synthesizeFleet } from './fleet/index';
import { verifiedPlan, verifyNaiveSpec } from './verification';
import { version } from '../package.json';

export const EXIT = { ok: 0, other: 1, input: 2, noPlan: 3, unsafe: 4 } as const;

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Standard input, read whole (for `-f -`). */
  stdin?: () => string;
  /** Colours for `out`; default plain (the executable passes its stdout's, src/render/colours.ts). */
  colours?: Colours;
}

/** The process's own streams, coloured as its stdout allows. */
const processIo = (): Io => ({ out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), colours: coloursFor(process.stdout) });

/** `-f` and the other flags that describe an installation without a spec file (src/spec/flags.ts). */
function withSpecFlags(cmd: Command): Command {
  const many = (v: string, prev: string[]) => [...prev, v];
  return cmd
    .option('--to <flavor>', 'without a spec file: the target flavor (traditional, traditional_compatible, expressions)')
    .option('-f, --filename <path>', 'without a spec file: manifests (a file, a folder, or - for standard input); repeatable', many, [])
    .option('--values <file>', 'without a spec file: values of a Helm release (repeatable, merged in order)', many, [])
    .option('--chart <chart>', 'with --values: kong or ingress')
    .option('--release <name>', 'with --values: the release name')
    .option('--chart-version <version>', 'with --values: the chart version the release runs (helm list)')
    .option('--namespace <ns>', 'without a spec file: the namespace (default: from the source, else kong)')
    .option('--from <flavor>', 'without a spec file: the current flavor (default: from the source)')
    .option('--strategy <strategy>', 'without a spec file: auto, rolling, blue-green or maintenance')
    .option('--allow-downtime', 'without a spec file: allow a maintenance window')
    .option('--name <name>', 'without a spec file: the plan name (default: the release, else kong)')
    .option('--print-spec', 'print the spec the flags resolve to (to commit), instead of the plan');
}

/** Reads all of standard input, refusing more than a manifests file may hold. */
function readStdin(): string {
  return readStdinBounded('-f', MAX_MANIFEST_BYTES);
}

/** The spec of a command: a spec file, or the flags (never both). Prints it and returns undefined for --print-spec. */
function specOf(file: string | undefined, opts: SpecFlags & { printSpec?: boolean }, io: Io): ReturnType<typeof loadSpec> | undefined {
  const flags = hasSpecFlags(opts);
  if (file !== undefined && flags) throw new InputError({ path: file, message: 'give a spec file or flags such as --to and -f, not both' });
  if (file !== undefined) {
    if (opts.printSpec) throw new InputError({ path: '--print-spec', message: 'prints the spec that flags resolve to; a spec file is already one' });
    return loadSpec(file);
  }
  if (!flags) throw new InputError({ path: '<spec>', message: 'give a spec file, or flags: kong-flavor plan --to expressions -f kong.yaml' });
  const { data, spec } = specFromFlags(opts, process.cwd(), io.stdin ?? readStdin);
  if (opts.printSpec) {
    io.out(printableSpec(data, spec));
    return undefined;
  }
  return spec;
}

/** Spec files named on the command line: files as given, folders expanded to their `*.yaml`/`*.yml`. */
function specFiles(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(arg);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      const inside = fs
        .readdirSync(arg)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(arg, f));
      if (inside.length === 0) throw new InputError({ path: arg, message: 'folder has no .yaml specs' });
      files.push(...inside);
    } else {
      files.push(arg);
    }
  }
  return files;
}

/** The verdict on the plan `synth` would write: the verified plan's, or the rejection of the first one. */
function planVerdict(spec: ReturnType<typeof loadSpec>): Verdict {
  try {
    return verifiedPlan(spec).verification!;
  } catch (e) {
    if (e instanceof UnsafePlanError) return e.verdict;
    throw e;
  }
}

/** One line of a message: control characters (a terminal's escapes among them) and line breaks escaped. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => JSON.stringify(c).slice(1, -1).replace(/^[^\\]/, `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

function toExitCode(e: unknown, io: Io): number {
  if (e instanceof InputError) {
    io.err(`error: invalid input\n${e.problems.map((p) => `  ${oneLine(p.path ? `${p.path}: ` : '')}${oneLine(p.message)}`).join('\n')}\n`);
    return EXIT.input;
  }
  if (e instanceof PlanRefusedError) {
    io.err(formatRefusal(e.refusal));
    return EXIT.noPlan;
  }
  if (e instanceof UnsafePlanError) {
    io.err(`error: ${e.message}\n`);
    return EXIT.unsafe;
  }
  io.err(`error: ${(e as Error)?.message ?? String(e)}\n`);
  return EXIT.other;
}

/** Runs the CLI with `argv` (without `node` and the script); resolves to the exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const colours = io.colours ?? plain;
  let code: number = EXIT.ok;
  const program = new Command('kong-flavor')
    .description('Plan, verify and stage a Kong Gateway router flavor change on Kubernetes without an outage.')
    .version(version, '-V, --version', 'print the version of kong-flavor-migrator')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showSuggestionAfterError(true);

  withSpecFlags(
    program
      .command('plan')
      .description('print the plan for a migration spec, or for an installation given as flags (a table, or JSON with --json)')
      .argument('[spec]', 'migration spec (YAML); or flags: --to expressions -f kong.yaml')
      .option('--json', 'print plan.json (for a fleet, its summary) instead of a table'),
  ).action(async (file: string | undefined, opts: SpecFlags & { json?: boolean; printSpec?: boolean }) => {
      // A fleet: a RouterFlavorMigrationFleet file or a folder of specs (src/fleet).
      if (file !== undefined && isFleetInput(file)) {
        const { summary } = await planFleet(file, { entry: require.main?.filename });
        io.out(opts.json ? JSON.stringify(summary, null, 2) + '\n' : formatFleetSummary(summary, colours));
        // Every installation is reported; the exit code says whether all of them can go.
        if (summary.refused.some((r) => r.status === 'refused')) code = EXIT.noPlan;
        else if (summary.refused.length) code = EXIT.unsafe;
        return;
      }
      const spec = specOf(file, opts, io);
      if (!spec) return;
      const plan = verifiedPlan(spec);
      io.out(opts.json ? planJson(plan) : formatPlan(plan, colours));
    });

  withSpecFlags(
    program
      .command('verify')
      .description('model-check the plan (or, with --naive, the in-place edit a user would make) over every interleaving')
      .argument('[spec]', 'migration spec (YAML); or flags: --to expressions -f kong.yaml')
      .option('--json', 'print the verdict as JSON')
      .option('--naive', 'verify the one-step edit of KONG_ROUTER_FLAVOR instead of the plan'),
  ).action((file: string | undefined, opts: SpecFlags & { json?: boolean; naive?: boolean; printSpec?: boolean }) => {
      if (file !== undefined && isFleetInput(file)) {
        throw new InputError({ path: file, message: 'verify takes one spec; `kong-flavor plan <fleet>` plans and verifies every installation of a fleet' });
      }
      const spec = specOf(file, opts, io);
      if (!spec) return;
      const verdict = opts.naive ? verifyNaiveSpec(spec) : planVerdict(spec);
      io.out(opts.json ? JSON.stringify(verdict, null, 2) + '\n' : formatVerdict(verdict, opts.naive ? 'the naive edit' : `the plan for ${spec.name}`, colours));
      if (!verdict.safe) code = EXIT.unsafe;
    });

  program
    .command('routes')
    .description('the route-semantics report: routes the target flavor refuses, matches differently or drops settings of, with example requests (ROUTES.md)')
    .argument('<spec>', 'migration spec (YAML) with spec.source.manifests or spec.source.routes')
    .option('--json', 'print the report as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const report = specRouteReport(loadSpec(file));
      io.out(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatRouteTable(report, colours));
    });

  program
    .command('synth')
    .description('write plan.json, per-phase manifests, Helm values, Kustomize overlays, Argo CD Applications and RUNBOOK.md')
    .argument('<specs...>', 'migration specs (YAML files or folders of them)')
    .option('--out <dir>', 'output folder', 'dist')
    .option('--force', 'replace output folders an earlier synth wrote')
    .option('--quiet', 'print nothing on success')
    .option('--jobs <n>', 'worker threads for many specs (default: cores - 1 from 4 cores on; on 2-3 cores, 2 from 200 specs on, else 1)')
    .action(async (args: string[], opts: { out: string; force?: boolean; quiet?: boolean; jobs?: string }) => {
      const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
      if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) {
        throw new InputError({ path: '--jobs', message: `"${opts.jobs}" is not a number of threads from 1 to 64` });
      }
      const fleet = args.find((a) => isFleetInput(a));
      if (fleet && args.length > 1) throw new InputError({ path: fleet, message: 'a fleet is synthesized on its own: give it as the only argument' });
      if (fleet) {
        const { plan, written } = await synthesizeFleet(fleet, { out: opts.out, force: opts.force, entry: require.main?.filename, jobs });
        if (!opts.quiet) for (const w of written) io.out(`wrote ${w.target}/ (${w.files} files)\n`);
        const refused = plan.summary.refused;
        if (refused.length) io.err(`warning: ${refused.length} installation${refused.length === 1 ? ' has' : 's have'} no plan and no output (see FLEET.md): ${refused.map((r) => r.name).join(', ')}\n`);
        const placeholder = placeholderWarning(plan.summary);
        if (placeholder) io.err(`${placeholder}\n`);
        return;
      }
      // Everything is planned, verified and rendered before anything is moved into place.
      const written = await synthFleet(specFiles(args), { out: opts.out, force: opts.force, entry: require.main?.filename, jobs });
      if (!opts.quiet) for (const w of written) io.out(`wrote ${w.target}/ (${w.files} files)\n`);
    });

  try {
    await program.parseAsync(argv as string[], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return EXIT.ok;
      return EXIT.input;
    }
    return toExitCode(e, io);
  }
  return code;
}
