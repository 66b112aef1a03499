// What a kind of queued job is: its data, how it runs, and what the runner records around it. Each kind is one
// module of this folder (with the request handler that validates and enqueues it); `table.ts` lists them.
import type { Services } from '../services.js';
import type { LineSink } from '../log.js';
import type { QueuedJob } from '../queue/deploy-queue.js';

/** What a kind's run hands back to the runner: whether its caller sees success, and its lifecycle event. */
export interface JobOutcome {
  /** The job log's outcome (the job itself succeeded; a failed CI run only makes `paas ci:run` exit non-zero). */
  ok?: boolean;
  /** The daemon-log event's name after `KIND.` (default `succeeded`). */
  outcome?: string;
  fields?: Record<string, unknown>;
}

/** A running job's surroundings: the daemon's parts, the sink its lines go to, and the lines written so far. */
export interface JobContext {
  services: Services;
  out: LineSink;
  lines: readonly string[];
}

export interface JobKind<D extends QueuedJob> {
  /** Which family of queues it waits in: `deploy` (one job of an app at a time) or `ci` (a few at once). */
  queue: 'deploy' | 'ci';
  /** Changes what runs: its steps go to the app's log history and the dashboard's activity, with lifecycle events. */
  visible: boolean;
  /** Its steps are kept in the app's log history, as Heroku's logs show releases. */
  history: boolean;
  /** Fields the dashboard's activity feed shows with the job. */
  activity?(data: D): Record<string, unknown>;
  /** Before it runs (a build marked running). */
  start?(services: Services, data: D): Promise<void>;
  run(context: JobContext, data: D): Promise<JobOutcome | void>;
  /** After a failure, what the kind records of it (a build marked failed). */
  failed?(context: JobContext, data: D, message: string): Promise<void>;
  /** After success: whether it may have made a release (the `release` webhook). */
  releases?(data: D): boolean;
  /** After success: whether the app is stopped now (ps:stop), running again (true: false), or unchanged (undefined). */
  stoppedAfter?(data: D): boolean | undefined;
}
