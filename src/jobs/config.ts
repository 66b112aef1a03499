// The config job: `paas config:set` / `config:unset`, checked at once, queued behind the app's other jobs and
// followed; it rolls out a release with the new config (or stages it without a restart).
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../input/app-name.js';
import { getApp } from '../store/apps.js';
import { applyConfigChange } from '../input/config-vars.js';
import { changeConfig, type ConfigChange } from '../release/change-config.js';
import { runQueued } from '../queue/run-queued.js';
import type { JobKind } from './job.js';
import { PaasError } from '../errors.js';

/** A config change, rolled out as a new release unless staged. */
export interface ConfigJob extends ConfigChange {
  kind: 'config';
  logId: string;
  app: string;
  actor?: string;
}

export const configJob: JobKind<ConfigJob> = {
  queue: 'deploy',
  visible: true,
  history: true,
  run: ({ services, out }, data) => changeConfig(services, data.app, data, out),
  releases: () => true,
  stoppedAfter: (data) => (data.restart ? false : undefined),
};

/** Checks a change from the API: string values, a list of names, nothing else. */
export function checkConfigChange(body: unknown): ConfigChange {
  const raw = (body ?? {}) as { set?: unknown; unset?: unknown; restart?: unknown };
  const set = raw.set ?? {};
  const unset = raw.unset ?? [];
  if (typeof set !== 'object' || set === null || Array.isArray(set) || Object.values(set).some((v) => typeof v !== 'string')) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'set must map names to string values');
  }
  if (!Array.isArray(unset) || unset.some((k) => typeof k !== 'string')) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'unset must be a list of names');
  const change = { set: set as Record<string, string>, unset: unset as string[], restart: raw.restart !== false };
  applyConfigChange({}, change.set, change.unset);
  if (Object.keys(change.set).length + change.unset.length === 0) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'nothing to change');
  return change;
}

export async function submitConfig(
  services: Pick<Services, 'ciQueues' | 'db' | 'queues' | 'redis' | 'redisTarget'>,
  app: string,
  change: ConfigChange,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  await getApp(services.db, checkAppName(app));
  const ok = await runQueued(services, services.queues, { kind: 'config', logId: `config-${randomUUID()}`, app, ...change }, write, signal);
  return ok ? 0 : 1;
}
