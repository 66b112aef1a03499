import test from 'ava';
import { SERVICE_KINDS, checkKind, databaseName, defaultRelease, kindOf, releaseOf, upgradeTarget } from '../../../src/backing/kinds.js';
import { requestedAddons } from '../../../src/verify/addons.js';

test('kinds as users and app.json name them: Heroku plans, Dokku names, MariaDB for MySQL', (t) => {
  t.is(kindOf('heroku-postgresql:essential-0')?.name, 'postgres');
  t.is(kindOf('postgresql')?.name, 'postgres');
  t.is(kindOf('heroku-redis:mini')?.name, 'redis');
  t.is(kindOf('mariadb')?.name, 'mysql');
  t.is(kindOf('jawsdb:kitefin')?.name, 'mysql');
  t.is(kindOf('papertrail'), undefined);
  t.throws(() => checkKind('mongodb'), { message: 'unknown service kind "mongodb": use postgres, redis, mysql or mariadb' });
});

test('URLs have the names Heroku and Dokku apps read, with the password and the database', (t) => {
  t.is(SERVICE_KINDS.postgres.url('paas-postgres-db', 'pw', 'db'), 'postgres://postgres:pw@paas-postgres-db:5432/db');
  t.is(SERVICE_KINDS.redis.url('paas-redis-c', 'pw', 'x'), 'redis://:pw@paas-redis-c:6379');
  t.is(SERVICE_KINDS.mysql.url('paas-mysql-s', 'pw', 'shop_db'), 'mysql://mysql:pw@paas-mysql-s:3306/shop_db');
  t.deepEqual(
    Object.values(SERVICE_KINDS).map((k) => k.envVar),
    ['DATABASE_URL', 'REDIS_URL', 'DATABASE_URL'],
  );
  t.is(databaseName('my-shop-db'), 'my_shop_db');
});

test('every kind is built on the local stack image: nothing is pulled', (t) => {
  for (const kind of Object.values(SERVICE_KINDS)) {
    t.true(defaultRelease(kind).dockerfile.startsWith('FROM paas/stack:bookworm'), kind.name);
    for (const release of kind.releases) t.true(release.dockerfile.startsWith(`FROM paas/stack:${release.suite}\n`), `${kind.name} ${release.version}`);
  }
});

test("each kind has bookworm's version as its default and trixie's as the one to upgrade to", (t) => {
  const versions = Object.fromEntries(Object.values(SERVICE_KINDS).map((k) => [k.name, k.releases.map((r) => `${r.version} ${r.suite}`)]));
  t.deepEqual(versions, { postgres: ['15 bookworm', '17 trixie'], redis: ['7 bookworm', '8 trixie'], mysql: ['10.11 bookworm', '11.8 trixie'] });
  t.is(defaultRelease(SERVICE_KINDS.postgres).version, '15');
  t.is(releaseOf(SERVICE_KINDS.postgres, '17').image, 'paas/service-postgres:trixie');
  t.is(releaseOf(SERVICE_KINDS.redis, '8.0').version, '8');
  t.throws(() => releaseOf(SERVICE_KINDS.postgres, '16'), { message: 'PostgreSQL 16 is not available: use 15 (Debian bookworm) or 17 (Debian trixie)' });
});

test('an upgrade goes to a newer version only, and says what to do otherwise', (t) => {
  t.is(upgradeTarget(SERVICE_KINDS.postgres, '15', '17').version, '17');
  t.throws(() => upgradeTarget(SERVICE_KINDS.postgres, '17', '17'), { message: 'it runs PostgreSQL 17 already: nothing to upgrade' });
  t.throws(() => upgradeTarget(SERVICE_KINDS.mysql, '11.8', '10.11'), {
    message: /^MySQL \(MariaDB\) 10\.11 is older than 11\.8, .*: create a service at 10\.11 and restore a backup into it instead$/,
  });
  t.throws(() => upgradeTarget(SERVICE_KINDS.redis, '7', '9'), { message: /Redis 9 is not available: use 7 \(Debian bookworm\) or 8/ });
});

test('CI add-ons are the same kinds: one image per kind', (t) => {
  const addons = requestedAddons({ environments: { test: { addons: ['heroku-postgresql', { plan: 'heroku-redis' }, 'mysql'] } } });
  t.deepEqual(
    addons.map((a) => defaultRelease(a).image),
    ['paas/service-postgres:bookworm', 'paas/service-redis:bookworm', 'paas/service-mysql:bookworm'],
  );
  t.throws(() => requestedAddons({ environments: { test: { addons: ['mongolab'] } } }), { message: /is not supported \(postgres, redis and mysql are\)/ });
});
