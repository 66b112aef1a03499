// Requests and WebSockets in flight per target, so a swap can drain old targets before their containers stop.
import type { Duplex } from 'node:stream';

export class Inflight {
  private readonly counts = new Map<string, number>();
  private readonly sockets = new Map<string, Set<Duplex>>();

  begin(target: string): void {
    this.counts.set(target, (this.counts.get(target) ?? 0) + 1);
  }

  end(target: string): void {
    const n = (this.counts.get(target) ?? 1) - 1;
    if (n <= 0) this.counts.delete(target);
    else this.counts.set(target, n);
  }

  count(target: string): number {
    return this.counts.get(target) ?? 0;
  }

  /** Tracks an upgraded (WebSocket) connection to `target` until it closes. */
  addSocket(target: string, socket: Duplex): void {
    let set = this.sockets.get(target);
    if (!set) this.sockets.set(target, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set!.delete(socket);
      if (set!.size === 0 && this.sockets.get(target) === set) this.sockets.delete(target);
    });
  }

  /**
   * Waits until no request to `targets` is in flight (at most `timeoutMs`), then closes their WebSockets.
   * Resolves with the number of requests still running when the timeout hit.
   */
  async drain(targets: string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const busy = () => targets.reduce((sum, t) => sum + this.count(t), 0);
    while (busy() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const target of targets) for (const socket of this.sockets.get(target) ?? []) socket.destroy();
    return busy();
  }
}
