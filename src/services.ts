// What the daemon's parts share, built once in server.ts and passed down (no singletons).
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Db } from './store/db.js';
import type { DockerClient } from './docker/client.js';
import type { Scheduler } from './ports/scheduler.js';
import type { DataPlane } from './ports/data-plane.js';
import type { RedisTarget } from './queue/connection.js';
import type { DeployQueues } from './queue/deploy-queue.js';
import type { CronSchedules } from './cron/cron-schedules.js';
import type { PushLocks } from './ssh/push-locks.js';
import type { CertRenewals } from './tls/renewal.js';
import type { MetricsHistory } from './release/replica-metrics.js';
import type { ProcessLister } from './release/process-list.js';
import type { ActivityFeed } from './queue/activity-feed.js';
import type { WebhookDeliveries } from './webhooks/webhook-deliveries.js';
import type { RetiringReplicas } from './release/retiring.js';
import type { HeldReplicas } from './release/held-replicas.js';

export interface Services {
  config: Config;
  db: Db;
  docker: DockerClient;
  /** Where the apps' processes run (the local Docker engine). */
  scheduler: Scheduler;
  /** What carries the apps' traffic (the in-process router). */
  dataPlane: DataPlane;
  /** Connection for job logs and health checks. */
  redis: Redis;
  redisTarget: RedisTarget;
  /** One job of an app at a time: deploys and rollbacks. */
  queues: DeployQueues;
  /** Test runs of branches that do not deploy, a few per app at once. */
  ciQueues: DeployQueues;
  /** One push session per app at a time (shared by the SSH gateway and the hook's API call). */
  pushLocks: PushLocks;
  /** The apps' cron jobs' schedules (BullMQ job schedulers). */
  cron: CronSchedules;
  /** Certificate orders and renewals (a BullMQ queue). */
  certs: CertRenewals;
  /** The last hour of every replica's CPU and memory (sampled by release/metrics-sampler.ts). */
  metrics: MetricsHistory;
  /** The apps' processes as `paas ps` shows them, read from whichever scheduler runs them. */
  processes: ProcessLister;
  /** The apps' webhooks: deliveries queued, signed, retried and recorded. */
  webhooks: WebhookDeliveries;
  /** The jobs running now and their lines, for live views. */
  activity: ActivityFeed;
  /** Replicas that swaps replaced, draining and stopping after the swap returned. */
  retiring: RetiringReplicas;
  /** Replaced web replicas held frozen for a rollback that serves at once (PAAS_ROLLBACK_WINDOW). */
  held: HeldReplicas;
  /** Under the Swarm scheduler: the registry nodes pull from, and the CA they must trust (the daemon's own registry). */
  swarm?: { registry: string; caPem: string | undefined };
}

/** What changing what runs needs: the store, the engine, the two ports, and the replicas still retiring. */
export type ReleaseServices = Pick<Services, 'config' | 'dataPlane' | 'db' | 'docker' | 'scheduler' | 'retiring' | 'held'>;
