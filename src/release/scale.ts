// Scaling, as on Heroku: no new release; the active release's formation changes, and only the difference runs or
// stops: new replicas (the next indexes) start, pass their checks and join the routes; the surplus (the highest
// indexes) leaves them, drains and stops in the background; every other replica is left alone. The formation is
// recorded in the same step as the routes change; a crash before that leaves the replicas beyond the recorded
// formation, which the next daemon removes (restore-routes.ts).
import type { ReleaseServices } from '../services.js';
import { activeRelease, setReleaseFormation } from '../store/releases.js';
import { getApp, setAppFormation } from '../store/apps.js';
import type { LineSink } from '../log.js';
import { applyFormation, formationText, resolveFormation, type FormationChange } from '../input/formation.js';
import { scalePlan } from './swap-plan.js';
import { runSwap } from './swap.js';
import { swapPorts } from './swap-release.js';
import { runtimeSettings } from './runtime-settings.js';

const names = (rs: { process: string; index: number }[]) => rs.map((r) => `${r.process}.${r.index}`).join(', ');

export async function scaleApp(services: ReleaseServices, app: string, change: FormationChange, out: LineSink): Promise<void> {
  const active = await activeRelease(services.db, app);
  if (!active) {
    // Nothing runs yet: kept for the first deploy, for the process types it turns out to have.
    const formation = resolveFormation((await getApp(services.db, app)).formation, change);
    await setAppFormation(services.db, app, formation);
    out.done(`Stored ${formationText(formation)}; the first deploy starts with it`);
    return;
  }
  const formation = applyFormation(active.spec.formation, active.spec.commands, change);
  const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
  const plan = scalePlan(active, await services.scheduler.replicas(app), formation, runtime.of, services.config.checksUptimeSeconds);
  const [step] = plan.steps;
  if (!step) {
    if (formationText(formation) !== formationText(active.spec.formation)) await setReleaseFormation(services.db, active, formation);
    out.done(`Already at ${formationText(formation)}: nothing to start or stop`);
    return;
  }
  out.step(
    `Scaling ${app} to ${formationText(formation)}` +
      (step.start.length ? `: starting ${names(step.start)}` : '') +
      (step.old.length ? `${step.start.length ? ',' : ':'} stopping ${names(step.old)}` : '') +
      ` (v${active.version}; the other containers are left alone)`,
  );
  const result = await runSwap(swapPorts(services), plan, out, {
    outcome: `the app keeps running at ${formationText(active.spec.formation)}`,
    commit: () => setReleaseFormation(services.db, active, formation),
  });
  if (result.replaced && services.scheduler.retiresAfterSwap) out.detail(`draining ${names(step.old)} in the background`);
  out.done(`Scaled: ${formationText(formation)}`);
}
