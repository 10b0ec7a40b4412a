/**
 * Reading input files: I/O failures become input errors (exit 2) that name the file.
 */
import * as fs from 'fs';
import { inputError } from './errors';

/** Spec files larger than this are refused before parsing (a spec is a few hundred bytes). */
export const MAX_SPEC_BYTES = 1024 * 1024;

/** Reads a file, turning I/O failures into input errors that name the file. */
export function readInputFile(file: string, what: string, maxBytes = MAX_SPEC_BYTES): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw inputError(what, `cannot read "${file}": no such file`);
  }
  if (stat.isDirectory()) throw inputError(what, `"${file}" is a folder, not a file`);
  if (stat.size > maxBytes) {
    throw inputError(what, `"${file}" is ${stat.size} bytes; the limit is ${maxBytes} bytes`);
  }
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw inputError(what, `cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

