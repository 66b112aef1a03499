// On daemon start, before routes are restored: an active release whose commit never reached the app's repository
// came from a push the client was told failed (the daemon died after the route switch, before git took the push),
// so it is taken back: recorded as failed, and the release before it is active again (the heal brings its
// containers back). Config, scale and rollback releases build on commits the repository has: they stand.
import type { Services } from '../services.js';
import { activeRelease, demoteRelease, listReleases } from '../store/releases.js';
import { listApps } from '../store/apps.js';
import { repoPath } from '../git/repos.js';
import { runGit } from '../git/run-git.js';
import { daemonLog } from '../log.js';

/** Resolves with the apps whose active release was taken back. */
export async function reconcileReleases(services: Pick<Services, 'db' | 'config'>): Promise<string[]> {
  const demoted: string[] = [];
  for (const app of await listApps(services.db)) {
    const active = await activeRelease(services.db, app.name);
    if (!active || !/^[0-9a-f]{40,64}$/.test(active.sha)) continue;
    const repo = repoPath(services.config.dataDir, app.name);
    const present = await runGit(['--git-dir', repo, 'cat-file', '-e', `${active.sha}^{commit}`], { allowFail: true });
    if (present.code === 0) continue;
    const previous = (await listReleases(services.db, app.name)).find((r) => r.version < active.version && r.status !== 'failed');
    await demoteRelease(services.db, active, previous, 'interrupted: the daemon stopped before the push completed, so it was taken back');
    daemonLog('release.taken_back', { app: app.name, version: active.version, active: previous?.version });
    demoted.push(app.name);
  }
  return demoted;
}
