/**
 * Planning, verifying and (for `synth`) rendering every installation of a fleet, in worker
 * threads when there are many: each worker reads its share of the installations itself (the
 * fleet file or the spec files), so only small outcomes cross back. Rendered installations go
 * into a staging folder; nothing is moved into place here.
 */
import * as path from 'path';
import { Worker, isMainThread, parentPort, workerData } from 'worker_threads';
import { WORKER_THRESHOLD, defaultJobs } from '../fleet';
import { BackgroundWriter } from '../render/BackgroundWriter';
import { writeTree } from '../render/write';
import { InputError, InputProblem } from '../spec/errors';
import { synthesize } from '../synth';
import { InstallationOutcome, judgeInstallation } from './judge';
import { InstallationRef, knowFleetFiles } from './read';
import { FleetSpecInput } from './schema';

/** What happened to one installation, as it crosses from a worker. */
type Staged = { readonly index: number; readonly outcome: InstallationOutcome; readonly files: number } | { readonly index: number; readonly problems?: readonly InputProblem[]; readonly message?: string };

interface Job {
  readonly refs: readonly { readonly index: number; readonly ref: InstallationRef }[];
  /** Where to render each planned installation (`<staging>/<name>/`); absent: plan only. */
  readonly staging?: string;
  /** Fleet files already parsed, by path. */
  readonly fleetFiles?: Readonly<Record<string, FleetSpecInput>>;
}

function failure(index: number, e: unknown): Staged {
  if (e instanceof InputError) return { index, problems: e.problems };
  return { index, message: (e as Error)?.message ?? String(e) };
}

/** Judges one installation and, when asked and it has a plan, renders it as `synth` of its spec alone would. */
function stageOne(index: number, ref: InstallationRef, render: ((name: string, files: ReturnType<typeof synthesize>['files']) => void | Promise<void>) | undefined): Staged | Promise<Staged> {
  try {
    const { outcome, spec, plan } = judgeInstallation(ref);
    if (!render || !plan) return { index, outcome, files: 0 };
    const { files } = synthesize(spec, plan);
    const done = render(outcome.name, files);
    const staged: Staged = { index, outcome, files: files.size };
    return done instanceof Promise ? done.then(() => staged, (e) => failure(index, e)) : staged;
  } catch (e) {
    return failure(index, e);
  }
}

function runJob(job: Job): Staged[] {
  knowFleetFiles(job.fleetFiles ?? {});
  const render = job.staging ? (name: string, files: ReturnType<typeof synthesize>['files']) => writeTree(path.join(job.staging!, name), files) : undefined;
  return job.refs.map(({ index, ref }) => stageOne(index, ref, render) as Staged);
}

/** Runs in a worker thread started by `stageFleet` (the CLI bundle re-enters here). */
export function runFleetPlanWorker(): boolean {
  const job = !isMainThread && (workerData as { kongFlavorFleetPlan?: Job } | undefined)?.kongFlavorFleetPlan;
  if (!job) return false;
  parentPort!.postMessage(runJob(job));
  return true;
}

/** In this thread; with many installations to render, a second thread writes the files. */
async function stageHere(job: Job): Promise<Staged[]> {
  if (!job.staging || job.refs.length < WORKER_THRESHOLD) return runJob(job);
  knowFleetFiles(job.fleetFiles ?? {});
  const writer = new BackgroundWriter();
  const out: Staged[] = [];
  try {
    for (const { index, ref } of job.refs) {
      const staged = await stageOne(index, ref, (name, files) => writer.write(path.join(job.staging!, name), files));
      out.push(staged);
      if ('message' in staged && staged.message !== undefined) break;
    }
  } finally {
    await writer.close();
  }
  return out;
}

function stageInWorkers(job: Job, entry: string, jobs: number): Promise<Staged[]> {
  const n = Math.max(1, Math.min(jobs, Math.ceil(job.refs.length / WORKER_THRESHOLD)));
  const shares: Job['refs'][number][][] = Array.from({ length: n }, () => []);
  job.refs.forEach((r, i) => shares[i % n].push(r));
  return Promise.all(
    shares.map(
      (refs) =>
        new Promise<Staged[]>((resolve, reject) => {
          const worker = new Worker(entry, { workerData: { kongFlavorFleetPlan: { refs, staging: job.staging, fleetFiles: job.fleetFiles } } });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`fleet worker exited with ${code}`)));
        }),
    ),
  ).then((parts) => parts.flat());
}

export interface StageOptions {
  /** Render planned installations into `<staging>/<name>/`. @default plan only */
  readonly staging?: string;
  /** The running script, to start workers from (only a compiled `.js` entry can). @default this thread */
  readonly entry?: string;
  /** Worker threads. @default `defaultJobs(installations)` */
  readonly jobs?: number;
  /** Fleet files the caller already read, by path (workers take them as data). */
  readonly fleetFiles?: Readonly<Record<string, FleetSpecInput>>;
}

/**
 * Plans and verifies every installation (and renders the planned ones when `staging` is given).
 * Returns the outcomes in fleet order, with the number of files rendered for each; throws `InputError` listing the problems of every
 * installation with bad input (each names the installation).
 */
export async function stageFleet(refs: readonly InstallationRef[], options: StageOptions = {}): Promise<{ outcomes: InstallationOutcome[]; files: number[] }> {
  const job: Job = { refs: refs.map((ref, index) => ({ index, ref })), staging: options.staging, fleetFiles: options.fleetFiles };
  const jobs = options.jobs ?? defaultJobs(refs.length);
  const useWorkers = jobs > 1 && options.entry?.endsWith('.js') && refs.length >= WORKER_THRESHOLD;
  const staged = (useWorkers ? await stageInWorkers(job, options.entry!, jobs) : await stageHere(job)).sort((a, b) => a.index - b.index);
  const problems = staged.flatMap((s) => ('problems' in s && s.problems ? s.problems : []));
  if (problems.length) throw new InputError(problems);
  const other = staged.find((s) => 'message' in s && s.message !== undefined);
  if (other && 'message' in other) throw new Error(other.message);
  const outcomes = staged.map((s) => (s as Extract<Staged, { outcome: unknown }>).outcome);
  return { outcomes, files: staged.map((s) => ('files' in s ? s.files : 0)) };
}
