// On daemon start: an active release whose commit never reached the app's repository came from a push the client
// was told failed (the daemon died after the route switch, before git took the push), so it is taken back. That
// is a swap like any other: the routes keep serving it while the release before it starts and passes its checks,
// then the routes switch and the store records the earlier release active again in the same step, and only then
// does the taken-back release stop. Config, scale and rollback releases build on commits the repository has: they stand.
import type { ReleaseServices, Services } from '../services.js';
import { activeRelease, demoteRelease, listReleases, type ReleaseRow } from '../store/releases.js';
import { listApps } from '../store/apps.js';
import { repoPath } from '../git/repos.js';
import { runGit } from '../git/run-git.js';
import { daemonLog, lineSink } from '../log.js';
import { releasePlan } from './swap-plan.js';
import { runSwap } from './swap.js';
import { swapPorts } from './swap-release.js';
import { runtimeSettings } from './runtime-settings.js';
import { ROLLBACK_UPTIME_SECONDS } from '../input/healthchecks.js';

const REASON = 'interrupted: the daemon stopped before the push completed, so it was taken back';

/** An active release to take back, and the release that serves again in its place (none: the app's first). */
export interface TakeBack {
  active: ReleaseRow;
  previous: ReleaseRow | undefined;
}

/** The active releases whose commit the app's repository lacks; changes nothing. */
export async function releasesToTakeBack(services: Pick<Services, 'db' | 'config'>): Promise<TakeBack[]> {
  const found: TakeBack[] = [];
  for (const app of await listApps(services.db)) {
    const active = await activeRelease(services.db, app.name);
    if (!active || !/^[0-9a-f]{40,64}$/.test(active.sha)) continue;
    const repo = repoPath(services.config.dataDir, app.name);
    const present = await runGit(['--git-dir', repo, 'cat-file', '-e', `${active.sha}^{commit}`], { allowFail: true });
    if (present.code === 0) continue;
    const previous = (await listReleases(services.db, app.name)).find((r) => r.version < active.version && r.status !== 'failed');
    found.push({ active, previous });
  }
  return found;
}

/**
 * Takes `item` back through the swap (the data plane serving, before any job runs). Should the earlier release
 * fail its checks, the taken-back one keeps serving (and is tried again at the next start): better than nothing.
 */
export async function takeBack(services: ReleaseServices, item: TakeBack): Promise<boolean> {
  const { active, previous } = item;
  const app = active.app;
  const commit = () => demoteRelease(services.db, active, previous, REASON);
  try {
    if (!previous) {
      // The app's first release: nothing was deployed before it, and nothing is now.
      await commit();
      await services.dataPlane.setTargets(app, []);
      for (const replica of await services.scheduler.replicas(app)) await services.scheduler.remove(replica, 0);
    } else {
      const runtime = await runtimeSettings(services.db, app, services.config.defaultLimits);
      // The earlier release's own replicas that a crash left behind serve nothing (the routes name the taken-back
      // one): made anew, as a rollback would.
      for (const replica of await services.scheduler.replicas(app)) if (replica.release === previous.version) await services.scheduler.remove(replica, 0);
      const uptime = Math.min(ROLLBACK_UPTIME_SECONDS, services.config.checksUptimeSeconds);
      const plan = releasePlan(previous, await services.scheduler.replicas(app), runtime.of, uptime);
      await runSwap(
        swapPorts(services),
        plan,
        lineSink(() => undefined),
        { outcome: `v${active.version} keeps serving`, commit },
      );
    }
    daemonLog('release.taken_back', { app, version: active.version, active: previous?.version });
    return true;
  } catch (err) {
    daemonLog('release.take_back_failed', { app, version: active.version, error: err, hint: 'it keeps serving; tried again at the next start' });
    return false;
  }
}
