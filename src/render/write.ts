/**
 * Writing the output so that a failure, a fault or a kill never loses or half-writes anything:
 * every tree is written into a staging folder beside the output, and moved into place only
 * when all are complete. A replaced folder is kept in the staging folder until its successor
 * is in place, and put back if the move fails; a staging folder left by a killed run is
 * recovered (replaced folders put back) and removed by the next run. Folders are created only
 * on success, and a run removes only what it created.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../spec/errors';
import { OutputFiles } from './files';

/** Marker file that says a folder was written by this tool (so `--force` may replace it). */
export const MARKER = '.kong-flavor-migrator';
export const MARKER_TEXT = 'Written by kong-flavor synth; `--force` may replace this folder.\n';

/** Staging folders are named `.kong-flavor-staging-<pid>-<random>`; they hold a `STAGING_NOTE`. */
const STAGING_PREFIX = '.kong-flavor-staging-';
const STAGING_NOTE = '.staging.json';
/** Inside a staging folder: a folder moved aside while its successor moves into place. */
const REPLACED_PREFIX = '.replaced-';

export interface WriteOptions {
  /** Replace an existing folder this tool wrote. @default false */
  readonly force?: boolean;
}

/** Throws unless `file` resolves inside `dir` (the last wall against a path from the input). */
function checkInside(dir: string, file: string): void {
  const rel = path.relative(path.resolve(dir), path.resolve(file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`internal: refusing to write ${JSON.stringify(file)} outside ${dir}`);
  }
}

/** Writes `files` into a new folder `dir` (which must not exist), with the marker file. */
export function writeTree(dir: string, files: OutputFiles): void {
  fs.mkdirSync(dir, { recursive: true });
  const made = new Set<string>([dir]);
  for (const rel of files.paths()) {
    const file = path.join(dir, rel);
    checkInside(dir, file);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(file, files.get(rel)!);
  }
  fs.writeFileSync(path.join(dir, MARKER), MARKER_TEXT);
}

/** The nearest folder at or above `dir` that exists. */
function nearestExisting(dir: string): string {
  let cur = path.resolve(dir);
  while (!fs.existsSync(cur)) {
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  return cur;
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Recovers and removes staging folders in `dir` left by runs that no longer exist: a folder
 * moved aside for replacement goes back where it was if nothing took its place.
 */
export function recoverStaleStaging(dir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(entry.slice(STAGING_PREFIX.length).split('-')[0]);
    if (pid === process.pid || isAlive(pid)) continue;
    const staging = path.join(dir, entry);
    try {
      const note = JSON.parse(fs.readFileSync(path.join(staging, STAGING_NOTE), 'utf8')) as { out?: string };
      for (const inside of fs.readdirSync(staging)) {
        if (!inside.startsWith(REPLACED_PREFIX) || !note.out) continue;
        const target = path.join(note.out, inside.slice(REPLACED_PREFIX.length));
        if (!fs.existsSync(target)) fs.renameSync(path.join(staging, inside), target);
      }
    } catch {
      // No note (killed before it was written): nothing was moved aside yet.
    }
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Folders on the way to `dir` that do not exist yet, outermost first. */
function missingFolders(dir: string): string[] {
  const missing: string[] = [];
  for (let cur = path.resolve(dir); !fs.existsSync(cur); cur = path.dirname(cur)) {
    missing.unshift(cur);
    if (path.dirname(cur) === cur) break;
  }
  return missing;
}

/**
 * A staging folder for trees that go into `out/<name>`: on the same file system as `out` (in
 * `out`, or in the nearest folder above it that exists), so they can be moved by renaming.
 */
export class Staging {
  /** The staging folder: write trees into `<dir>/<name>`. */
  public readonly dir: string;
  private readonly out: string;

  constructor(out: string) {
    this.out = path.resolve(out);
    const home = nearestExisting(this.out);
    for (const d of new Set([home, this.out, path.dirname(this.out)])) recoverStaleStaging(d);
    this.dir = fs.mkdtempSync(path.join(home, `${STAGING_PREFIX}${process.pid}-`));
    fs.writeFileSync(path.join(this.dir, STAGING_NOTE), JSON.stringify({ out: this.out }));
  }

  /** Writes one tree, to be moved to `out/<name>` by `commit`. */
  write(name: string, files: OutputFiles): void {
    writeTree(this.path(name), files);
  }

  /** Where the tree of `name` is staged. */
  path(name: string): string {
    const p = path.join(this.dir, name);
    checkInside(this.dir, p);
    return p;
  }

  /**
   * Checks every target, then moves the staged trees into `out/<name>`. A target may be
   * replaced only with `force` and only when this tool wrote it. If a move fails, every tree
   * already moved goes back and every replaced folder is restored: the output is as it was.
   */
  commit(names: readonly string[], options: WriteOptions = {}): string[] {
    const targets = names.map((name) => {
      const target = path.join(this.out, name);
      checkInside(this.out, target);
      if (fs.existsSync(target)) {
        if (!fs.existsSync(path.join(target, MARKER))) {
          throw new InputError({ path: '--out', message: `${target} exists and was not written by kong-flavor; choose another --out or remove it` });
        }
        if (!options.force) throw new InputError({ path: '--out', message: `${target} exists; pass --force to replace it` });
      }
      return { name, target, aside: path.join(this.dir, `${REPLACED_PREFIX}${name}`) };
    });
    const created = missingFolders(this.out);
    const done: typeof targets = [];
    try {
      fs.mkdirSync(this.out, { recursive: true });
      for (const t of targets) {
        if (fs.existsSync(t.target)) fs.renameSync(t.target, t.aside);
        fs.renameSync(this.path(t.name), t.target);
        done.push(t);
      }
    } catch (e) {
      this.undo(targets, done, created);
      throw e;
    }
    return targets.map((t) => t.target);
  }

  /** Puts back what `commit` moved: new trees back to staging, replaced folders back in place. */
  private undo(targets: readonly { name: string; target: string; aside: string }[], done: readonly { name: string; target: string }[], created: readonly string[]): void {
    for (const t of [...done].reverse()) {
      if (fs.existsSync(t.target)) fs.renameSync(t.target, this.path(t.name));
    }
    for (const t of targets) {
      if (fs.existsSync(t.aside) && !fs.existsSync(t.target)) fs.renameSync(t.aside, t.target);
    }
    for (const dir of [...created].reverse()) {
      try {
        fs.rmdirSync(dir); // only if still empty: another run may have written there meanwhile
      } catch {
        break;
      }
    }
  }

  /** Removes the staging folder (with the folders a commit replaced). */
  discard(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Writes `files` into `target` (e.g. `dist/prod-kong`) atomically. */
export function writeOutput(target: string, files: OutputFiles, options: WriteOptions = {}): void {
  const staging = new Staging(path.dirname(path.resolve(target)));
  try {
    const name = path.basename(target);
    staging.write(name, files);
    staging.commit([name], options);
  } finally {
    staging.discard();
  }
}
