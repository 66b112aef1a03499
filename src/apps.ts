// Creating and destroying apps: store row, bare repo, worker; destroy also removes containers, images, volumes,
// routes, custom hostnames and certificates.
import { forgetAppLinks } from './backing/service-links.js';
import { removeHistory } from './store/log-history.js';
import fs from 'node:fs';
import type { Services } from './services.js';
import { buildCacheDir } from './build/build-commit.js';
import { checkAppName } from './input/app-name.js';
import { deleteApp, getApp, insertApp, listApps, type AppRow } from './store/apps.js';
import type { Db } from './store/db.js';
import path from 'node:path';
import { faultPoint } from './fault-point.js';
import { daemonLog } from './log.js';
import { ensureRepo, removeRepo } from './git/repos.js';
import { listAppContainers, removeContainer } from './docker/containers.js';
import { removeOnceUnused } from './docker/client.js';
import { removeAppImages } from './docker/images.js';
import { listReleases } from './store/releases.js';
import { listAppVolumes, removeVolume } from './docker/volumes.js';
import { listCerts } from './store/certificates.js';
import { appHostnames } from './tls/hostnames.js';

/** Creates an app: checks the name, records it (with `alsoRecord`, in one transaction), makes its bare repo. */
export async function createApp(
  services: Pick<Services, 'certs' | 'ciQueues' | 'config' | 'dataPlane' | 'db' | 'docker' | 'queues'>,
  name: string,
  alsoRecord?: (trx: Db) => Promise<void>,
): Promise<AppRow> {
  checkAppName(name);
  const app = await insertApp(services.db, name, { certsAuto: services.config.certsAutoDefault, ...(alsoRecord ? { alsoRecord } : {}) });
  await ensureRepo(services.config.dataDir, services.config.installDir, name);
  if (app.certsAuto) for (const host of appHostnames(name, services.config.domain, [])) await services.certs.queueRenewal(name, host);
  return app;
}

/**
 * Destroys an app and everything it has: first its jobs (queued ones dropped, a running one waited for, so no
 * build deploys after), then its records (so nothing heals or routes it again), then routes, containers, images,
 * volumes, network, repo and build cache.
 */
export async function destroyApp(
  services: Pick<Services, 'certs' | 'ciQueues' | 'config' | 'cron' | 'dataPlane' | 'db' | 'docker' | 'queues' | 'scheduler'>,
  name: string,
): Promise<void> {
  checkAppName(name);
  await getApp(services.db, name);
  const versions = (await listReleases(services.db, name)).map((r) => r.version);
  const certs = await listCerts(services.db, name);
  await services.queues.remove(name);
  await services.ciQueues.remove(name);
  await services.cron.remove(name);
  await deleteApp(services.db, name);
  await services.dataPlane.removeApp(name);
  for (const cert of certs) await services.dataPlane.removeCertificate(cert.host);
  faultPoint(services.config, 'destroying');
  await removeRemnants(services, name, versions);
}

/**
 * What an app leaves once its records are gone: replicas, containers, images, volumes, links, network, repo,
 * log history and build cache. Also run at start for an app a destroy did not see through (see finishDestroys).
 */
async function removeRemnants(services: Pick<Services, 'config' | 'db' | 'docker' | 'scheduler'>, name: string, versions: number[]): Promise<void> {
  // Its replicas through the scheduler (under Swarm they are services, on any node), then what else of it runs here.
  for (const replica of await services.scheduler.replicas(name)) await services.scheduler.remove(replica, 10);
  for (const container of await listAppContainers(services.docker, name)) {
    await removeContainer(services.docker, container.Id, 10);
  }
  await removeAppImages(services.docker, name);
  await services.scheduler.forgetReleases?.(name, versions, []);
  // A removed Swarm service's task stops a moment later: its volume is in use until then.
  for (const volume of await listAppVolumes(services.docker, name)) await removeOnceUnused(() => removeVolume(services.docker, volume, name));
  // Linked services leave the app's network; their data stays (only services:destroy deletes it).
  await forgetAppLinks(services, name);
  await services.scheduler.teardown(name);
  removeRepo(services.config.dataDir, name);
  removeHistory(services.config.dataDir, name);
  fs.rmSync(buildCacheDir(services.config.dataDir, name), { recursive: true, force: true });
}

/**
 * On start, before routes are restored: an app whose repository is in this data dir but whose record is gone was
 * being destroyed when a daemon ended (a destroy removes the repository last). Its destroy is finished, its routes
 * first. (Containers alone say nothing: another daemon on this engine may own them.) Resolves with their names.
 */
export async function finishDestroys(services: Pick<Services, 'config' | 'dataPlane' | 'db' | 'docker' | 'scheduler'>): Promise<string[]> {
  const known = new Set((await listApps(services.db)).map((a) => a.name));
  const found = new Set<string>();
  const repos = path.join(services.config.dataDir, 'repos');
  for (const dir of fs.existsSync(repos) ? fs.readdirSync(repos) : []) {
    const app = dir.replace(/\.git$/, '');
    if (dir.endsWith('.git') && !known.has(app)) found.add(app);
    // A repo being made when a daemon ended (see ensureRepo) never came into place.
    if (dir.endsWith('.init')) fs.rmSync(path.join(repos, dir), { recursive: true, force: true });
  }
  const finished: string[] = [];
  for (const app of found) {
    try {
      checkAppName(app);
    } catch {
      continue;
    }
    // One app's remnants that cannot go now (an engine refusal) must not keep the daemon from starting: next start.
    try {
      await services.dataPlane.removeApp(app);
      await removeRemnants(services, app, []);
      finished.push(app);
    } catch (err) {
      daemonLog('app.destroy_unfinished', { app, error: err });
    }
  }
  return finished;
}
