// Pure: BuildKit's progress (decoded trace events) as readable lines, in the shape of `docker build
// --progress=plain`: each step numbered when it starts, its output prefixed with its number, then CACHED, DONE
// with its time, or ERROR. Internal steps (loading the context, the metadata) are left out.
import type { BuildkitStatus } from '../docker/buildkit-status.js';

export class BuildkitLines {
  private readonly numbers = new Map<string, number>();
  private readonly finished = new Set<string>();
  private readonly partial = new Map<string, string>();

  /** The lines this status adds. */
  lines(status: BuildkitStatus): string[] {
    const out: string[] = [];
    for (const vertex of status.vertexes) {
      if (!vertex.name || /^\[internal\]/.test(vertex.name)) continue;
      const n = this.number(vertex.digest, vertex.name, out);
      if (this.finished.has(vertex.digest)) continue;
      if (vertex.error) {
        this.flush(vertex.digest, n, out);
        out.push(`#${n} ERROR: ${vertex.error}`);
        this.finished.add(vertex.digest);
      } else if (vertex.cached) {
        out.push(`#${n} CACHED`);
        this.finished.add(vertex.digest);
      } else if (vertex.completed !== undefined) {
        this.flush(vertex.digest, n, out);
        const seconds = vertex.started !== undefined ? ` ${((vertex.completed - vertex.started) / 1000).toFixed(1)}s` : '';
        out.push(`#${n} DONE${seconds}`);
        this.finished.add(vertex.digest);
      }
    }
    for (const log of status.logs) {
      const n = this.numbers.get(log.vertex);
      if (n === undefined) continue;
      const text = (this.partial.get(log.vertex) ?? '') + log.msg.toString('utf8').replace(/\r(?!\n)/g, '\n');
      const parts = text.split(/\r?\n/);
      this.partial.set(log.vertex, parts.pop() ?? '');
      for (const part of parts) if (part.trim() !== '') out.push(`#${n} ${part.trimEnd()}`);
    }
    return out;
  }

  private number(digest: string, name: string, out: string[]): number {
    let n = this.numbers.get(digest);
    if (n === undefined) {
      n = this.numbers.size + 1;
      this.numbers.set(digest, n);
      out.push(`#${n} ${name}`);
    }
    return n;
  }

  private flush(digest: string, n: number, out: string[]): void {
    const rest = this.partial.get(digest);
    if (rest && rest.trim() !== '') out.push(`#${n} ${rest.trimEnd()}`);
    this.partial.delete(digest);
  }
}
