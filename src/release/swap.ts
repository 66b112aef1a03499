// The one swap every change of what runs goes through (deploys, rollbacks), in kamal-proxy's order:
//   1. start the new containers of every process type   2. wait until all pass their health checks
//   3. replace the app's route targets in one step       4. drain the old targets (in-flight requests finish)
//   5. SIGTERM the old containers, SIGKILL after a grace period
// All or nothing: if any new container fails, every new one is removed and the old ones keep serving.
import type { Services } from '../services.js';
import type { NewRelease } from '../store/releases.js';
import type { Db } from '../store/db.js';
import { activeRelease, recordActiveRelease, recordFailedRelease, type ReleaseStatus } from '../store/releases.js';
import { ensureAppNetwork, listAppContainers, removeContainer, setRestartPolicy } from '../docker/containers.js';
import { asPaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { containerSpec, isReplica } from './container-spec.js';
import { LABEL } from '../docker/names.js';
import { checkStarted, startProcess, unhealthyError, type Started } from './check-started.js';
import { runtimeSettings } from './runtime-settings.js';
import { faultPoint } from '../fault-point.js';
import { targetOf } from '../router/route-table.js';

const seconds = (ms: number) => (ms / 1000).toFixed(1);

export interface SwapOptions {
  /** What the replaced release becomes (superseded, or rolled back). */
  replacedStatus?: ReleaseStatus;
  uptimeSeconds?: number;
  /** Recorded in the same transaction as the new active release (the app's stored config, for one). */
  alsoRecord?: (trx: Db) => Promise<void>;
}

/** Starts `release`, swaps traffic to it and stops what ran before; records it as active, or as failed. */
export async function swapRelease(
  services: Services,
  release: NewRelease,
  out: LineSink,
  options: SwapOptions = {},
): Promise<void> {
  const { docker, config } = services;
  const { app, version, spec } = release;
  await ensureAppNetwork(docker, app, config.networkPool);

  const started: Started[] = [];
  const begin = Date.now();
  const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
  try {
    for (const [process, replicas] of Object.entries(spec.formation)) {
      for (let index = 1; index <= replicas; index++) {
        const options = containerSpec({ app, process, version, index, image: release.imageId, port: spec.port, command: spec.commands[process] ?? null, config: spec.config, ...runtime.of(process) });
        started.push(await startProcess(services, options, process, index));
      }
    }
    out.step(`Starting ${started.map((c) => `${c.process}.${c.index}`).join(', ')} of v${version}; waiting for health checks`);
    faultPoint(config, 'checking');
    const uptime = options.uptimeSeconds ?? config.checksUptimeSeconds;
    const failures = await Promise.all(started.map(async (c) => ({ container: c, message: await checkStarted(services, c, spec, uptime) })));
    const failed = failures.find((f) => f.message !== undefined);
    if (failed) {
      const serving = await activeRelease(services.db, app);
      throw await unhealthyError(services, failed.container, failed.message!, out, serving ? 'the previous release keeps serving' : 'nothing was deployed');
    }
    out.step(`All processes healthy after ${seconds(Date.now() - begin)} s`);
  } catch (err) {
    await Promise.all(started.map((c) => removeContainer(docker, c.id, 0)));
    const error = asPaasError(err, 'PAAS_ERR_START_FAILED');
    await recordFailedRelease(services.db, release, error.message);
    throw error;
  }

  await Promise.all(started.map((c) => setRestartPolicy(docker, c.id, { Name: 'unless-stopped' })));
  const web = started.filter((c) => c.process === 'web').map((c) => targetOf(c, spec.port, version));
  const old = services.routes.swap(app, web);
  try {
    await recordActiveRelease(services.db, release, options.replacedStatus ?? 'superseded', options.alsoRecord);
  } catch (err) {
    // All or nothing: what the store does not record as active must not serve.
    services.routes.swap(app, old);
    await Promise.all(started.map((c) => removeContainer(docker, c.id, 0)));
    throw asPaasError(err, 'PAAS_ERR_START_FAILED');
  }
  out.step(`Routed ${app} to v${version}`);
  faultPoint(config, 'switched');

  const drainStart = Date.now();
  const draining = services.inflight.drain(old.map((t) => t.url), config.drainTimeoutMs);
  faultPoint(config, 'draining');
  const stillRunning = await draining;
  const previous = (await listAppContainers(docker, app)).filter((c) => c.Labels[LABEL.release] !== String(version) && isReplica(c.Labels));
  await Promise.all(previous.map((c) => removeContainer(docker, c.Id, config.stopGraceSeconds)));
  if (previous.length > 0) {
    out.detail(
      `drained and stopped ${previous.length} old container${previous.length === 1 ? '' : 's'} in ${seconds(Date.now() - drainStart)} s` +
        (stillRunning ? ` (${stillRunning} request${stillRunning === 1 ? '' : 's'} cut at the drain timeout)` : ''),
    );
  }
}
