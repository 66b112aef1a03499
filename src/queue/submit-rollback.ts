// Takes a rollback request (CLI, API or SSH): queues it behind the app's earlier jobs and follows it to its outcome.
import { randomUUID } from 'node:crypto';
import type { Services } from '../services.js';
import { checkAppName } from '../app-name.js';
import { getApp } from '../store/apps.js';
import { runQueued } from './run-queued.js';
import { ERROR } from '../log.js';
import { PaasError, asPaasError } from '../errors.js';

/** Parses "v3" or "3"; undefined for an absent argument. */
export function parseVersionArg(arg: string | undefined): number | undefined {
  if (arg === undefined || arg === '') return undefined;
  const match = /^v?(\d{1,9})$/.exec(arg);
  if (!match || Number(match[1]) < 1) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not a release version: ${JSON.stringify(arg.slice(0, 40))} (use v3 or 3)`);
  return Number(match[1]);
}

/** Rolls back `app`, writing lines as they come; resolves with the exit status (0 when the rollback serves). */
export async function submitRollback(services: Services, app: string, version: number | undefined, write: (line: string) => void, signal: AbortSignal): Promise<number> {
  try {
    await getApp(services.db, checkAppName(app));
    const job = { kind: 'rollback' as const, logId: `rollback-${randomUUID()}`, app, ...(version ? { version } : {}) };
    return (await runQueued(services, job, write, signal)) ? 0 : 1;
  } catch (err) {
    write(ERROR + asPaasError(err).message);
    return 1;
  }
}
