// Brings an app back to its active release's formation after replicas died, stopped or turned unhealthy outside
// any swap (a crash, `docker kill`, OOM), through the one swap: a replica with nothing running gets a new one,
// checked like any other before it is routed; a running one that is not routed (Docker restarted it, perhaps at
// a new address) is checked and routed again, or replaced when it fails. Runs on the app's deploy queue, so
// never alongside a deploy of the same app.
import type { ReleaseServices } from '../services.js';
import { activeRelease } from '../store/releases.js';
import { findApp } from '../store/apps.js';
import type { LineSink } from '../log.js';
import { healPlan, routedAtTheirAddress } from './swap-plan.js';
import { runSwap } from './swap.js';
import { swapPorts } from './swap-release.js';
import { runtimeSettings } from './runtime-settings.js';

/** Reconciles `app` with its active release's formation; resolves with how many replicas it replaced or re-routed. */
export async function healApp(services: ReleaseServices, app: string, out: LineSink, replaceRestarting = false): Promise<number> {
  const { scheduler, dataPlane, config } = services;
  if (!(await findApp(services.db, app)) || (await dataPlane.isStopped(app))) return 0;
  const release = await activeRelease(services.db, app);
  if (!release) return 0;
  const targets = await dataPlane.targets(app);
  let current = await scheduler.replicas(app);
  const routed = routedAtTheirAddress(targets, current, release.spec.port);
  // Most events (a swap's own starts and stops) leave nothing to do: then nothing else is read.
  let plan = healPlan(release, current, routed, () => ({}), config.checksUptimeSeconds, replaceRestarting);
  if (plan.steps.length === 0) return 0;
  const runtime = await runtimeSettings(services.db, app, config.defaultLimits);
  plan = healPlan(release, current, routed, runtime.of, config.checksUptimeSeconds, replaceRestarting);
  let healed = 0;
  for (let round = 0; round < 2 && plan.steps.length > 0; round++) {
    const result = await runSwap(swapPorts(services), plan, out, { outcome: 'the other replicas keep serving' });
    for (const step of plan.steps.filter((s) => !result.failed.some((f) => f.step === s))) {
      for (const r of [...step.start, ...step.adopt])
        out.detail(`${r.process}.${r.index} of v${release.version} ${step.adopt.length ? 'routed again' : 'replaced'}`);
      healed++;
    }
    for (const { step, error } of result.failed)
      if (step.start.length) out.error(`${step.start[0]!.process}.${step.start[0]!.index} of v${release.version} could not be replaced: ${error.message}`);
    // A running replica that failed its check is replaced in a second round, as one that died would be.
    const failedAdopted = new Set(result.failed.flatMap((f) => f.step.adopt.map((r) => r.id)));
    if (failedAdopted.size === 0) break;
    current = current.map((r) => (failedAdopted.has(r.id) ? { ...r, state: 'stopped' as const } : r));
    plan = healPlan(release, current, routed, runtime.of, config.checksUptimeSeconds);
    plan = { ...plan, steps: plan.steps.filter((s) => s.old.some((r) => failedAdopted.has(r.id))) };
  }
  return healed;
}
