// `paas ps:scale APP web=3`: queued behind the app's other jobs and followed to its outcome.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { parseFormation } from '../input/formation.js';
import { runQueued } from './run-queued.js';

export async function submitScale(
  services: Pick<Services, 'ciQueues' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  args: string[],
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  await getApp(services.db, checkAppName(app));
  const formation = parseFormation(args);
  const ok = await runQueued(services, { kind: 'scale', logId: `scale-${randomUUID()}`, app, formation }, write, signal);
  return ok ? 0 : 1;
}
