// `paas logs APP [-f] [--process TYPE] [-n N]`: the runtime output of an app's containers, each line marked
// with its process and replica like Heroku's `app[web.1]:`; with -f it follows on, and containers of later
// releases (a redeploy, a restart) are picked up as they start, without reconnecting.
import { LABEL } from '../docker/names.js';
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import { PROCESS_TYPE } from '../input/patterns.js';
import { listAppContainers } from '../docker/containers.js';
import { containerLines, followContainer, watchStarts, type LogLine } from '../docker/logs.js';
import { isOneOff } from '../docker/container-spec.js';

export interface LogsRequest {
  follow: boolean;
  process: string | null;
  tail: number;
}

export function checkLogsRequest(body: unknown): LogsRequest {
  const raw = (body ?? {}) as { follow?: unknown; process?: unknown; tail?: unknown };
  const tail = raw.tail ?? 100;
  if (typeof tail !== 'number' || !Number.isInteger(tail) || tail < 0 || tail > 100_000)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'tail must be a number of lines from 0 to 100000');
  const process = raw.process ?? null;
  if (process !== null && (typeof process !== 'string' || !PROCESS_TYPE.test(process)))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'process must be a process type such as web');
  return { follow: raw.follow === true, process, tail };
}

/** Pure: the source a line is marked with: `web.1`, `worker.2`, `run.4711`. */
export function sourceOf(labels: Record<string, string>): string {
  return `${labels[LABEL.process] ?? '?'}.${labels[LABEL.replica] ?? '0'}`;
}

/** Pure: one line as printed, `TIME app[web.1]: text`. */
export function formatLogLine(source: string, line: LogLine): string {
  return `${line.time} app[${source}]: ${line.text}`;
}

/**
 * Pure: whether a container's output belongs in the logs asked for: release processes and one-offs, not tests, and
 * not one-offs with a terminal (their raw output is the user's session).
 */
export function wanted(labels: Record<string, string>, process: string | null): boolean {
  if (!labels[LABEL.release] && !isOneOff(labels)) return false;
  if (labels[LABEL.tty] === 'true') return false;
  return process === null || labels[LABEL.process] === process;
}

/**
 * Writes the last `tail` lines (merged by time), then with `follow` every new line of running containers and of
 * containers that start later, until `signal` aborts.
 */
export async function streamAppLogs(
  services: Pick<Services, 'docker'>,
  app: string,
  request: LogsRequest,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const { docker } = services;
  const followed = new Set<string>();
  const follows: Promise<void>[] = [];
  const follow = (id: string, labels: Record<string, string>, tail: number | undefined) => {
    if (followed.has(id) || !wanted(labels, request.process)) return;
    followed.add(id);
    follows.push(followContainer(docker, id, tail, (line) => write(formatLogLine(sourceOf(labels), line)), signal).catch(() => undefined));
  };
  // Subscribe first, so that a container starting while the history is read is not missed.
  const watching = request.follow ? await watchStarts(docker, app, (id, labels) => follow(id, labels, undefined), signal) : undefined;

  const containers = (await listAppContainers(docker, app)).filter((c) => wanted(c.Labels, request.process));
  // Running containers print their own history when followed (no gap between history and new lines).
  const settled = watching ? containers.filter((c) => c.State !== 'running') : containers;
  const history = await Promise.all(
    settled.map(async (c) => (await containerLines(docker, c.Id, request.tail).catch(() => [])).map((line) => ({ line, source: sourceOf(c.Labels) }))),
  );
  const merged = history
    .flat()
    .sort((a, b) => a.line.time.localeCompare(b.line.time))
    .slice(-request.tail);
  for (const { line, source } of merged) write(formatLogLine(source, line));
  if (!watching) return 0;

  for (const c of containers) if (c.State === 'running') follow(c.Id, c.Labels, request.tail);
  await watching.closed;
  await Promise.all(follows);
  return 0;
}
