// The heal job: the daemon's own, queued when containers of an app die outside a swap (release/watch-containers.ts),
// bringing the app back to its formation behind any job of the app already queued.
import { randomUUID } from 'node:crypto';
import type { DeployQueues } from '../queue/deploy-queue.js';
import { healApp } from '../release/heal.js';
import { daemonLog } from '../log.js';
import type { JobKind } from './job.js';

/** Bringing the app back to its formation after containers died outside a swap. */
export interface HealJob {
  kind: 'heal';
  logId: string;
  app: string;
  /** Replace replicas Docker is restarting too (they crash-loop on a backing service that is back now). */
  replaceRestarting?: boolean;
  actor?: string;
}

export const healJob: JobKind<HealJob> = {
  queue: 'deploy',
  // The daemon's own upkeep: not an activity of the app, and logged once as app.healed when it did something.
  visible: false,
  history: false,
  async run({ services, out, lines }, data) {
    const healed = await healApp(services, data.app, out, data.replaceRestarting === true);
    if (healed) daemonLog('app.healed', { app: data.app, replicas: healed, lines: lines.join(' | ') });
  },
};

/** Queues a heal of `app` (nobody follows it). */
export async function enqueueHeal(queues: DeployQueues, app: string, replaceRestarting: boolean): Promise<void> {
  queues.ensureWorker(app);
  const job: HealJob = { kind: 'heal', logId: `heal-${app}-${randomUUID()}`, app, ...(replaceRestarting ? { replaceRestarting: true } : {}) };
  await queues.enqueue(job);
}
