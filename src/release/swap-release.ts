// A release through the one swap: the plan that replaces everything with `release`, run with the store's
// records as its commit (active, in the same step as the route switch) and its failure (failed).
import type { Services } from '../services.js';
import { activeRelease, recordActiveRelease, recordFailedRelease, type NewRelease, type ReleaseStatus } from '../store/releases.js';
import type { Db } from '../store/db.js';
import type { LineSink } from '../log.js';
import { daemonLog } from '../log.js';
import { faultPoint } from '../fault-point.js';
import { releasePlan } from './swap-plan.js';
import { runSwap, type SwapPorts } from './swap.js';
import { runtimeSettings } from './runtime-settings.js';
import { appendHistory } from '../store/log-history.js';
import type { Retired } from './retiring.js';

export interface SwapOptions {
  /** What the replaced release becomes (superseded, or rolled back). */
  replacedStatus?: ReleaseStatus;
  uptimeSeconds?: number;
  /** Recorded in the same transaction as the new active release (the app's stored config, for one). */
  alsoRecord?: (trx: Db) => Promise<void>;
  /** A rollback to this release: its held web replicas, if any, serve at once while the new ones start. */
  bridgeFrom?: number;
}

/** The ports a swap runs against, with the daemon's settings. */
export function swapPorts(services: Pick<Services, 'scheduler' | 'dataPlane' | 'config' | 'retiring' | 'held'>): SwapPorts {
  const { config } = services;
  return {
    scheduler: services.scheduler,
    dataPlane: services.dataPlane,
    settings: config,
    fault: (point) => faultPoint(config, point),
    retiring: services.retiring,
    held: services.held,
  };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Pure: the log line that says what a retirement did. */
export function retiredLine(retired: Retired, ms: number, windowSeconds: number): string {
  const stopped = retired.stopped - retired.held;
  const parts = [
    ...(stopped ? [`stopped ${stopped} old container${stopped === 1 ? '' : 's'}`] : []),
    ...(retired.held ? [`kept ${retired.held} frozen for ${Math.round(windowSeconds / 60)} min for a rollback that serves at once`] : []),
  ];
  return (
    `drained, ${parts.join(' and ')} in ${seconds(ms)} s` +
    (retired.cut ? ` (${retired.cut} request${retired.cut === 1 ? '' : 's'} cut at the drain timeout)` : '')
  );
}

/**
 * Starts `release`, swaps traffic to it and records it as active (or as failed); resolves then, while what ran
 * before drains and stops in the background, which `paas logs` reports when done.
 */
export async function swapRelease(
  services: Pick<Services, 'db' | 'config' | 'scheduler' | 'dataPlane' | 'retiring' | 'held'>,
  release: NewRelease,
  out: LineSink,
  options: SwapOptions = {},
): Promise<void> {
  const { db, config } = services;
  const { app, version } = release;
  const runtime = await runtimeSettings(db, app, config.defaultLimits);
  const serving = await activeRelease(db, app);
  const warm = config.rollbackWindowSeconds > 0;
  const current = await services.scheduler.replicas(app);
  if (options.bridgeFrom !== undefined) {
    // A rollback right after a deploy: the target's web may still be draining; taken back, it serves again at once.
    const draining = services.retiring.ids(app);
    services.retiring.claim(current.filter((r) => r.release === options.bridgeFrom && r.process === 'web' && draining.has(r.id)).map((r) => r.id));
  }
  const plan = releasePlan(release, current, runtime.of, options.uptimeSeconds ?? config.checksUptimeSeconds, {
    retiring: services.retiring.ids(app),
    ...(warm && serving ? { hold: serving.version } : {}),
    ...(options.bridgeFrom !== undefined ? { bridgeFrom: options.bridgeFrom } : {}),
  });
  const begin = Date.now();
  const result = await runSwap(swapPorts(services), plan, out, {
    outcome: serving ? 'the previous release keeps serving' : 'nothing was deployed',
    commit: async () => {
      await recordActiveRelease(db, release, options.replacedStatus ?? 'superseded', options.alsoRecord);
      out.step(`Routed ${app} to v${version}`);
    },
    failed: async (error) => {
      await recordFailedRelease(db, release, error.message).catch((err: unknown) =>
        daemonLog('release.record_failed.error', { app, release: version, error: err }),
      );
    },
  });
  if (result.replaced > 0) {
    const switched = Date.now();
    if (services.scheduler.retiresAfterSwap)
      out.detail(`draining ${result.replaced} old container${result.replaced === 1 ? '' : 's'} in the background (paas logs says when stopped)`);
    else out.detail(retiredLine(await result.retired, Date.now() - begin, config.rollbackWindowSeconds));
    void result.retired.then((retired) => {
      const line = `${new Date().toISOString()} paas[deploy]: v${version}: ${retiredLine(retired, Date.now() - switched, config.rollbackWindowSeconds)}`;
      try {
        appendHistory(config.dataDir, app, [line]);
      } catch {
        // The app was destroyed meanwhile.
      }
    });
  }
}
