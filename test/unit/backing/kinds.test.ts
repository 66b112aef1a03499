import test from 'ava';
import { SERVICE_KINDS, checkKind, databaseName, kindOf } from '../../../src/backing/kinds.js';
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
  for (const kind of Object.values(SERVICE_KINDS)) t.true(kind.dockerfile.startsWith('FROM paas/stack:bookworm'), kind.name);
});

test('CI add-ons are the same kinds: one image per kind', (t) => {
  const addons = requestedAddons({ environments: { test: { addons: ['heroku-postgresql', { plan: 'heroku-redis' }, 'mysql'] } } });
  t.deepEqual(
    addons.map((a) => a.image),
    [SERVICE_KINDS.postgres.image, SERVICE_KINDS.redis.image, SERVICE_KINDS.mysql.image],
  );
  t.throws(() => requestedAddons({ environments: { test: { addons: ['mongolab'] } } }), { message: /is not supported \(postgres, redis and mysql are\)/ });
});
