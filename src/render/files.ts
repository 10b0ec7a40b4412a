/** The output of a synth: file contents by path relative to `dist/<name>/`, in a stable order. */
export class OutputFiles {
  private readonly files = new Map<string, string>();

  /** Adds a file; a path may be written once. */
  add(path: string, content: string): void {
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
