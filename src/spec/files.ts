/**
 * Reading input files: only regular files, within a size limit, and I/O failures become input
 * errors (exit 2) that name the file. A device (`/dev/zero`), a FIFO or a socket is refused
 * before it is opened: reading one would never end, or never start.
 */
import * as fs from 'fs';
import { inputError } from './errors';

/** Spec files larger than this are refused before parsing (a spec is a few hundred bytes). */
export const MAX_SPEC_BYTES = 1024 * 1024;

const describeKind = (s: fs.Stats) =>
  s.isFIFO() ? 'a FIFO (named pipe)' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file';

/** Reads a regular file of at most `maxBytes`, turning every failure into an input error that names it. */
export function readInputFile(file: string, what: string, maxBytes = MAX_SPEC_BYTES): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw inputError(what, code === 'ENOENT' || code === 'ENOTDIR' ? `cannot read "${file}": no such file` : `cannot read "${file}": ${code ?? 'unreadable'}`);
  }
  if (stat.isDirectory()) throw inputError(what, `"${file}" is a folder, not a file`);
  if (!stat.isFile()) throw inputError(what, `"${file}" is ${describeKind(stat)}; give a regular file`);
  if (stat.size > maxBytes) throw inputError(what, `"${file}" is ${stat.size} bytes; the limit is ${maxBytes} bytes`);
  let fd: number | undefined;
  try {
    // Non-blocking open: if the path was swapped for a FIFO since the stat, open does not hang.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const opened = fs.fstatSync(fd);
    if (!opened.isFile()) throw inputError(what, `"${file}" is ${describeKind(opened)}; give a regular file`);
    // Read at most one byte past the limit, whatever the file grew to since the stat.
    const buffer = Buffer.alloc(Math.min(maxBytes, opened.size) + 1);
    let length = 0;
    for (;;) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) break;
    }
    if (length > maxBytes) throw inputError(what, `"${file}" is more than ${maxBytes} bytes, the limit`);
    if (length === buffer.length && length > opened.size) throw inputError(what, `"${file}" changed while it was read; try again`);
    return buffer.toString('utf8', 0, length);
  } catch (e) {
    if ((e as Error).name === 'InputError') throw e;
    throw inputError(what, `cannot read "${file}": ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Reads standard input (`-f -`) up to `maxBytes`, refusing more without reading it all: an
 * endless stream (`cat /dev/zero | kong-flavor plan -f -`) stops at the limit.
 */
export function readStdinBounded(what: string, maxBytes: number, fd = 0): string {
  const chunks: Buffer[] = [];
  let length = 0;
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking pipe with nothing yet: wait a little, then read again.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw inputError(what, `cannot read standard input: ${code ?? 'unreadable'}`);
    }
    if (n === 0) break;
    length += n;
    if (length > maxBytes) throw inputError(what, `standard input holds more than ${maxBytes} bytes, the limit`);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
}
