// Pure: the one definition of each backing service kind (Postgres, Redis, MySQL as Debian's MariaDB): its image,
// built locally from Debian's packages and shared by runtime services and CI add-ons, how it starts, the URL an app
// gets, and the commands that dump, restore and open a client. Every command here is fixed text: names and
// passwords reach the container as environment variables, never inside a shell string.
import { PaasError } from '../errors.js';
import type { DebianSuite } from '../stack/build-stack.js';

export type ServiceKindName = 'postgres' | 'redis' | 'mysql';

/** One installable version of a kind: Debian's package of it in one suite, as an image built once per host. */
export interface ServiceRelease {
  version: string;
  suite: DebianSuite;
  image: string;
  dockerfile: string;
}

export interface ServiceKind {
  name: ServiceKindName;
  /** What users call it in lists. */
  title: string;
  /**
   * Every version a service may run, oldest first: the first (bookworm's) is what new services and CI add-ons run;
   * `services:upgrade` moves up.
   */
  releases: ServiceRelease[];
  port: number;
  /** Where the service keeps its data (a named volume at runtime). */
  dataDir: string;
  /** The container's command; extra server options go after it. */
  command: string[];
  /** Server options for a throwaway CI add-on: speed over durability. */
  ciOptions: string[];
  /** A command run inside the service container that exits 0 once it takes connections. */
  ready: string[];
  /** The config var a link sets (Heroku's and Dokku's name). */
  envVar: string;
  /** The connection URL for `password` and `database` at `host`. */
  url(host: string, password: string, database: string): string;
  /** A client container's command that writes a consistent dump to stdout (env: PAAS_SERVICE_*). */
  dump: string[];
  /** A client container's command that restores a dump read from stdin. */
  restore: string[];
  /** The interactive client (`services:connect`). */
  client: string[];
  /** File name extension of a dump. */
  dumpExtension: string;
}

/** Runs `script` with sh; "$@" are the extra server options (exec form: nothing here is parsed twice). */
const sh = (script: string) => ['sh', '-c', script, 'sh'];

const APT = (packages: string) =>
  `RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages} && rm -rf /var/lib/apt/lists/*`;

/** A kind's release on `suite`: its image, built from that suite's stack with Debian's `packages`. */
function release(kind: ServiceKindName, version: string, suite: DebianSuite, packages: string, dataOwner: string): ServiceRelease {
  return {
    version,
    suite,
    image: `paas/service-${kind}:${suite}`,
    dockerfile: [
      `FROM paas/stack:${suite}`,
      APT(packages),
      `RUN mkdir -p /data && chown ${dataOwner} /data${kind === 'postgres' ? ' && chmod 700 /data' : ''}`,
    ].join('\n'),
  };
}

const POSTGRES = [
  release('postgres', '15', 'bookworm', 'postgresql postgresql-client', 'postgres'),
  release('postgres', '17', 'trixie', 'postgresql-17 postgresql-client-17', 'postgres'),
];
const REDIS = [release('redis', '7', 'bookworm', 'redis-server', 'redis'), release('redis', '8', 'trixie', 'redis-server redis-tools', 'redis')];
const MYSQL = [
  release('mysql', '10.11', 'bookworm', 'mariadb-server mariadb-client', 'mysql'),
  release('mysql', '11.8', 'trixie', 'mariadb-server mariadb-client', 'mysql'),
];

const AS = (user: string) => `setpriv --reuid=${user} --regid=${user} --init-groups`;

const POSTGRES_START = [
  'set -e',
  'PG=$(ls -d /usr/lib/postgresql/*/bin | tail -n 1)',
  'mkdir -p /run/postgresql && chown postgres /run/postgresql && chown postgres /data && chmod 700 /data',
  'if [ ! -s /data/PG_VERSION ]; then',
  '  umask 077',
  '  printf "%s" "$PAAS_SERVICE_PASSWORD" > /run/postgresql/pw && chown postgres /run/postgresql/pw',
  `  ${AS('postgres')} "$PG/initdb" -D /data -U postgres -A scram-sha-256 --pwfile=/run/postgresql/pw > /dev/null`,
  '  rm /run/postgresql/pw',
  '  echo "host all all all scram-sha-256" >> /data/pg_hba.conf',
  `  [ "$PAAS_SERVICE_DATABASE" = postgres ] || echo "CREATE DATABASE \\"$PAAS_SERVICE_DATABASE\\"" | ${AS('postgres')} "$PG/postgres" --single -D /data postgres > /dev/null`,
  'fi',
  `exec ${AS('postgres')} "$PG/postgres" -D /data -c listen_addresses='*' "$@"`,
].join('\n');

const REDIS_START = [
  'set -e',
  'chown redis /data',
  'umask 077',
  'printf "requirepass %s\\nbind 0.0.0.0 ::\\nprotected-mode no\\ndir /data\\nappendonly yes\\nrepl-diskless-sync-delay 0\\n" "$PAAS_SERVICE_PASSWORD" > /run/redis.conf',
  'chown redis /run/redis.conf',
  // A restored dump (services:restore) is loaded as the data set; the append-only file is then rewritten from it.
  'if [ -s /data/restore.rdb ]; then',
  '  rm -rf /data/appendonlydir && mv /data/restore.rdb /data/dump.rdb && chown redis /data/dump.rdb',
  '  (until REDISCLI_AUTH="$PAAS_SERVICE_PASSWORD" redis-cli config set appendonly yes 2> /dev/null | grep -q OK; do sleep 0.2; done) &',
  `  exec ${AS('redis')} redis-server /run/redis.conf --appendonly no "$@"`,
  'fi',
  `exec ${AS('redis')} redis-server /run/redis.conf "$@"`,
].join('\n');

const MYSQL_START = [
  'set -e',
  'mkdir -p /run/mysqld && chown mysql /run/mysqld /data',
  'if [ ! -d /data/mysql ]; then',
  '  mariadb-install-db --user=mysql --datadir=/data --skip-test-db > /dev/null',
  `  ${AS('mysql')} mariadbd --datadir=/data --skip-networking --socket=/run/mysqld/init.sock &`,
  '  until mariadb-admin --socket=/run/mysqld/init.sock ping > /dev/null 2>&1; do sleep 0.2; done',
  '  mariadb --socket=/run/mysqld/init.sock -uroot <<SQL',
  'CREATE DATABASE \\`$PAAS_SERVICE_DATABASE\\`;',
  "CREATE USER 'mysql'@'%' IDENTIFIED BY '$PAAS_SERVICE_PASSWORD';",
  "GRANT ALL ON \\`$PAAS_SERVICE_DATABASE\\`.* TO 'mysql'@'%';",
  "ALTER USER 'root'@'localhost' IDENTIFIED BY '$PAAS_SERVICE_PASSWORD';",
  'SQL',
  '  mariadb-admin --socket=/run/mysqld/init.sock -uroot -p"$PAAS_SERVICE_PASSWORD" shutdown',
  '  wait',
  'fi',
  `exec ${AS('mysql')} mariadbd --datadir=/data --bind-address=0.0.0.0 --socket=/run/mysqld/mysqld.sock "$@"`,
].join('\n');

export const SERVICE_KINDS: Record<ServiceKindName, ServiceKind> = {
  postgres: {
    name: 'postgres',
    title: 'PostgreSQL',
    releases: POSTGRES,
    port: 5432,
    dataDir: '/data',
    command: sh(POSTGRES_START),
    ciOptions: ['-c', 'fsync=off', '-c', 'synchronous_commit=off'],
    ready: ['pg_isready', '-q', '-h', '127.0.0.1', '-U', 'postgres'],
    envVar: 'DATABASE_URL',
    url: (host, password, database) => `postgres://postgres:${password}@${host}:5432/${database}`,
    dump: sh('PGPASSWORD="$PAAS_SERVICE_PASSWORD" exec pg_dump -Fc -h "$PAAS_SERVICE_HOST" -U postgres "$PAAS_SERVICE_DATABASE"'),
    restore: sh(
      'PGPASSWORD="$PAAS_SERVICE_PASSWORD" exec pg_restore --clean --if-exists --no-owner -h "$PAAS_SERVICE_HOST" -U postgres -d "$PAAS_SERVICE_DATABASE"',
    ),
    client: sh('PGPASSWORD="$PAAS_SERVICE_PASSWORD" exec psql -h "$PAAS_SERVICE_HOST" -U postgres "$PAAS_SERVICE_DATABASE"'),
    dumpExtension: 'dump',
  },
  redis: {
    name: 'redis',
    title: 'Redis',
    releases: REDIS,
    port: 6379,
    dataDir: '/data',
    command: sh(REDIS_START),
    ciOptions: ['--appendonly', 'no', '--save', ''],
    ready: sh('REDISCLI_AUTH="$PAAS_SERVICE_PASSWORD" redis-cli ping 2> /dev/null | grep -q PONG'),
    envVar: 'REDIS_URL',
    url: (host, password) => `redis://:${password}@${host}:6379`,
    dump: sh('REDISCLI_AUTH="$PAAS_SERVICE_PASSWORD" redis-cli -h "$PAAS_SERVICE_HOST" --rdb /tmp/dump.rdb > /dev/null && exec cat /tmp/dump.rdb'),
    // Redis has no logical restore: the dump becomes the data set at the next start (see the service's command).
    restore: [],
    client: sh('REDISCLI_AUTH="$PAAS_SERVICE_PASSWORD" exec redis-cli -h "$PAAS_SERVICE_HOST"'),
    dumpExtension: 'rdb',
  },
  mysql: {
    name: 'mysql',
    title: 'MySQL (MariaDB)',
    releases: MYSQL,
    port: 3306,
    dataDir: '/data',
    command: sh(MYSQL_START),
    ciOptions: ['--innodb-flush-log-at-trx-commit=0'],
    ready: sh('mariadb-admin --socket=/run/mysqld/mysqld.sock -uroot -p"$PAAS_SERVICE_PASSWORD" ping > /dev/null 2>&1'),
    envVar: 'DATABASE_URL',
    url: (host, password, database) => `mysql://mysql:${password}@${host}:3306/${database}`,
    dump: sh(
      'exec mariadb-dump --single-transaction --routines --triggers -h "$PAAS_SERVICE_HOST" -umysql -p"$PAAS_SERVICE_PASSWORD" "$PAAS_SERVICE_DATABASE"',
    ),
    restore: sh('exec mariadb -h "$PAAS_SERVICE_HOST" -umysql -p"$PAAS_SERVICE_PASSWORD" "$PAAS_SERVICE_DATABASE"'),
    client: sh('exec mariadb -h "$PAAS_SERVICE_HOST" -umysql -p"$PAAS_SERVICE_PASSWORD" "$PAAS_SERVICE_DATABASE"'),
    dumpExtension: 'sql',
  },
};

/** Pure: the kind a user or an app.json names: postgres, postgresql, heroku-postgresql:plan, redis, heroku-redis, mysql, mariadb. */
export function kindOf(text: string): ServiceKind | undefined {
  const plan = text
    .toLowerCase()
    .split(':')[0]!
    .replace(/^heroku-/, '');
  if (plan === 'postgres' || plan === 'postgresql') return SERVICE_KINDS.postgres;
  if (plan === 'redis' || plan === 'redistogo' || plan === 'rediscloud') return SERVICE_KINDS.redis;
  if (plan === 'mysql' || plan === 'mariadb' || plan === 'cleardb' || plan === 'jawsdb' || plan === 'jawsdb-maria') return SERVICE_KINDS.mysql;
  return undefined;
}

/** Pure: the kind named on the command line, or a one-line error that lists the kinds. */
export function checkKind(text: string): ServiceKind {
  const kind = kindOf(text);
  if (!kind) throw new PaasError('PAAS_ERR_INVALID_INPUT', `unknown service kind ${JSON.stringify(text.slice(0, 40))}: use postgres, redis, mysql or mariadb`);
  return kind;
}

/** Pure: the database a service of this name holds (names have dashes; SQL identifiers keep underscores). */
export function databaseName(service: string): string {
  return service.replace(/-/g, '_');
}

/** Pure: the release of `kind` at `version` (15, 17; 10.11), or a one-line error naming the versions there are. */
export function releaseOf(kind: ServiceKind, version: string): ServiceRelease {
  const found = kind.releases.find((r) => r.version === version || r.version === version.replace(/\.0$/, ''));
  if (!found)
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `${kind.title} ${version} is not available: use ${kind.releases.map((r) => `${r.version} (Debian ${r.suite})`).join(' or ')}`,
    );
  return found;
}

/** Pure: the release an upgrade of a `kind` service at `from` to `to` goes to, or a one-line error saying why not. */
export function upgradeTarget(kind: ServiceKind, from: string, to: string): ServiceRelease {
  const current = releaseOf(kind, from);
  const target = releaseOf(kind, to);
  const rank = (r: ServiceRelease) => kind.releases.indexOf(r);
  if (target === current) throw new PaasError('PAAS_ERR_INVALID_INPUT', `it runs ${kind.title} ${current.version} already: nothing to upgrade`);
  if (rank(target) < rank(current))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `${kind.title} ${target.version} is older than ${current.version}, and a dump of a newer server may not load in an older one: create a service at ${target.version} and restore a backup into it instead`,
    );
  return target;
}

/** Pure: the version new services and CI add-ons of `kind` run (bookworm's). */
export function defaultRelease(kind: ServiceKind): ServiceRelease {
  return kind.releases[0]!;
}
