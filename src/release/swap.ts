// The one swap: runs a plan (swap-plan.ts) against the two ports, step by step, in kamal-proxy's order:
//   1. start the step's new replicas (restarts off)   2. wait until every one passes its health checks
//   3. switch the app's route targets in one step      4. drain the targets it replaced (in-flight requests finish)
//   5. stop what it replaced (SIGTERM, SIGKILL after a grace period), and give the new ones their names
// Steps 4 and 5 run before the plan ends (retire "wait") or after it (retire "background": the caller is done
// once the routes switched and were recorded).
// All or nothing per step: when a new replica fails, every replica the step started is removed and the routes
// are untouched; when `commit` (recording the release) fails after the switch, the routes switch back first.
import type { Replica, Scheduler } from '../ports/scheduler.js';
import { targetOf, type DataPlane, type Target } from '../ports/data-plane.js';
import { planFor } from '../input/healthchecks.js';
import { asPaasError, type PaasError } from '../errors.js';
import { daemonLog, type LineSink } from '../log.js';
import type { FaultPoint } from '../fault-point.js';
import type { SwapPlan, SwapStep } from './swap-plan.js';
import { checkReplica, unhealthyError } from './check-started.js';
import { RetiringReplicas, type Retired } from './retiring.js';
import type { HeldReplicas } from './held-replicas.js';

export interface SwapSettings {
  /** How long a new replica may take to pass its checks. */
  readyTimeoutMs: number;
  /** How long old targets may keep requests in flight before they stop anyway. */
  drainTimeoutMs: number;
  /** Seconds between SIGTERM and SIGKILL. */
  stopGraceSeconds: number;
}

export interface SwapPorts {
  scheduler: Scheduler;
  dataPlane: DataPlane;
  settings: SwapSettings;
  /** The crash tests' kill switch (fault-point.ts); absent, nothing happens. */
  fault?: (point: FaultPoint) => void;
  /** Where background retirements are tracked, so that the app's next job leaves them alone. */
  retiring?: RetiringReplicas;
  /** Where held replicas are recorded, so that they go when their window ends. */
  held?: HeldReplicas;
}

export interface SwapHooks {
  /**
   * Runs once the last step's routes switched, before anything old stops (recording the release as active).
   * When it throws, the routes switch back and the new replicas go: nothing unrecorded serves.
   */
  commit?: () => Promise<void>;
  /** Runs when a step fails, after its new replicas are removed (recording the release as failed). */
  failed?: (error: PaasError) => Promise<void>;
  /** What the user is told survives a failure ("the previous release keeps serving"). */
  outcome?: string;
}

export interface SwapResult {
  /** Steps that failed (only with onFailure "skip"; "abort" throws instead). */
  failed: { step: SwapStep; error: PaasError }[];
  /** How many replicas the plan replaced. */
  replaced: number;
  /**
   * Settles once what the steps replaced is drained and stopped: already when the plan retires them before it
   * ends; later (never rejecting: a failure is logged) when in the background.
   */
  retired: Promise<Retired>;
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const names = (rs: { process: string; index: number }[]) => rs.map((r) => `${r.process}.${r.index}`).join(', ');
const webTargets = (rs: Replica[]) => rs.filter((r) => r.process === 'web').map((r) => targetOf(r, r.port, r.release));

/** Starts and checks the step's replicas; removes what it started and throws when any fails. */
async function startAndCheck(ports: SwapPorts, plan: SwapPlan, step: SwapStep, out: LineSink, hooks: SwapHooks): Promise<Replica[]> {
  const { scheduler, settings } = ports;
  const started: Replica[] = [];
  const startedAt = Date.now();
  // Each replica's uptime counts from its own start: replicas start one after another, and a container that exits
  // at once must not pass an uptime check because the replicas before it took that long to start.
  const ownStart = new Map<Replica, number>();
  try {
    for (const r of step.adopt.filter((r) => r.state === 'held')) await scheduler.resume(r);
    if (step.optional && step.adopt.length)
      out.step(`Serving ${names(step.adopt)} of v${step.adopt[0]!.release} again (kept since it was replaced) while v${plan.release} starts`);
    for (const spec of step.start) {
      const replica = await scheduler.start(spec);
      ownStart.set(replica, Date.now());
      started.push(replica);
    }
    const checked = [...started, ...step.adopt];
    const announce = step.routes === 'all' && step.start.length > 0;
    if (announce) out.step(`Starting ${names(started)} of v${plan.release}; waiting for health checks`);
    ports.fault?.('checking');
    const uptime = (r: Replica) => (step.adopt.includes(r) ? 0 : plan.uptimeSeconds);
    const results = await Promise.all(
      checked.map(async (r) => ({
        r,
        failure: await checkReplica(scheduler, r, planFor(r.process, plan.healthchecks, uptime(r)), ownStart.get(r) ?? startedAt, settings.readyTimeoutMs),
      })),
    );
    const failed = results.find((x) => x.failure !== undefined);
    if (failed) throw await unhealthyError(scheduler, failed.r, failed.failure!, out, hooks.outcome ?? 'what ran before keeps serving');
    if (announce) out.step(`All processes healthy after ${seconds(Date.now() - startedAt)} s`);
    return started;
  } catch (err) {
    await Promise.all(started.map((r) => scheduler.remove(r, 0)));
    throw asPaasError(err, 'PAAS_ERR_START_FAILED');
  }
}

/** Pure: the app's targets after a step: its web replicas only (all), or the current ones with the old swapped for them (each). */
export function nextTargets(step: Pick<SwapStep, 'routes' | 'old'>, current: readonly Target[], fresh: Target[]): Target[] {
  if (step.routes === 'all') return fresh;
  const gone = new Set([...step.old.map((r) => r.id), ...fresh.map((t) => t.id)]);
  const freshUrls = new Set(fresh.map((t) => t.url));
  return [...current.filter((t) => !gone.has(t.id) && !freshUrls.has(t.url)), ...fresh];
}

/** Drains the targets a step replaced, stops what it replaced, then gives the new replicas their names. */
async function retire(ports: SwapPorts, step: SwapStep, started: Replica[], draining: readonly Target[]): Promise<Retired> {
  const { scheduler, dataPlane, settings } = ports;
  const cut = draining.length ? dataPlane.drain(draining, settings.drainTimeoutMs) : Promise.resolve(0);
  ports.fault?.('draining');
  const stillRunning = await cut;
  let held = 0;
  const hold = async (r: Replica) => {
    // On record first: the sweep removes a held replica it finds no record of.
    ports.held?.add(r.app, r.id);
    if (await scheduler.hold(r).catch(() => false)) return void held++;
    ports.held?.forget(r.id);
    await scheduler.remove(r, settings.stopGraceSeconds);
  };
  // Replicas a rollback took back meanwhile serve again: not this retirement's any more.
  const leaving = step.old.filter((r) => !ports.retiring?.takeClaim(r.id));
  await Promise.all(
    leaving.map((r) =>
      step.then === 'pause'
        ? scheduler.pause(r, settings.stopGraceSeconds)
        : step.hold.includes(r.id)
          ? hold(r)
          : scheduler.remove(r, settings.stopGraceSeconds),
    ),
  );
  ports.fault?.('replaced');
  for (const r of started) await scheduler.settle(r);
  return { stopped: leaving.length, held, cut: stillRunning };
}

/** Runs one step; throws (after undoing it) when it fails. Resolves with its retirement (settled unless in the background). */
async function runStep(
  ports: SwapPorts,
  plan: SwapPlan,
  step: SwapStep,
  last: boolean,
  out: LineSink,
  hooks: SwapHooks,
): Promise<{ retired: Promise<Retired> }> {
  const { scheduler, dataPlane } = ports;
  const started = await startAndCheck(ports, plan, step, out, hooks);
  await Promise.all(started.map((r) => scheduler.keep(r)));

  const fresh = webTargets([...started, ...step.adopt]);
  const replaced = await dataPlane.setTargets(plan.app, nextTargets(step, await dataPlane.targets(plan.app), fresh));
  if (step.then === 'pause') await dataPlane.markStopped(plan.app);
  if (last && hooks.commit) {
    try {
      await hooks.commit();
    } catch (err) {
      // All or nothing: what the store does not record must not serve.
      await dataPlane.setTargets(plan.app, replaced);
      await Promise.all(started.map((r) => scheduler.remove(r, 0)));
      throw asPaasError(err, 'PAAS_ERR_START_FAILED');
    }
  }
  if (started.length || step.adopt.length)
    daemonLog('release.swapped', {
      app: plan.app,
      release: plan.release,
      started: names(started) || undefined,
      adopted: names(step.adopt) || undefined,
      replaced: names(step.old) || undefined,
    });
  ports.fault?.('switched');

  const oldIds = new Set(step.old.map((r) => r.id));
  const draining = step.routes === 'all' ? replaced : replaced.filter((t) => t.id !== undefined && oldIds.has(t.id));
  if (plan.retire === 'wait' || !scheduler.retiresAfterSwap) return { retired: Promise.resolve(await retire(ports, step, started, draining)) };
  return { retired: (ports.retiring ?? new RetiringReplicas()).add(plan.app, [...oldIds], retire(ports, step, started, draining)) };
}

const sum = (all: Retired[]): Retired => ({
  stopped: all.reduce((n, r) => n + r.stopped, 0),
  held: all.reduce((n, r) => n + r.held, 0),
  cut: all.reduce((n, r) => n + r.cut, 0),
});

/**
 * A failure after a bridge (an optional first step that routed to replicas no later step keeps): the routes go
 * back to what served before the plan, and the bridged replicas drain and go.
 */
async function undoBridge(ports: SwapPorts, app: string, before: readonly Target[], bridged: Replica[]): Promise<void> {
  const { dataPlane, scheduler, settings } = ports;
  const replaced = await dataPlane.setTargets(app, before);
  void dataPlane
    .drain(replaced, settings.drainTimeoutMs)
    .then(() => Promise.all(bridged.map((r) => scheduler.remove(r, settings.stopGraceSeconds))))
    .catch((err: unknown) => daemonLog('release.retire.error', { app, error: err }));
}

/** Runs `plan` against the ports; resolves with what it did, or throws the first failure (onFailure "abort"). */
export async function runSwap(ports: SwapPorts, plan: SwapPlan, out: LineSink, hooks: SwapHooks = {}): Promise<SwapResult> {
  const failed: SwapResult['failed'] = [];
  const retirements: Promise<Retired>[] = [];
  let replaced = 0;
  let bridge: { before: readonly Target[]; replicas: Replica[] } | undefined;
  if (plan.steps.some((s) => s.start.length)) await ports.scheduler.prepare(plan.app);
  for (const [i, step] of plan.steps.entries()) {
    try {
      const before = step.optional ? await ports.dataPlane.targets(plan.app) : undefined;
      const done = await runStep(ports, plan, step, i === plan.steps.length - 1, out, hooks);
      if (before) bridge = { before, replicas: step.adopt };
      retirements.push(done.retired);
      replaced += step.old.length;
    } catch (err) {
      const error = asPaasError(err, 'PAAS_ERR_START_FAILED');
      daemonLog('release.swap_failed', { app: plan.app, release: plan.release, step: i + 1, of: plan.steps.length, error: error.message });
      if (step.optional) {
        out.detail(`could not serve from the kept replicas (${error.message}); starting as usual`);
        continue;
      }
      if (plan.onFailure === 'abort') {
        if (bridge) await undoBridge(ports, plan.app, bridge.before, bridge.replicas);
        await hooks.failed?.(error);
        throw error;
      }
      failed.push({ step, error });
    }
  }
  return { failed, replaced, retired: Promise.all(retirements).then(sum) };
}
