// What the daemon's parts share, built once in server.ts and passed down (no singletons).
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import type { Db } from './store/db.js';
import type { DockerClient } from './docker/client.js';
import type { RouteTable } from './router/route-table.js';
import type { Inflight } from './router/inflight.js';
import type { RedisTarget } from './queue/connection.js';
import type { DeployQueues } from './queue/deploy-queue.js';
import type { PushLocks } from './ssh/push-locks.js';
import type { SniContexts } from './tls/sni-contexts.js';
import type { ChallengeStore } from './tls/challenges.js';
import type { CertRenewals } from './tls/renewal.js';

export interface Services {
  config: Config;
  db: Db;
  docker: DockerClient;
  routes: RouteTable;
  inflight: Inflight;
  /** Connection for job logs and health checks. */
  redis: Redis;
  redisTarget: RedisTarget;
  /** One job of an app at a time: deploys and rollbacks. */
  queues: DeployQueues;
  /** Test runs of branches that do not deploy, a few per app at once. */
  ciQueues: DeployQueues;
  /** One push session per app at a time (shared by the SSH gateway and the hook's API call). */
  pushLocks: PushLocks;
  /** The HTTPS router's certificates by hostname. */
  sni: SniContexts;
  /** ACME HTTP-01 answers the router serves. */
  challenges: ChallengeStore;
  /** Certificate orders and renewals (a BullMQ queue). */
  certs: CertRenewals;
}
