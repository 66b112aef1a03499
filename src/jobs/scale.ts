// The scale job: `paas ps:scale APP web=3` (or `web+1`), queued behind the app's other jobs and followed to its outcome.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { parseFormation, type FormationChange } from '../input/formation.js';
import { runQueued } from '../queue/run-queued.js';
import { scaleApp } from '../release/scale.js';
import type { JobKind } from './job.js';

/** A change of how many containers of each process type run. */
export interface ScaleJob {
  kind: 'scale';
  logId: string;
  app: string;
  formation: FormationChange;
  actor?: string;
}

export const scaleJob: JobKind<ScaleJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  run: ({ services, out }, data) => scaleApp(services, data.app, data.formation, out),
  releases: () => true,
  stoppedAfter: () => false,
};

export async function submitScale(
  services: Pick<Services, 'ciQueues' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  args: string[],
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  await getApp(services.db, checkAppName(app));
  const formation = parseFormation(args);
  const ok = await runQueued(services, services.queues, { kind: 'scale', logId: `scale-${randomUUID()}`, app, formation }, write, signal);
  return ok ? 0 : 1;
}
