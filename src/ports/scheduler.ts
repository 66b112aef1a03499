// Port: where an app's processes run. The swap, restarts, healing and restore talk to this and nothing else;
// the local Docker engine (docker/docker-scheduler.ts) is the first adapter, a Swarm cluster can be the next.
import type { Limits } from '../input/resources.js';

/** One replica of a process type of a release, as the swap asks for it. */
export interface ProcessSpec {
  app: string;
  process: string;
  version: number;
  index: number;
  image: string;
  port: number;
  /** How the router talks to it: h2c (HTTP/2 without TLS, for gRPC servers); absent: HTTP/1.1. */
  upstream?: 'h2c';
  /** A shell command from the Procfile; undefined or null runs the image's CMD. */
  command?: string | null;
  config?: Record<string, string>;
  /** The commit the image was built from, for the dyno metadata. */
  commit?: string;
  /** Persistent volumes: Docker volume name and where it mounts. */
  mounts?: { volume: string; path: string }[];
  limits?: Limits;
  /** Swarm constraints on the nodes it may run on (ps:placement); a one-host scheduler has only its host. */
  placement?: string[];
}

/** One replica of a process type of a release, wherever the scheduler placed it. */
export interface Replica {
  /** The scheduler's id for it (a container id on Docker). */
  id: string;
  name: string;
  app: string;
  process: string;
  index: number;
  release: number;
  /** The address the router and health checks reach it at; '' while it has none. */
  ip: string;
  port: number;
  /** h2c when the router speaks HTTP/2 to it (its release's setting, kept on it as a label). */
  upstream?: 'h2c';
  /**
   * running: up; restarting: its restart policy is bringing it back; stopped: exited, created or dead; held: a
   * replaced replica kept frozen for a fast rollback (hold), not a running process of the app.
   */
  state: 'running' | 'restarting' | 'stopped' | 'held';
  /** The node it was placed on, where there are several (a Swarm node id). */
  node?: string;
  /** The container it runs as, where that differs from its id (a Swarm task's container). */
  container?: string;
  /** Started under a temporary name beside the replica it replaces, and not settled yet (a rolling restart under way). */
  replacing?: boolean;
}

/** What a health check reads of a replica besides its HTTP answers. */
export interface ReplicaHealth {
  running: boolean;
  exitCode: number;
  /** The image's HEALTHCHECK status, when it declares one. */
  health?: string;
}

/** Something that happened to a replica outside the daemon's own steps. */
export interface ReplicaEvent {
  /** gone: died, removed or unhealthy (leaves the routes at once); back: started or healthy again. */
  kind: 'gone' | 'back';
  id: string;
  app: string;
  /** Whether it is a replica of a formation (not a CI, build or one-off container of the app). */
  replica: boolean;
  /** What the scheduler reported, for the log. */
  reason: string;
  name?: string;
}

/** Something whose output `paas logs` reads: a replica or a one-off of an app, running or not. */
export interface LogSource {
  /** The scheduler's id for it. */
  id: string;
  /** Its labels (app, process, replica, release). */
  labels: Record<string, string>;
  running: boolean;
}

/** One line of output. */
export interface LogLine {
  /** Docker's RFC 3339 timestamp (nanoseconds), so lines of several sources sort by time. */
  time: string;
  text: string;
}

export interface Scheduler {
  /**
   * Whether the replicas a swap replaced may go on running (draining) after the swap ends, while the next swap
   * places its replicas. A scheduler that places by the load on its nodes says false (Swarm spreads a new
   * service by the tasks each node runs: replicas still draining would crowd new ones onto one node), and the
   * swap then drains and stops them before it ends.
   */
  readonly retiresAfterSwap: boolean;
  /** Readies what the app's replicas need before any starts (its private network). */
  prepare(app: string): Promise<void>;
  /** Removes what `prepare` made (the app is destroyed and its replicas are gone), once nothing uses it any more. */
  teardown(app: string): Promise<void>;
  /**
   * Starts one replica with restarts off (a crash shows as an exit, not a loop); when its name is taken by the
   * replica it replaces, it starts under a temporary one that `settle` gives back.
   */
  start(spec: ProcessSpec): Promise<Replica>;
  /** Whether it runs, its exit code, its HEALTHCHECK status. */
  health(replica: Replica): Promise<ReplicaHealth>;
  /** From now on the replica is restarted when it crashes. */
  keep(replica: Replica): Promise<void>;
  /** Gives a replica started under a temporary name its own name (once the one it replaced is gone). */
  settle(replica: Replica): Promise<void>;
  /** The process replicas of every release of `app` (every app when omitted), running or not. */
  replicas(app?: string): Promise<Replica[]>;
  /** Stops (SIGTERM, SIGKILL after `graceSeconds`) and removes a replica; a missing one is fine. */
  remove(replica: Pick<Replica, 'id'>, graceSeconds: number): Promise<void>;
  /** Stops a replica and keeps it, to start again later (ps:stop). */
  pause(replica: Pick<Replica, 'id'>, graceSeconds: number): Promise<void>;
  /**
   * Keeps a drained replica that no longer serves ready to serve again at once, using no CPU (frozen); resolves
   * false when this scheduler cannot, and the caller removes it instead.
   */
  hold(replica: Pick<Replica, 'id'>): Promise<boolean>;
  /** Brings a held replica back as it was when held. */
  resume(replica: Pick<Replica, 'id'>): Promise<void>;
  /** The last lines the replica wrote. */
  logTail(replica: Pick<Replica, 'id'>, lines: number): Promise<string>;
  /** The app's replicas and one-offs whose output `paas logs` reads, wherever they run. */
  logSources(app: string): Promise<LogSource[]>;
  /** The last `tail` lines a source wrote. */
  logLines(id: string, tail: number): Promise<LogLine[]>;
  /** Follows a source's output (its last `tail` lines first; all of it when undefined) until it ends or `signal` aborts. */
  followLogs(id: string, tail: number | undefined, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void>;
  /** Calls `onStart` for each source of `app` that starts from now on, until `signal` aborts; resolves once watching. */
  watchLogSources(app: string, onStart: (source: LogSource) => void, signal: AbortSignal): Promise<{ closed: Promise<void> }>;
  /** Runs a command of a release to completion once (the release phase); resolves with its exit code and output. */
  runOnce(spec: OneOffSpec): Promise<{ exitCode: number; output: string }>;
  /**
   * The images of `versions` will not run again (collected, or their app destroyed); `kept` are the app's releases
   * that may. A scheduler that ships images elsewhere (Swarm: a registry) deletes them there; one that runs them
   * where they were built has nothing to do.
   */
  forgetReleases?(app: string, versions: number[], kept: number[]): Promise<void>;
  /** Follows replica events until `stop`. */
  watch(onEvent: (event: ReplicaEvent) => void): { stop(): void };
}

/** A command to run once with a release's image, config and limits. */
export interface OneOffSpec extends Pick<ProcessSpec, 'app' | 'image' | 'config' | 'limits' | 'mounts'> {
  process: string;
  command: string;
}
