// The replicas a swap replaced and is still draining and stopping after it returned (the push, rollback or config
// change is done once the routes switch): the next job of the app may run meanwhile, and leaves them to it. What
// survives the daemon is known without this: a replica of a release that is not active is being retired, and the
// next daemon removes it once its routes serve (restore-routes.ts).
import { daemonLog } from '../log.js';

export interface Retired {
  /** Replicas stopped (or held). */
  stopped: number;
  /** Of those, replicas held for a fast rollback. */
  held: number;
  /** Requests still in flight when the drain timed out. */
  cut: number;
}

export class RetiringReplicas {
  private readonly work = new Map<string, { app: string; done: Promise<Retired> }>();
  private readonly claimed = new Set<string>();

  /**
   * Takes replicas back from their retirement (a rollback serves them again): once drained, it neither stops
   * nor holds them; they are the next plan's to retire.
   */
  claim(ids: string[]): void {
    for (const id of ids) if (this.work.delete(id)) this.claimed.add(id);
  }

  /** Whether `id` was claimed back since its retirement began (asked once, by that retirement). */
  takeClaim(id: string): boolean {
    return this.claimed.delete(id);
  }

  /** Tracks the retirement of `ids` of `app` until `done` settles; resolves (never rejects) with what it did. */
  add(app: string, ids: string[], done: Promise<Retired>): Promise<Retired> {
    const settled = done.catch((err: unknown) => {
      daemonLog('release.retire.error', { app, error: err, hint: 'the next daemon start removes what is left' });
      return { stopped: 0, held: 0, cut: 0 };
    });
    for (const id of ids) this.work.set(id, { app, done: settled });
    void settled.then(() => {
      for (const id of ids) if (this.work.get(id)?.done === settled) this.work.delete(id);
    });
    return settled;
  }

  /** The ids of `app`'s replicas being drained and stopped now. */
  ids(app: string): Set<string> {
    return new Set([...this.work].filter(([, w]) => w.app === app).map(([id]) => id));
  }
}
