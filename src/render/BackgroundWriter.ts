/**
 * Writes output trees from a worker thread, so a fleet's many small files are written on a
 * second core while the calling thread renders the next spec. A fleet of 1,000 specs is
 * ~47,000 files; written inline they cost as much as the rendering itself.
 */
import { Worker } from 'worker_threads';
import { OutputFiles } from './files';
import { MARKER, MARKER_TEXT } from './write';

/**
 * The worker's whole program: plain Node, no bundle, so it starts in a few milliseconds and
 * works the same from the compiled CLI, ts-node and jest. It writes each tree as `writeTree`
 * does (parents first, then files in the order given) and acknowledges it; after the first
 * failure it reports the error and ignores the rest.
 */
const WORKER_SOURCE = `
const fs = require('fs');
const path = require('path');
const { parentPort } = require('worker_threads');
let failed = false;
parentPort.on('message', (job) => {
  if (failed) return;
  try {
    const made = new Set();
    for (const [rel, content] of job.files) {
      const file = path.join(job.dir, rel);
      const inside = path.relative(job.dir, file);
      if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) throw new Error('refusing to write ' + JSON.stringify(rel) + ' outside ' + job.dir);
      const parent = path.dirname(file);
      if (!made.has(parent)) {
        fs.mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      fs.writeFileSync(file, content);
    }
    parentPort.postMessage({ done: job.dir });
  } catch (e) {
    failed = true;
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});
`;

export interface BackgroundWriterOptions {
  /** Trees queued but not yet written before `write` waits (bounds memory). @default 32 */
  readonly maxQueued?: number;
}

/** Writes whole trees (as `writeTree` would) on a worker thread; `close` waits for all of them. */
export class BackgroundWriter {
  private readonly worker: Worker;
  private readonly maxQueued: number;
  private queued = 0;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(options: BackgroundWriterOptions = {}) {
    this.maxQueued = options.maxQueued ?? 32;
    this.worker = new Worker(WORKER_SOURCE, { eval: true });
    this.worker.on('message', (m: { done?: string; error?: string }) => {
      if (m.error !== undefined) this.failure = new Error(`writing the output failed: ${m.error}`);
      else this.queued--;
      this.notify();
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.notify();
    });
  }

  /** Queues `files` to be written into the new folder `dir`, with the marker file. Waits while the queue is full. */
  async write(dir: string, files: OutputFiles): Promise<void> {
    while (this.queued >= this.maxQueued && !this.failure) await this.next();
    if (this.failure) throw this.failure;
    const entries: [string, string][] = files.paths().map((rel) => [rel, files.get(rel)!]);
    entries.push([MARKER, MARKER_TEXT]);
    this.queued++;
    this.worker.postMessage({ dir, files: entries });
  }

  /** Waits until every queued tree is written, then stops the thread. Throws the first write error. */
  async close(): Promise<void> {
    try {
      while (this.queued > 0 && !this.failure) await this.next();
      if (this.failure) throw this.failure;
    } finally {
      await this.worker.terminate();
    }
  }

  private next(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
