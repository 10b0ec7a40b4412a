/**
 * Moving a staged fleet into place: every installation folder and the fleet's own folder, all
 * or nothing, with the same rules as `synth` (an existing folder is replaced only with
 * `--force`, and never one kong-flavor did not write).
 */
import * as fs from 'fs';
import * as path from 'path';
import { MARKER } from '../render/write';
import { InputError } from '../spec/errors';

/** Checks every target before moving any, so a refusal leaves the output as it was. */
function checkTargets(out: string, names: readonly string[], force: boolean): void {
  for (const name of names) {
    const target = path.join(out, name);
    if (!fs.existsSync(target)) continue;
    if (!fs.existsSync(path.join(target, MARKER))) {
      throw new InputError({ path: '--out', message: `${target} exists and was not written by kong-flavor; choose another --out or remove it` });
    }
    if (!force) throw new InputError({ path: '--out', message: `${target} exists; pass --force to replace it` });
  }
}

/** Moves `<staging>/<name>` to `<out>/<name>` for every name (replacing with `force`). Returns the targets. */
export function moveIntoPlace(staging: string, out: string, names: readonly string[], force: boolean): string[] {
  checkTargets(out, names, force);
  return names.map((name) => {
    const target = path.join(out, name);
    if (fs.existsSync(target)) fs.renameSync(target, path.join(staging, `.replaced-${name}`));
    fs.renameSync(path.join(staging, name), target);
    return target;
  });
}
