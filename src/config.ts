// Settings, read once here from flags and the environment, then passed down. Nothing else in the daemon reads
// process.env; the git hook (hooks/pre-receive.ts, a process of its own) reads what the daemon put in its environment.
import os from 'node:os';
import bytes from 'bytes';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PaasError } from './errors.js';
import { parseCidr, type AppNetworks } from './docker/subnets.js';
import { parseCpus, parseMemory, type Limits } from './input/resources.js';

/** A size such as 2g or 500m (bytes, at least 1m). */
function size(name: string, raw: string): number {
  const value = bytes.parse(/^\d+(\.\d+)?[kmgt]$/i.test(raw) ? `${raw}b` : raw);
  if (value === null || !Number.isFinite(value) || value < 1024 * 1024)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${name} must be a size of at least 1m, such as 500m or 2g; got ${JSON.stringify(raw.slice(0, 40))}`);
  return Math.floor(value);
}

export interface Config {
  /** Where the store, repos, host key, Redis and the admin socket live. */
  dataDir: string;
  sshPort: number;
  /** The host name users' git remotes name (PAAS_SSH_HOST; else the domain, or this machine's name for localhost). */
  sshHost: string;
  httpPort: number;
  /** Apps answer at APP.<domain>. */
  domain: string;
  /** External Redis; when unset the server supervises its own redis-server in the data dir. */
  redisUrl: string | undefined;
  /** Postgres URL; when unset the store is SQLite in the data dir. */
  databaseUrl: string | undefined;
  /** How many apps may build at once. */
  concurrency: number;
  /** How long new containers have to pass their health checks. */
  readyTimeoutMs: number;
  /** How long a new container must stay up before it counts as healthy (Dokku's uptime check). */
  checksUptimeSeconds: number;
  /** How long a replaced release's web replicas stay held (frozen) for a rollback that serves at once; 0: never. */
  rollbackWindowSeconds: number;
  /** How long old targets may finish in-flight requests after a swap. */
  drainTimeoutMs: number;
  /** How long the router waits on a silent app (between reads) before it answers 504. */
  upstreamTimeoutMs: number;
  /** The data plane: HAProxy (default), or the in-process router (`node`, the fallback without HAProxy). */
  router: 'haproxy' | 'node';
  /** What builds Dockerfiles: the engine's BuildKit (default), or the classic builder. */
  dockerBuilder: 'buildkit' | 'legacy';
  /** HAProxy's access log, DATA_DIR/haproxy/access.log (PAAS_ACCESS_LOG=0 turns it off). */
  accessLog: boolean;
  /** Seconds between SIGTERM and SIGKILL when old containers stop. */
  stopGraceSeconds: number;
  /** How long a test run may take before it is killed. */
  testTimeoutMs: number;
  /** How many CI runs of one app may run at once. */
  ciConcurrency: number;
  /** Images of this many latest releases are kept as rollback targets. */
  keepReleases: number;
  /** How many review apps one pipeline may have at once (PAAS_REVIEW_APPS_MAX). */
  reviewAppsMax: number;
  /** The daemon's own log file (PAAS_LOG_FILE), kept under logMaxBytes (PAAS_LOG_MAX_SIZE, 10m) by rotation; unset: stderr. */
  logFile: string | undefined;
  logMaxBytes: number;
  /** The most an app's git repository may hold on disk, a push's new objects included (PAAS_REPO_MAX_SIZE, 2g). */
  repoMaxBytes: number;
  /** The folder this package is installed in (holds hooks/ and dist/). */
  installDir: string;
  /** TCP port of the token-only API; undefined: the unix socket only. */
  apiPort: number | undefined;
  apiHost: string;
  /** PEM files for HTTPS on the TCP API; without them it speaks plain HTTP. */
  apiTlsCert: string | undefined;
  apiTlsKey: string | undefined;
  /** The router's HTTPS port (SNI, certificates from the store). */
  httpsPort: number;
  /** ACME directory URL for automatic certificates. */
  acmeDirectory: string;
  acmeEmail: string | undefined;
  /** PEM CA bundle to trust for the ACME server (a private ACME server). */
  acmeCaFile: string | undefined;
  /** New apps get automatic certificates. */
  certsAutoDefault: boolean;
  /**
   * Tests only: the step at which the daemon kills itself (SIGKILL) during the next deploy or release, to prove
   * that what a crash leaves behind is reconciled on start. Unset in production.
   */
  faultPoint: string | undefined;
  /** Where app networks get their /24 subnets, and their driver. */
  appNetworks: AppNetworks;
  /** Where apps' processes run: the local engine, or the Swarm cluster this engine manages. */
  scheduler: 'docker' | 'swarm';
  /** Under Swarm: the registry nodes pull release images from (the daemon's own when `url` is unset). */
  registry: RegistrySetting;
  /** Under Swarm: the cluster's node heartbeat, which decides how soon a lost node's replicas are replaced. */
  swarmHeartbeatSeconds: number;
  /** Limits of every app container unless `resources:set` gives its process type others. */
  defaultLimits: Limits;
  /** How often every replica's CPU and memory are sampled (an hour of samples is kept). */
  metricsIntervalMs: number;
  /** How often the daemon looks for scheduled service backups that are due. */
  backupCheckMs: number;
  /** Certificates are renewed this many days before they expire. */
  certsRenewDays: number;
  /** How often the renewal check runs. */
  certsCheckSeconds: number;
  /** First retry delay of a failed renewal (doubling on each retry). */
  certsRetrySeconds: number;
}

export const ACME_DIRECTORIES: Record<string, string> = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

function acmeDirectory(raw: string | undefined): string {
  const value = raw || 'production';
  if (ACME_DIRECTORIES[value]) return ACME_DIRECTORIES[value]!;
  if (!/^https?:\/\/[^\s]+$/.test(value)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `PAAS_ACME_DIRECTORY must be production, staging or an ACME directory URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function flag(name: string, raw: string | undefined): boolean {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new PaasError('PAAS_ERR_INVALID_INPUT', `${name} must be 1 or 0, got ${JSON.stringify(raw)}`);
}

/** The image registry of a Swarm cluster: the daemon's own on `listen`, or an external one at `url`. */
export interface RegistrySetting {
  /** HOST:PORT of an external registry; unset: the daemon runs Debian's docker-registry itself. */
  url: string | undefined;
  username: string | undefined;
  password: string | undefined;
  /** The daemon's own registry's port (on the manager's Swarm address). */
  port: number;
}

/** Flags as the CLI parser gives them: strings, or absent. */
export interface ConfigFlags {
  dataDir?: string;
  sshPort?: string;
  httpPort?: string;
  domain?: string;
  apiPort?: string;
  httpsPort?: string;
  router?: string;
  scheduler?: string;
}

const INSTALL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function routerKind(raw: string | undefined): 'haproxy' | 'node' {
  if (raw === undefined || raw === '' || raw === 'haproxy') return 'haproxy';
  if (raw === 'node') return 'node';
  throw new PaasError('PAAS_ERR_INVALID_INPUT', `--router (PAAS_ROUTER) must be haproxy or node, got ${JSON.stringify(raw.slice(0, 40))}`);
}

function dockerBuilder(raw: string | undefined): 'buildkit' | 'legacy' {
  if (raw === undefined || raw === '' || raw === 'buildkit') return 'buildkit';
  if (raw === 'legacy') return 'legacy';
  throw new PaasError('PAAS_ERR_INVALID_INPUT', `PAAS_DOCKER_BUILDER must be buildkit or legacy, got ${JSON.stringify(raw.slice(0, 40))}`);
}

function port(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${name} must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function schedulerKind(raw: string | undefined): 'docker' | 'swarm' {
  if (raw === undefined || raw === '' || raw === 'docker') return 'docker';
  if (raw === 'swarm') return 'swarm';
  throw new PaasError('PAAS_ERR_INVALID_INPUT', `--scheduler (PAAS_SCHEDULER) must be docker or swarm, got ${JSON.stringify(raw.slice(0, 40))}`);
}

function registryUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (!/^[a-z0-9.-]+(:\d{1,5})?$/i.test(raw))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `PAAS_REGISTRY must be HOST or HOST:PORT (no scheme, no path), got ${JSON.stringify(raw.slice(0, 80))}`);
  return raw;
}

function seconds(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 3600) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${name} must be a number of seconds from 0 to 3600, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function networkPool(raw: string | undefined): string {
  const pool = raw || '10.231.0.0/16';
  const bits = Number(pool.split('/')[1]);
  parseCidr(pool);
  if (!(bits <= 24))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `PAAS_NETWORK_POOL must be an IPv4 range of /24 or larger, such as 10.231.0.0/16; got ${JSON.stringify(pool)}`,
    );
  return pool;
}

/** Reads the settings: a flag wins over its environment variable, which wins over the default. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const domain = (flags.domain ?? env.PAAS_DOMAIN ?? 'localhost').toLowerCase();
  if (!/^[a-z0-9.-]+$/.test(domain)) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `domain must be a host name, got ${JSON.stringify(domain)}`);
  }
  return {
    dataDir: path.resolve(flags.dataDir ?? env.PAAS_DATA_DIR ?? '/var/lib/paas'),
    sshPort: port('--ssh-port', flags.sshPort ?? env.PAAS_SSH_PORT, 2222),
    sshHost: env.PAAS_SSH_HOST || (domain === 'localhost' ? os.hostname() : domain),
    httpPort: port('--http-port', flags.httpPort ?? env.PAAS_HTTP_PORT, 80),
    domain,
    redisUrl: env.REDIS_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    concurrency: positiveInt('PAAS_CONCURRENCY', env.PAAS_CONCURRENCY, os.cpus().length),
    readyTimeoutMs: positiveInt('PAAS_READY_TIMEOUT', env.PAAS_READY_TIMEOUT, 60) * 1000,
    checksUptimeSeconds: seconds('PAAS_CHECKS_UPTIME', env.PAAS_CHECKS_UPTIME, 1.5),
    rollbackWindowSeconds: seconds('PAAS_ROLLBACK_WINDOW', env.PAAS_ROLLBACK_WINDOW, 600),
    drainTimeoutMs: positiveInt('PAAS_DRAIN_TIMEOUT', env.PAAS_DRAIN_TIMEOUT, 30) * 1000,
    upstreamTimeoutMs: positiveInt('PAAS_UPSTREAM_TIMEOUT', env.PAAS_UPSTREAM_TIMEOUT, 60) * 1000,
    router: routerKind(flags.router ?? env.PAAS_ROUTER),
    dockerBuilder: dockerBuilder(env.PAAS_DOCKER_BUILDER),
    accessLog: env.PAAS_ACCESS_LOG !== '0',
    stopGraceSeconds: positiveInt('PAAS_STOP_GRACE', env.PAAS_STOP_GRACE, 30),
    testTimeoutMs: positiveInt('PAAS_TEST_TIMEOUT', env.PAAS_TEST_TIMEOUT, 900) * 1000,
    ciConcurrency: positiveInt('PAAS_CI_CONCURRENCY', env.PAAS_CI_CONCURRENCY, 2),
    keepReleases: positiveInt('PAAS_KEEP_RELEASES', env.PAAS_KEEP_RELEASES, 10),
    reviewAppsMax: positiveInt('PAAS_REVIEW_APPS_MAX', env.PAAS_REVIEW_APPS_MAX, 10),
    repoMaxBytes: size('PAAS_REPO_MAX_SIZE', env.PAAS_REPO_MAX_SIZE || '2g'),
    logFile: env.PAAS_LOG_FILE ? path.resolve(env.PAAS_LOG_FILE) : undefined,
    logMaxBytes: size('PAAS_LOG_MAX_SIZE', env.PAAS_LOG_MAX_SIZE || '10m'),
    installDir: env.PAAS_INSTALL_DIR || INSTALL_DIR,
    apiPort: (flags.apiPort ?? env.PAAS_API_PORT) ? port('--api-port', flags.apiPort ?? env.PAAS_API_PORT, 0) : undefined,
    apiHost: env.PAAS_API_HOST || '127.0.0.1',
    apiTlsCert: env.PAAS_API_TLS_CERT || undefined,
    apiTlsKey: env.PAAS_API_TLS_KEY || undefined,
    httpsPort: port('--https-port', flags.httpsPort ?? env.PAAS_HTTPS_PORT, 443),
    acmeDirectory: acmeDirectory(env.PAAS_ACME_DIRECTORY),
    acmeEmail: env.PAAS_ACME_EMAIL || undefined,
    acmeCaFile: env.PAAS_ACME_CA || undefined,
    certsAutoDefault: flag('PAAS_CERTS_AUTO', env.PAAS_CERTS_AUTO),
    appNetworks: { pool: networkPool(env.PAAS_NETWORK_POOL), driver: schedulerKind(flags.scheduler ?? env.PAAS_SCHEDULER) === 'swarm' ? 'overlay' : 'bridge' },
    scheduler: schedulerKind(flags.scheduler ?? env.PAAS_SCHEDULER),
    swarmHeartbeatSeconds: positiveInt('PAAS_SWARM_HEARTBEAT', env.PAAS_SWARM_HEARTBEAT, 1),
    registry: {
      url: registryUrl(env.PAAS_REGISTRY),
      username: env.PAAS_REGISTRY_USER || undefined,
      password: env.PAAS_REGISTRY_PASSWORD || undefined,
      port: port('PAAS_REGISTRY_PORT', env.PAAS_REGISTRY_PORT, 5000),
    },
    faultPoint: env.PAAS_FAULT_POINT || undefined,
    defaultLimits: {
      memory: parseMemory(env.PAAS_DEFAULT_MEMORY || '512m'),
      cpus: parseCpus(env.PAAS_DEFAULT_CPUS || '1'),
      pids: positiveInt('PAAS_DEFAULT_PIDS', env.PAAS_DEFAULT_PIDS, 512),
    },
    metricsIntervalMs: positiveInt('PAAS_METRICS_INTERVAL', env.PAAS_METRICS_INTERVAL, 10) * 1000,
    backupCheckMs: positiveInt('PAAS_BACKUP_CHECK_INTERVAL', env.PAAS_BACKUP_CHECK_INTERVAL, 60) * 1000,
    certsRenewDays: positiveInt('PAAS_CERTS_RENEW_DAYS', env.PAAS_CERTS_RENEW_DAYS, 30),
    certsCheckSeconds: positiveInt('PAAS_CERTS_CHECK_INTERVAL', env.PAAS_CERTS_CHECK_INTERVAL, 12 * 3600),
    certsRetrySeconds: positiveInt('PAAS_CERTS_RETRY_DELAY', env.PAAS_CERTS_RETRY_DELAY, 300),
  };
}

/** The admin API's unix socket. */
export function adminSocketPath(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'paas.sock');
}

/** The URL an app answers at through the router. */
/** The git remote of an app, as `git remote add paas URL` takes it. */
export function gitUrl(config: Pick<Config, 'sshHost' | 'sshPort'>, app: string): string {
  return `ssh://git@${config.sshHost}:${config.sshPort}/${app}`;
}

export function appUrl(config: Pick<Config, 'domain' | 'httpPort'>, app: string): string {
  const port = config.httpPort === 80 ? '' : `:${config.httpPort}`;
  return `http://${app}.${config.domain}${port}`;
}
