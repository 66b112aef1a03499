// Who a piece of work is done for (a key's or token's name, "local" for the unix socket, "paas" for the daemon's
// own healing), carried along the work's async calls: from an API request into the job it queues, and from the job
// into the release it records, without every function in between taking it as an argument.
import { AsyncLocalStorage } from 'node:async_hooks';

const actors = new AsyncLocalStorage<string>();

/** Runs `work` on behalf of `actor`. */
export function withActor<T>(actor: string, work: () => T): T {
  return actors.run(actor, work);
}

/** The actor the current work is done for, if any. */
export function currentActor(): string | undefined {
  return actors.getStore();
}
