/**
 * A relative output path that cannot leave the output folder: segments of letters, digits and
 * `_ . -`, none of them `.` or `..`, no leading `/`. Object names reach file names, and a
 * source can name an object anything; this is the last check before a path is written.
 */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;

/** Throws when `rel` is not a safe relative path inside the output folder. */
export function checkOutputPath(rel: string): void {
  const segments = rel.split('/');
  const bad = segments.find((s) => !SEGMENT.test(s) || s === '.' || s === '..');
  if (bad !== undefined || rel.length > 1024) {
    throw new Error(`internal: refusing to write ${JSON.stringify(rel)}: an output path must stay inside the output folder`);
  }
}

/** The output of a synth: file contents by path relative to `dist/<name>/`, in a stable order. */
export class OutputFiles {
  private readonly files = new Map<string, string>();

  /** Adds a file; a path may be written once, and only inside the output folder. */
  add(path: string, content: string): void {
    checkOutputPath(path);
    if (this.files.has(path)) throw new Error(`internal: ${path} written twice`);
    this.files.set(path, content);
  }

  get(path: string): string | undefined {
    return this.files.get(path);
  }

  /** Paths in sorted order. */
  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  get size(): number {
    return this.files.size;
  }
}
