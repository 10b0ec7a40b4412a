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

export interface WriteOptions {
  /** Replace an existing folder this tool wrote. @default false */
  readonly force?: boolean;
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
    const made = new Set<string>();
    for (const rel of files.paths()) {
      const file = path.join(tmp, rel);
      const dir = path.dirname(file);
      if (!made.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      fs.writeFileSync(file, files.get(rel)!);
    }
    fs.writeFileSync(path.join(tmp, MARKER), 'Written by kong-flavor synth; `--force` may replace this folder.\n');
    if (exists) {
      const old = `${tmp}.old`;
      fs.renameSync(target, old);
      fs.renameSync(tmp, target);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(tmp, target);
    }
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
