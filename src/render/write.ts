/**
 * Writing the output atomically: everything goes to a temporary folder next to the target,
 * which is renamed into place only when complete. On any failure nothing is left behind.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../spec/errors';
import { OutputFiles } from './files';

/** Marker file that says a folder was written by this tool (so `--force` may replace it). */
export const MARKER = '.kong-flavor-migrator';
export const MARKER_TEXT = 'Written by kong-flavor synth; `--force` may replace this folder.\n';

export interface WriteOptions {
  /** Replace an existing folder this tool wrote. @default false */
  readonly force?: boolean;
}

/** Writes `files` into a new folder `dir` (which must not exist), with the marker file. */
export function writeTree(dir: string, files: OutputFiles): void {
  fs.mkdirSync(dir, { recursive: true });
  const made = new Set<string>([dir]);
  for (const rel of files.paths()) {
    const file = path.join(dir, rel);
    const parent = path.dirname(file);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(file, files.get(rel)!);
  }
  fs.writeFileSync(path.join(dir, MARKER), MARKER_TEXT);
}

/** Writes `files` into `target` (e.g. `dist/prod-kong`) atomically. */
export function writeOutput(target: string, files: OutputFiles, options: WriteOptions = {}): void {
  const parent = path.dirname(path.resolve(target));
  const exists = fs.existsSync(target);
  if (exists) {
    if (!fs.existsSync(path.join(target, MARKER))) {
      throw new InputError({ path: '--out', message: `${target} exists and was not written by kong-flavor; choose another --out or remove it` });
    }
    if (!options.force) {
      throw new InputError({ path: '--out', message: `${target} exists; pass --force to replace it` });
    }
  }
  fs.mkdirSync(parent, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.tmp-`));
  try {
    writeTree(path.join(tmp, 'out'), files);
    if (exists) {
      fs.renameSync(target, path.join(tmp, 'old'));
    }
    fs.renameSync(path.join(tmp, 'out'), target);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
