// Container logs and container start events through the Engine API, as lines.
import type { DockerClient } from './client.js';
import { demuxLogs, lineSplitter, streamClosed } from './containers.js';
import { LABEL } from './names.js';
import { subscribeEvents, type DockerEvent } from './events.js';
import type { LogLine } from '../ports/scheduler.js';

export type { LogLine };

/** Pure: the source a line is marked with: `web.1`, `worker.2`, `run.4711`. */
export function sourceOf(labels: Record<string, string>): string {
  // A CI run's test container has no process: its lines are the tests' (test.RUN), never an app process's.
  if (labels[LABEL.role] === 'test') return `test.${labels[LABEL.ciRun] ?? '0'}`;
  return `${labels[LABEL.process] ?? '?'}.${labels[LABEL.replica] ?? '0'}`;
}

/** Pure: one line as `paas logs` prints it, `TIME app[web.1]: text`. */
export function printedLine(source: string, line: LogLine): string {
  return `${line.time} app[${source}]: ${line.text}`;
}

function splitTimestamp(line: string): LogLine {
  const space = line.indexOf(' ');
  return space > 0 ? { time: line.slice(0, space), text: line.slice(space + 1) } : { time: '', text: line };
}

/** Whose output: a container of this engine, or a Swarm service (its task's output, on whichever node it runs). */
export type LogOwner = 'container' | 'service';

function logsOf(docker: DockerClient, id: string, owner: LogOwner) {
  return owner === 'service' ? docker.getService(id) : docker.getContainer(id);
}

/** The last `tail` lines of a container or service, stdout and stderr together. */
export async function containerLines(docker: DockerClient, id: string, tail: number, owner: LogOwner = 'container'): Promise<LogLine[]> {
  if (tail === 0) return [];
  const output = (await logsOf(docker, id, owner).logs({ stdout: true, stderr: true, timestamps: true, tail, follow: false })) as unknown;
  return demuxLogs(Buffer.isBuffer(output) ? output : Buffer.from(String(output)))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => splitTimestamp(line.replace(/\r$/, '')));
}

/** Follows a container's (or service's) output (its last `tail` lines first; all of it when omitted) until it stops or `signal` aborts. */
export async function followContainer(
  docker: DockerClient,
  id: string,
  tail: number | undefined,
  onLine: (line: LogLine) => void,
  signal: AbortSignal,
  owner: LogOwner = 'container',
): Promise<void> {
  const from = tail === undefined ? {} : { tail };
  const stream = (await logsOf(docker, id, owner).logs({
    stdout: true,
    stderr: true,
    timestamps: true,
    follow: true,
    ...from,
  })) as unknown as NodeJS.ReadableStream & {
    destroy(): void;
  };
  const out = lineSplitter((line) => onLine(splitTimestamp(line)));
  const err = lineSplitter((line) => onLine(splitTimestamp(line)));
  const sink = (s: typeof out) => ({ write: (chunk: Buffer) => (s.write(chunk), true) }) as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink(out), sink(err));
  const stop = () => stream.destroy();
  signal.addEventListener('abort', stop, { once: true });
  await streamClosed(stream);
  signal.removeEventListener('abort', stop);
  out.end();
  err.end();
}

/**
 * Calls `onStart` with the id and labels of every container of `app` that starts, until `signal` aborts.
 * Resolves once subscribed, with a promise of the end.
 */
export function watchStarts(
  docker: DockerClient,
  app: string,
  onStart: (id: string, labels: Record<string, string>) => void,
  signal: AbortSignal,
): Promise<{ closed: Promise<void> }> {
  const filters = { type: ['container'], event: ['start'], label: [`${LABEL.app}=${app}`] };
  const started = (event: DockerEvent) => {
    if (event.id) onStart(event.id, event.Actor?.Attributes ?? {});
  };
  return subscribeEvents(docker, filters, started, signal);
}

/** A replica's last `tail` lines as printed in logs (`TIME app[web.1]: text`), with its app; undefined for other containers. */
export async function replicaOutput(docker: DockerClient, id: string, tail: number): Promise<{ app: string; dyno: string; lines: string[] } | undefined> {
  const info = await docker.getContainer(id).inspect();
  const labels = info.Config.Labels ?? {};
  const app = labels[LABEL.app];
  if (!app || !labels[LABEL.process] || labels[LABEL.tty] === 'true') return undefined;
  return { app, dyno: sourceOf(labels), lines: (await containerLines(docker, id, tail)).map((line) => printedLine(sourceOf(labels), line)) };
}
