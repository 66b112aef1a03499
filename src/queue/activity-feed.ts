// What the worker is doing now, for whoever watches live (the dashboard): the jobs running per app with their
// lines so far, and every job start, line and end as it happens. In memory, bounded: finished jobs are dropped.
import { EventEmitter } from 'node:events';

export interface JobSummary {
  /** The job's log id: unique per job. */
  id: string;
  app: string;
  kind: string;
  /** The build (deploy) or CI run (ci) the job makes, by its store id. */
  buildId?: number;
  ciRunId?: number;
  startedAt: string;
}

export type ActivityEvent =
  { type: 'started'; job: JobSummary } | { type: 'line'; app: string; id: string; line: string } | { type: 'ended'; app: string; id: string; ok: boolean };

/** A running job's lines are kept up to this many (the newest), so a page opened mid-build sees them. */
const KEPT_LINES = 2000;

export class ActivityFeed {
  private readonly running = new Map<string, { job: JobSummary; lines: string[] }>();
  private readonly events = new EventEmitter().setMaxListeners(0);

  started(job: Omit<JobSummary, 'startedAt'>): void {
    const summary = { ...job, startedAt: new Date().toISOString() };
    this.running.set(job.id, { job: summary, lines: [] });
    this.events.emit('event', { type: 'started', job: summary } satisfies ActivityEvent);
  }

  line(id: string, line: string): void {
    const entry = this.running.get(id);
    if (!entry) return;
    entry.lines.push(line);
    if (entry.lines.length > KEPT_LINES) entry.lines.splice(0, entry.lines.length - KEPT_LINES);
    this.events.emit('event', { type: 'line', app: entry.job.app, id, line } satisfies ActivityEvent);
  }

  ended(id: string, ok: boolean): void {
    const entry = this.running.get(id);
    if (!entry) return;
    this.running.delete(id);
    this.events.emit('event', { type: 'ended', app: entry.job.app, id, ok } satisfies ActivityEvent);
  }

  /** The jobs running now for the apps `wanted` accepts, each with its lines so far. */
  snapshot(wanted: (app: string) => boolean): { job: JobSummary; lines: string[] }[] {
    return [...this.running.values()].filter((r) => wanted(r.job.app)).map((r) => ({ job: r.job, lines: [...r.lines] }));
  }

  /** Calls `listener` with every event of the apps `wanted` accepts until `signal` aborts. */
  follow(wanted: (app: string) => boolean, listener: (event: ActivityEvent) => void, signal: AbortSignal): void {
    const onEvent = (event: ActivityEvent) => {
      if (wanted(event.type === 'started' ? event.job.app : event.app)) listener(event);
    };
    this.events.on('event', onEvent);
    signal.addEventListener('abort', () => this.events.off('event', onEvent), { once: true });
  }
}
