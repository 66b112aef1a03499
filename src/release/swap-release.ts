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

export interface SwapOptions {
  /** What the replaced release becomes (superseded, or rolled back). */
  replacedStatus?: ReleaseStatus;
  uptimeSeconds?: number;
  /** Recorded in the same transaction as the new active release (the app's stored config, for one). */
  alsoRecord?: (trx: Db) => Promise<void>;
}

/** The ports a swap runs against, with the daemon's settings. */
export function swapPorts(services: Pick<Services, 'scheduler' | 'dataPlane' | 'config'>): SwapPorts {
  const { config } = services;
  return { scheduler: services.scheduler, dataPlane: services.dataPlane, settings: config, fault: (point) => faultPoint(config, point) };
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Starts `release`, swaps traffic to it and stops what ran before; records it as active, or as failed. */
export async function swapRelease(
  services: Pick<Services, 'db' | 'config' | 'scheduler' | 'dataPlane'>,
  release: NewRelease,
  out: LineSink,
  options: SwapOptions = {},
): Promise<void> {
  const { db, config } = services;
  const { app, version } = release;
  const runtime = await runtimeSettings(db, app, config.defaultLimits);
  const plan = releasePlan(release, await services.scheduler.replicas(app), runtime.of, options.uptimeSeconds ?? config.checksUptimeSeconds);
  const serving = await activeRelease(db, app);
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
  if (result.stopped > 0) {
    out.detail(
      `drained and stopped ${result.stopped} old container${result.stopped === 1 ? '' : 's'} in ${seconds(Date.now() - begin)} s` +
        (result.cut ? ` (${result.cut} request${result.cut === 1 ? '' : 's'} cut at the drain timeout)` : ''),
    );
  }
}
