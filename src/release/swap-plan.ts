// Pure: what a change of what runs does, decided before anything runs. Every such change is a plan of steps;
// the executor (swap.ts) runs each step in kamal-proxy's order: start the step's new replicas, wait until all are
// healthy, switch the routes in one step, drain what they replaced, stop it.
//   deploy, rollback, config, scale -> releasePlan: one step, every replica of the new release, every old one out
//   ps:restart / ps:start           -> restartPlan: one step per replica, each replacing its predecessor in place
//   ps:stop                         -> stopPlan: nothing starts; every replica unrouted, drained, stopped and kept
//   healing                         -> healPlan: one step per missing replica, plus running ones to route again
import type { ProcessSpec, Replica } from '../ports/scheduler.js';
import { targetOf, type Target } from '../ports/data-plane.js';
import type { HealthPlan } from '../input/healthchecks.js';
import type { Limits } from '../input/resources.js';
import type { ReleaseSpec } from '../store/releases.js';

export interface SwapStep {
  /** Replicas to start; none serves before every one of the step passed its checks. */
  start: ProcessSpec[];
  /** Replicas already running that are checked and routed again (healing), started by nobody. */
  adopt: Replica[];
  /** Replicas the step replaces: unrouted, drained and stopped once the new ones serve. */
  old: Replica[];
  /** all: the app's targets become the step's web replicas; each: the old ones' targets are swapped for them. */
  routes: 'all' | 'each';
  /** remove: old replicas go; pause: they stop and are kept (ps:stop), and the app answers 503. */
  then: 'remove' | 'pause';
  /** Old replicas kept frozen once drained instead of removed (the replaced release's web, for a fast rollback). */
  hold: string[];
  /** A step whose failure only skips it (the bridge of a rollback: without it the next step still does the job). */
  optional?: boolean;
}

export interface SwapPlan {
  app: string;
  /** The release whose replicas start. */
  release: number;
  steps: SwapStep[];
  /** The release's declared health checks, per process type. */
  healthchecks: Record<string, HealthPlan>;
  /** How long a new replica must stay up to count as healthy. */
  uptimeSeconds: number;
  /** abort: a step that fails undoes itself and ends the plan (all or nothing); skip: the next step still runs. */
  onFailure: 'abort' | 'skip';
  /**
   * wait: the plan ends once what its steps replaced is drained and stopped (a rolling restart's next step needs
   * the name); background: it ends once the routes switched and were recorded, and the replaced replicas drain
   * and stop after, while the next job may already run.
   */
  retire: 'wait' | 'background';
}

/** A release as the planners need it. */
export interface PlannedRelease {
  app: string;
  version: number;
  imageId: string;
  /** The commit the image was built from (Heroku's HEROKU_SLUG_COMMIT, as PAAS_SLUG_COMMIT). */
  sha?: string;
  spec: Pick<ReleaseSpec, 'formation' | 'commands' | 'config' | 'port' | 'healthchecks' | 'upstream'>;
}

/** Limits and volumes per process type. */
export type RuntimeOf = (process: string) => { limits?: Limits; mounts?: { volume: string; path: string }[] };

/** Pure: the spec of replica `index` of `process` of `release`. */
export function replicaSpec(release: PlannedRelease, process: string, index: number, runtime: RuntimeOf): ProcessSpec {
  const { app, version, imageId, spec, sha } = release;
  return {
    app,
    process,
    version,
    index,
    image: imageId,
    port: spec.port,
    ...(spec.upstream ? { upstream: spec.upstream } : {}),
    command: spec.commands[process] ?? null,
    config: spec.config,
    ...(sha ? { commit: sha } : {}),
    ...runtime(process),
  };
}

/** Pure: every replica of the formation, in formation order (web first when it comes first). */
function replicasOf(formation: Record<string, number>, only?: string): { process: string; index: number }[] {
  return Object.entries(formation)
    .filter(([process]) => only === undefined || process === only)
    .flatMap(([process, n]) => Array.from({ length: n }, (_, i) => ({ process, index: i + 1 })));
}

const base = (
  release: PlannedRelease,
  uptimeSeconds: number,
  steps: SwapStep[],
  onFailure: SwapPlan['onFailure'] = 'abort',
  retire: SwapPlan['retire'] = 'wait',
): SwapPlan => ({
  app: release.app,
  release: release.version,
  steps,
  healthchecks: release.spec.healthchecks,
  uptimeSeconds,
  onFailure,
  retire,
});

export interface ReleasePlanOptions {
  /** Replicas an earlier plan is draining already, left to it. */
  retiring?: ReadonlySet<string>;
  /** The release being replaced, whose running web replicas are held (frozen) once drained, for a fast rollback. */
  hold?: number;
  /** A release whose held web replicas serve again at once while the new release's start (a rollback to it). */
  bridgeFrom?: number;
}

/**
 * Pure: a new release replaces everything: all its replicas start and pass their checks, the routes switch to its
 * web replicas at once, and every replica of any other release is drained and removed (the web of `hold` kept
 * frozen instead), after the plan ends. Replicas of the same version (left by a crash mid-deploy) are replaced by
 * name, never kept. With `bridgeFrom`, a first step resumes that release's held web replicas and routes to them
 * (nothing recorded, nothing stopped): a rollback serves the old code before its own replicas have started.
 */
export function releasePlan(
  release: PlannedRelease,
  current: Replica[],
  runtime: RuntimeOf,
  uptimeSeconds: number,
  options: ReleasePlanOptions = {},
): SwapPlan {
  const retiring = options.retiring ?? new Set();
  const start = replicasOf(release.spec.formation).map((r) => replicaSpec(release, r.process, r.index, runtime));
  const old = current.filter((r) => r.app === release.app && r.release !== release.version && !retiring.has(r.id));
  const hold = old.filter((r) => r.release === options.hold && r.process === 'web' && r.state === 'running').map((r) => r.id);
  const steps: SwapStep[] = [{ start, adopt: [], old, routes: 'all', then: 'remove', hold }];
  // Held, or still draining and claimed back from its retirement (a rollback right after the deploy).
  const held = old.filter((r) => r.release === options.bridgeFrom && r.process === 'web' && (r.state === 'held' || r.state === 'running'));
  if (held.length && release.spec.formation.web) steps.unshift({ start: [], adopt: held, old: [], routes: 'all', then: 'remove', hold: [], optional: true });
  return base(release, uptimeSeconds, steps, 'abort', 'background');
}

/**
 * Pure: a rolling restart of the active release: one step per replica (all types, or `only`), each starting the
 * replacement beside the replica it replaces, so a web process with one replica never drops a request.
 */
export function restartPlan(release: PlannedRelease, current: Replica[], runtime: RuntimeOf, uptimeSeconds: number, only?: string): SwapPlan {
  const steps = replicasOf(release.spec.formation, only).map(({ process, index }): SwapStep => {
    const old = current.filter((r) => r.release === release.version && r.process === process && r.index === index);
    return { start: [replicaSpec(release, process, index, runtime)], adopt: [], old, routes: 'each', then: 'remove', hold: [] };
  });
  return base(release, uptimeSeconds, steps);
}

/**
 * Pure: scaling the active release to `formation` touches only the difference: the new replicas (the next indexes)
 * start, pass their checks and join the routes; the surplus (the highest indexes) leaves them, drains and stops;
 * every other replica is untouched. Nothing to do is no step at all.
 */
export function scalePlan(release: PlannedRelease, current: Replica[], formation: Record<string, number>, runtime: RuntimeOf, uptimeSeconds: number): SwapPlan {
  const mine = current.filter((r) => r.release === release.version && r.state !== 'held');
  const types = new Set([...Object.keys(release.spec.formation), ...Object.keys(formation)]);
  const start: ProcessSpec[] = [];
  const old: Replica[] = [];
  for (const type of types) {
    const have = release.spec.formation[type] ?? 0;
    const want = formation[type] ?? 0;
    for (let index = have + 1; index <= want; index++) start.push(replicaSpec(release, type, index, runtime));
    old.push(...mine.filter((r) => r.process === type && r.index > want));
  }
  const steps: SwapStep[] = start.length || old.length ? [{ start, adopt: [], old, routes: 'each', then: 'remove', hold: [] }] : [];
  return base({ ...release, spec: { ...release.spec, formation } }, uptimeSeconds, steps, 'abort', 'background');
}

/** Pure: ps:stop: nothing starts; every replica of the release is unrouted, drained, stopped and kept. */
export function stopPlan(release: PlannedRelease, current: Replica[]): SwapPlan {
  const old = current.filter((r) => r.release === release.version);
  return base(release, 0, [{ start: [], adopt: [], old, routes: 'all', then: 'pause', hold: [] }]);
}

/**
 * Pure: the replicas the router sends to at their current address. One the engine restarted at a new address
 * while no event said so (the daemon was down, or starting) is not: healing routes it again.
 */
export function routedAtTheirAddress(targets: readonly Target[], replicas: readonly Replica[], releasePort: number): Set<string> {
  const routed = new Set(targets.map((t) => `${t.id ?? ''} ${t.url}`));
  const urlOf = (r: Replica) => targetOf(r, r.port || releasePort, r.release).url;
  return new Set(replicas.filter((r) => r.ip && routed.has(`${r.id} ${urlOf(r)}`)).map((r) => r.id));
}

/**
 * Pure: healing the active release after replicas died outside any swap: a replica with no running container
 * gets a new one (its dead ones removed after); a running web replica that is not routed (Docker restarted it,
 * perhaps at a new address) is checked and routed again. A replica Docker is restarting is left to Docker, unless
 * `replaceRestarting` (a backing service it crash-looped on is back: a new one beats Docker's back-off). Only
 * the active release: an old one is never mixed in. One replica failing does not hold back the others.
 */
export function healPlan(
  release: PlannedRelease,
  current: Replica[],
  routed: ReadonlySet<string>,
  runtime: RuntimeOf,
  uptimeSeconds: number,
  replaceRestarting = false,
): SwapPlan {
  const mine = current.filter((r) => r.release === release.version);
  const steps: SwapStep[] = [];
  for (const { process, index } of replicasOf(release.spec.formation)) {
    const ofReplica = mine.filter((r) => r.process === process && r.index === index);
    if (!replaceRestarting && ofReplica.some((r) => r.state === 'restarting')) continue;
    const running = ofReplica.find((r) => r.state === 'running');
    const dead = ofReplica.filter((r) => r.state !== 'running');
    if (running && (process !== 'web' || routed.has(running.id))) continue;
    if (running) steps.push({ start: [], adopt: [running], old: [], routes: 'each', then: 'remove', hold: [] });
    else steps.push({ start: [replicaSpec(release, process, index, runtime)], adopt: [], old: dead, routes: 'each', then: 'remove', hold: [] });
  }
  return base(release, uptimeSeconds, steps, 'skip');
}
