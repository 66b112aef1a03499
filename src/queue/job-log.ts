// A job's output as a Redis stream: the worker appends lines, the push that waits on it follows them live.
import type { Redis } from 'ioredis';

export interface JobOutcome {
  ok: boolean;
  message?: string;
}

export type JobLogEntry = { line: string } | { end: JobOutcome };

const KEEP_SECONDS = 24 * 3600;

/** Jobs are named by a log id: `build-<id>` for pushes, `rollback-<uuid>` for rollbacks. */
export function jobLogKey(logId: string): string {
  return `paas:job-log:${logId}`;
}

/** Appends one line; ioredis keeps commands of one connection in order, so appends need not be awaited one by one. */
export function appendJobLine(redis: Redis, logId: string, line: string): Promise<unknown> {
  return redis.xadd(jobLogKey(logId), '*', 'line', line).catch(() => undefined);
}

/** Marks the end of the job's log with its outcome. */
export async function finishJobLog(redis: Redis, logId: string, outcome: JobOutcome): Promise<void> {
  const key = jobLogKey(logId);
  await redis.xadd(key, '*', 'end', JSON.stringify(outcome));
  await redis.expire(key, KEEP_SECONDS);
}

/** Parses one stream entry's fields. */
export function parseEntry(fields: string[]): JobLogEntry | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'line') return { line: fields[i + 1]! };
    if (fields[i] === 'end') return { end: JSON.parse(fields[i + 1]!) as JobOutcome };
  }
  return undefined;
}

/**
 * Yields the job's lines from the start as they come, then its end. `reader` is a connection of its own:
 * XREAD BLOCK holds it. Stops early when `signal` aborts.
 */
export async function* followJobLog(reader: Redis, logId: string, signal?: AbortSignal): AsyncGenerator<JobLogEntry> {
  const key = jobLogKey(logId);
  let lastId = '0';
  while (!signal?.aborted) {
    const result = (await reader.xread('COUNT', 500, 'BLOCK', 2000, 'STREAMS', key, lastId)) as [string, [string, string[]][]][] | null;
    if (!result) continue;
    for (const [, entries] of result) {
      for (const [id, fields] of entries) {
        lastId = id;
        const entry = parseEntry(fields);
        if (!entry) continue;
        yield entry;
        if ('end' in entry) return;
      }
    }
  }
}
