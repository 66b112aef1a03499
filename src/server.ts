// `paas server`: one process running the SSH gateway, the queue worker, the router and the local admin API.
import fs from 'node:fs';
import type { Config } from './config.js';
import { adminSocketPath } from './config.js';
import { openDb } from './store/db.js';
import { listApps } from './store/apps.js';
import { markInterruptedBuilds } from './store/builds.js';
import { markInterruptedCiRuns } from './store/ci-runs.js';
import { createDocker, pingDocker } from './docker/client.js';
import { SupervisedRedis } from './queue/redis-server.js';
import { connectRedis, redisOptions, type RedisTarget } from './queue/connection.js';
import { DeployQueues } from './queue/deploy-queue.js';
import { NodeDataPlane } from './router/node-data-plane.js';
import { HaproxyDataPlane } from './router/haproxy/haproxy-data-plane.js';
import { haproxyInstalled } from './router/haproxy/haproxy-process.js';
import { haproxyBinary } from './router/haproxy/haproxy-install.js';
import type { DataPlane } from './ports/data-plane.js';
import { DockerScheduler } from './docker/docker-scheduler.js';
import { startSwarm } from './swarm/swarm-setup.js';
import { swarmProcessLister } from './swarm/nodes.js';
import { localProcessLister } from './release/process-list.js';
import { removeSwarmLeftovers } from './swarm/leftovers.js';
import { lockDataDir } from './host/daemon-lock.js';
import { removeUnfinishedBackups } from './backing/backup-files.js';
import { finishDestroys } from './apps.js';
import { CertRenewals, renewalJob } from './tls/renewal.js';
import { restoreCertificates } from './tls/certificates.js';
import { startSshGateway } from './ssh/gateway.js';
import { startAdminApi, startTcpApi } from './api/server.js';
import { ensureRepo } from './git/repos.js';
import { removeStrays, restoreRoutes } from './release/restore-routes.js';
import { removeUnfinishedServices, restoreServices } from './backing/service-lifecycle.js';
import { startBackupSchedule } from './backing/backup-schedule.js';
import { MetricsHistory } from './release/replica-metrics.js';
import { HISTORY_LINES, appendHistory, rememberDyno } from './store/log-history.js';
import { RetiringReplicas } from './release/retiring.js';
import { HeldReplicas, startHoldSweep } from './release/held-replicas.js';
import { WebhookDeliveries } from './webhooks/webhook-deliveries.js';
import { ActivityFeed } from './queue/activity-feed.js';
import { startMetricsSampler } from './release/metrics-sampler.js';
import { watchContainers } from './release/watch-containers.js';
import { releasesToTakeBack, takeBack } from './release/reconcile-releases.js';
import { SWARM_EGRESS_BRIDGE, closeHostToApps } from './host/firewall.js';
import { restoreDomains } from './domains.js';
import { processJob } from './jobs/run-job.js';
import type { JobData } from './jobs/table.js';
import { enqueueHeal } from './jobs/heal.js';
import { startReviewSweep } from './review/review-sweep.js';
import { CronSchedules } from './cron/cron-schedules.js';
import { runCronJob } from './cron/run-cron.js';
import { restoreCron } from './cron/sync-cron.js';
import { PushLocks } from './ssh/push-locks.js';
import type { Services } from './services.js';
import { daemonLog } from './log.js';
import { listeningOn } from './listening-on.js';

export interface RunningServer {
  services: Services;
  stop(): Promise<void>;
}

/** The data plane `config.router` names; without the haproxy binary, the in-process router (said in the log). */
async function chooseDataPlane(config: Config): Promise<DataPlane> {
  const listen = { httpPort: config.httpPort, httpsPort: config.httpsPort, domain: config.domain, upstreamTimeoutMs: config.upstreamTimeoutMs };
  if (config.router === 'haproxy') {
    if (await haproxyInstalled()) return new HaproxyDataPlane({ ...listen, dataDir: config.dataDir, accessLog: config.accessLog });
    daemonLog('router.fallback', { reason: `HAProxy 3.0 is not installed at ${haproxyBinary()} (run bin/setup, or paas stack:build)`, router: 'node' });
  }
  return new NodeDataPlane(listen);
}

/** Starts every part of the daemon and resolves once all listen. */
export async function startServer(config: Config): Promise<RunningServer> {
  // Before anything is touched: a second daemon on this data dir would take the first one's Redis, sockets and containers.
  const unlock = await lockDataDir(config.dataDir);
  // Owner only: the store holds config values and keys, the data dir the repos, sockets and certificates.
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(config.dataDir, 0o700);
  const db = await openDb(config);
  const interrupted = (await markInterruptedBuilds(db)) + (await markInterruptedCiRuns(db));
  const docker = createDocker();
  await pingDocker(docker);

  let embedded: SupervisedRedis | undefined;
  let redisTarget: RedisTarget;
  if (config.redisUrl) {
    redisTarget = { url: config.redisUrl };
  } else {
    embedded = new SupervisedRedis(config.dataDir);
    await embedded.start();
    redisTarget = { socket: embedded.socket };
  }
  const redis = connectRedis(redisTarget);
  // Replicas' output outlives them: kept in the app's log history when they are removed.
  const swarm = config.scheduler === 'swarm' ? await startSwarm(docker, config) : undefined;
  if (!swarm) {
    const leftovers = await removeSwarmLeftovers(docker);
    if (leftovers.length) daemonLog('swarm.leftovers.removed', { removed: leftovers.join(', ') });
  }
  const scheduler =
    swarm?.scheduler ??
    new DockerScheduler(docker, config.appNetworks, {
      lines: HISTORY_LINES,
      keep: (app, lines, replica) => {
        appendHistory(config.dataDir, app, lines);
        // Its router lines in the history keep saying which replica answered.
        if (replica) rememberDyno(config.dataDir, app, replica.id, replica.dyno);
      },
    });
  const dataPlane = await chooseDataPlane(config);
  // Jobs run only once the workers start (below), when `services` is whole.
  const queues = new DeployQueues(redisOptions(redisTarget), (data) => processJob(services, data as JobData), config.concurrency);
  const ciQueues = new DeployQueues(redisOptions(redisTarget), (data) => processJob(services, data as JobData), config.concurrency, 'ci', config.ciConcurrency);
  const certs = new CertRenewals(redisOptions(redisTarget), config, (job, renewals) => renewalJob(services, job, renewals));
  const cron = new CronSchedules(redisOptions(redisTarget), async (fire) => void (await runCronJob(services, fire.app, fire.id, false)));
  const metrics = new MetricsHistory();
  const processes = swarm ? swarmProcessLister({ docker, scheduler, metrics }) : localProcessLister({ docker, db, metrics });
  const services: Services = {
    config,
    db,
    docker,
    scheduler,
    dataPlane,
    redis,
    redisTarget,
    queues,
    ciQueues,
    pushLocks: new PushLocks(),
    certs,
    cron,
    metrics,
    processes,
    webhooks: new WebhookDeliveries(redisOptions(redisTarget), db),
    activity: new ActivityFeed(),
    retiring: new RetiringReplicas(),
    held: new HeldReplicas(),
    ...(swarm ? { swarm: { registry: swarm.access.address, caPem: swarm.registry?.caPem() } } : {}),
  };

  const apps = await listApps(db);
  for (const app of apps) await ensureRepo(config.dataDir, config.installDir, app.name);
  // Decided now, done once the data plane serves (the routes keep the release to take back until then).
  const toTakeBack = await releasesToTakeBack(services);
  const destroyed = await finishDestroys(services);
  if (destroyed.length) daemonLog('apps.destroy_finished', { apps: destroyed.join(', ') });
  const halfCreated = await removeUnfinishedServices(services);
  if (halfCreated.length) daemonLog('services.create_unfinished.removed', { services: halfCreated.join(', ') });
  const unfinished = removeUnfinishedBackups(config.dataDir);
  if (unfinished.length) daemonLog('backups.unfinished.removed', { files: unfinished.join(', ') });
  const firewall = await closeHostToApps(
    config.appNetworks.pool,
    [config.httpPort, config.httpsPort],
    config.dataDir,
    config.scheduler === 'swarm' ? [SWARM_EGRESS_BRIDGE] : [],
  );
  const restored = await restoreRoutes(services);
  await restoreDomains(services);
  await restoreCertificates(services);
  // The data plane serves the restored state (an HAProxy left running is adopted: only differences change).
  await dataPlane.start();
  const removedStrays = await removeStrays(scheduler, restored.strays);
  let takenBack = 0;
  for (const item of toTakeBack) if (await takeBack(services, item)) takenBack++;
  const backups = startBackupSchedule(services, config.backupCheckMs);
  const reviewSweep = startReviewSweep(services);
  const sampler = startMetricsSampler(services, services.metrics, config.metricsIntervalMs);
  const holdSweep = startHoldSweep(
    scheduler,
    services.held,
    config.rollbackWindowSeconds * 1000,
    Math.min(30_000, Math.max(1000, config.rollbackWindowSeconds * 250)),
    async () => new Set((await listApps(db)).map((a) => a.name)),
  );
  const nodeStats = swarm?.followNodeStats(services.metrics);
  // Only now may queued jobs run: restoring removes other releases' containers, which a job would be starting.
  // (Workers start as jobs come; here only for the apps with jobs left queued while the daemon was down.)
  await queues.resume(apps.map((a) => a.name)).catch((err: unknown) => daemonLog('queue.resume.error', { error: err }));
  await ciQueues.resume(apps.map((a) => a.name)).catch((err: unknown) => daemonLog('queue.resume.error', { error: err }));
  // From here on a container that dies leaves the routes at once, and its app is brought back to its formation;
  // containers that died while the daemon was down are replaced now.
  const watcher = watchContainers(services, (app, replace) => enqueueHeal(queues, app, replace));
  for (const app of await listApps(db)) watcher.heal(app.name);
  // Backing services run again (after a crash or a reboot), on their linked apps' networks; then the apps of one
  // that was down are healed at once (their replicas may be crash-looping on it, in Docker's growing back-off).
  // Not awaited: a service that takes long to start must not keep the apps' routes from serving.
  void restoreServices(services).then((apps) => apps.forEach((app) => watcher.heal(app, true)));
  // Not awaited: with Redis unreachable the daemon still starts (pushes then fail with a clear reason).
  certs.start().catch((err: unknown) => daemonLog('certs.schedule.error', { error: err }));
  // Cron schedules are made again from the store (an embedded Redis may have started empty), then run as they fall due.
  void restoreCron(services)
    .then(() => cron.start())
    .catch((err: unknown) => daemonLog('cron.schedule.error', { error: err }));
  const ssh = await listeningOn('SSH', config.sshPort, '--ssh-port', startSshGateway(services, config.sshPort));
  const api = await startAdminApi(services, adminSocketPath(config));
  const tcpApi =
    config.apiPort === undefined
      ? undefined
      : await startTcpApi(services, {
          port: config.apiPort,
          host: config.apiHost,
          tls: config.apiTlsCert && config.apiTlsKey ? { cert: fs.readFileSync(config.apiTlsCert), key: fs.readFileSync(config.apiTlsKey) } : undefined,
        });
  daemonLog('server.started', {
    ssh: config.sshPort,
    http: config.httpPort,
    https: config.httpsPort,
    acme: config.acmeDirectory,
    domain: config.domain,
    data: config.dataDir,
    redis: config.redisUrl ? 'external' : 'embedded',
    store: config.databaseUrl ? 'postgres' : 'sqlite',
    scheduler: swarm ? `swarm (registry ${swarm.access.address})` : 'docker',
    api: tcpApi ? `${config.apiHost}:${config.apiPort}${config.apiTlsCert ? ' (https)' : ' (http)'}` : 'unix socket only',
    firewall: firewall ? 'apps reach only the router' : 'unavailable',
    routed: restored.routed,
    interrupted_jobs: interrupted,
    releases_taken_back: takenBack,
    removed_stray_containers: removedStrays,
  });

  return {
    services,
    async stop() {
      await new Promise((r) => api.close(r));
      if (tcpApi) await new Promise((r) => tcpApi.close(r));
      await new Promise((r) => ssh.close(r));
      await dataPlane.close();
      watcher.stop();
      backups.stop();
      reviewSweep.stop();
      sampler.stop();
      holdSweep.stop();
      nodeStats?.stop();
      swarm?.nodeGuard.stop();
      await certs.close();
      await cron.close();
      await services.webhooks.close();
      await queues.close();
      await ciQueues.close();
      redis.disconnect();
      await embedded?.stop();
      await swarm?.registry?.stop();
      await db.destroy();
      unlock();
    },
  };
}
