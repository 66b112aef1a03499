// One git push session per app at a time, so that a second push to the deploy branch sees the first one's
// result. A push that updates no deploy branch gives the lock back as soon as its refs are known, so CI runs
// of different branches are not held up by each other.
import { KeyedMutex } from './keyed-mutex.js';

export class PushLocks {
  private readonly mutex = new KeyedMutex();
  private readonly sessions = new Map<string, () => void>();
  private readonly actors = new Map<string, { name: string; admin: boolean }>();

  isHeld(app: string): boolean {
    return this.mutex.isHeld(app);
  }

  /**
   * Waits for the app's lock on behalf of `session`, pushed by `actor` (a key's name, `admin` when an admin's); resolves with the release
   * function (safe to call twice).
   */
  async acquire(app: string, session: string, actor = 'unknown', admin = false): Promise<() => void> {
    const release = await this.mutex.acquire(app);
    let released = false;
    const once = () => {
      if (released) return;
      released = true;
      this.sessions.delete(session);
      this.actors.delete(session);
      release();
    };
    this.sessions.set(session, once);
    this.actors.set(session, { name: actor, admin });
    return once;
  }

  /** Who pushes in `session` (the key the SSH gateway authenticated), while the session lasts. */
  actorOf(session: string | undefined): string | undefined {
    return session ? this.actors.get(session)?.name : undefined;
  }

  /** Whether the key pushing in `session` is an admin's (false for an unknown session). */
  isAdmin(session: string | undefined): boolean {
    return session ? (this.actors.get(session)?.admin ?? false) : false;
  }

  /** Gives a session's lock back early (its push deploys nothing). */
  releaseEarly(session: string | undefined): void {
    if (session) this.sessions.get(session)?.();
  }
}
