// The web replicas a swap replaced and kept frozen (Scheduler.hold) so that a rollback serves again at once, for
// PAAS_ROLLBACK_WINDOW seconds; then, or when a later swap replaces another release, they go. A held replica is
// not a running process of the app (ps, metrics and `docker ps --filter status=running` leave it out), and a
// daemon start removes every held replica (they are replicas of a release that is not active).
import type { Scheduler } from '../ports/scheduler.js';
import { daemonLog } from '../log.js';

export class HeldReplicas {
  private readonly since = new Map<string, { app: string; at: number }>();

  add(app: string, id: string, at = Date.now()): void {
    this.since.set(id, { app, at });
  }

  /** Pure over the records: the held replicas whose window ended by `now`. */
  expired(windowMs: number, now = Date.now()): { app: string; id: string }[] {
    return [...this.since].filter(([, h]) => now - h.at >= windowMs).map(([id, h]) => ({ app: h.app, id }));
  }

  /** The held replicas on record. */
  ids(): Set<string> {
    return new Set(this.since.keys());
  }

  /** When `id` was put on record (undefined: it is not). */
  recordedAt(id: string): number | undefined {
    return this.since.get(id)?.at;
  }

  forget(id: string): void {
    this.since.delete(id);
  }
}

/**
 * Removes held replicas of this daemon's apps (`ours`) once their window ends (checked every `everyMs`), and any of
 * them held without a record. Another daemon's apps on the same engine are never touched: their holds are its own.
 */
export function startHoldSweep(
  scheduler: Scheduler,
  held: HeldReplicas,
  windowMs: number,
  everyMs: number,
  ours: () => Promise<ReadonlySet<string>>,
): { stop(): void } {
  let busy = false;
  const sweep = async () => {
    const listedAt = Date.now();
    const apps = await ours();
    const present = (await scheduler.replicas()).filter((r) => r.state === 'held' && apps.has(r.app));
    // The records are read after the listing: a replica held while the listing ran is on record by now (a swap
    // records before it holds), and is not taken for one held without a record.
    const expired = new Set(held.expired(windowMs).map((h) => h.id));
    const known = held.ids();
    // Records of replicas a later swap removed (or resumed) meanwhile; not one recorded while the listing ran (it
    // may have been paused after the listing saw it running).
    for (const id of known) if (!present.some((r) => r.id === id) && (held.recordedAt(id) ?? 0) < listedAt) held.forget(id);
    for (const r of present) {
      if (known.has(r.id) && !expired.has(r.id)) continue;
      await scheduler.remove(r, 0);
      held.forget(r.id);
      daemonLog('release.held.removed', {
        app: r.app,
        replica: `${r.process}.${r.index}`,
        release: r.release,
        reason: known.has(r.id) ? 'its rollback window ended' : 'not on record',
      });
    }
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sweep()
      .catch((err: unknown) => daemonLog('release.held.sweep_error', { error: err }))
      .finally(() => (busy = false));
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
