import test from 'ava';
import { checkServiceName, linkVar, mayUseService, serviceUrl, unitOf } from '../../../src/backing/service-unit.js';
import { SERVICE_KINDS } from '../../../src/backing/kinds.js';
import { clientContainerSpec, serviceContainerSpec, serviceVolumes } from '../../../src/docker/service-container.js';
import { appJsonAddons } from '../../../src/backing/service-links.js';
import { backupName, checkBackupName } from '../../../src/backing/backup-files.js';
import type { ServiceRow } from '../../../src/store/backing-services.js';

const row: ServiceRow = { name: 'shop-db', kind: 'postgres', version: '15', generation: 0, password: 'a1b2c3', createdAt: '2026-12-02T00:00:00.000Z' };

test('a link sets the kind var, or an alias as Dokku names it', (t) => {
  t.is(linkVar(SERVICE_KINDS.postgres, undefined), 'DATABASE_URL');
  t.is(linkVar(SERVICE_KINDS.postgres, 'analytics_db'), 'ANALYTICS_DB_URL');
  t.is(linkVar(SERVICE_KINDS.redis, 'SESSIONS_URL'), 'SESSIONS_URL');
  t.throws(() => linkVar(SERVICE_KINDS.redis, 'x=1;rm'), { message: /--as "x=1;rm": use letters, digits and underscores/ });
});

test('service names are DNS labels: they name containers, networks and host names', (t) => {
  t.is(checkServiceName('shop-db'), 'shop-db');
  for (const bad of ['Shop', 'a.b', '../x', '-x', '']) t.throws(() => checkServiceName(bad), { message: /invalid service name/ });
});

test('the app reaches the service by its alias on the app network, with its database', (t) => {
  t.is(serviceUrl(row), 'postgres://postgres:a1b2c3@paas-postgres-shop-db:5432/shop_db');
});

test('who may use a service: an admin, or a collaborator of an app it is linked to', (t) => {
  const links = [{ app: 'shop' }];
  t.true(mayUseService({ kind: 'admin', name: 'root' }, []));
  t.true(mayUseService({ kind: 'collaborator', name: 'dev', apps: ['shop'] }, links));
  t.false(mayUseService({ kind: 'collaborator', name: 'dev', apps: ['blog'] }, links));
  t.false(mayUseService({ kind: 'collaborator', name: 'dev', apps: ['shop'] }, []), 'an unlinked service is the admins’ only');
});

test('the server container keeps its data on its own volume, restarts with the engine, sits on its own network only, and gets its secret as environment', (t) => {
  const spec = serviceContainerSpec(unitOf(row));
  t.is(spec.name, 'paas-service.shop-db');
  t.deepEqual(spec.HostConfig?.Mounts, [{ Type: 'volume', Source: 'paas-service.shop-db.data', Target: '/data' }]);
  t.is(spec.HostConfig?.RestartPolicy?.Name, 'unless-stopped');
  t.is(spec.HostConfig?.NetworkMode, 'paas-service.shop-db');
  t.deepEqual(Object.keys(spec.NetworkingConfig?.EndpointsConfig ?? {}), ['paas-service.shop-db']);
  t.true(spec.Env?.includes('PAAS_SERVICE_PASSWORD=a1b2c3'));
  t.false(JSON.stringify(spec.Cmd).includes('a1b2c3'), 'the password is not in the command');
  t.is(spec.Labels?.['paas.app'], undefined, 'no app owns it: app cleanup never removes it');
  const client = clientContainerSpec(unitOf(row), SERVICE_KINDS.postgres.client);
  t.is(client.HostConfig?.NetworkMode, 'paas-service.shop-db');
  t.true(client.Env?.includes('PAAS_SERVICE_HOST=paas-postgres-shop-db'));
});

test("each version runs its own image on its own volume; the first version's volume keeps the name it always had", (t) => {
  const v15 = serviceContainerSpec(unitOf(row));
  const v17 = serviceContainerSpec(unitOf({ ...row, version: '17' }));
  t.is(v15.Image, 'paas/service-postgres:bookworm');
  t.is(v17.Image, 'paas/service-postgres:trixie');
  t.deepEqual(v17.HostConfig?.Mounts, [{ Type: 'volume', Source: 'paas-service.shop-db.data-17', Target: '/data' }]);
  t.deepEqual(serviceVolumes('shop-db', SERVICE_KINDS.mysql), ['paas-service.shop-db.data', 'paas-service.shop-db.data-11-8']);
  t.is(
    clientContainerSpec(unitOf({ ...row, version: '17' }), SERVICE_KINDS.postgres.restore, 'paas-service.shop-db.upgrade').HostConfig?.NetworkMode,
    'paas-service.shop-db.upgrade',
  );
  t.throws(() => unitOf({ ...row, version: '9.6' }), { message: /PostgreSQL 9\.6 is not available/ });
});

test('app.json addons: the kinds offered here, the others named and skipped', (t) => {
  t.deepEqual(appJsonAddons({ addons: ['heroku-postgresql:essential-0', { plan: 'heroku-redis:mini' }, 'papertrail', 'heroku-postgresql'] }), {
    kinds: ['postgres', 'redis'],
    skipped: ['papertrail'],
  });
  t.deepEqual(appJsonAddons({}), { kinds: [], skipped: [] });
  t.throws(() => appJsonAddons({ addons: 'heroku-postgresql' }), { message: /app.json addons must be a list/ });
});

test('backups are named by service and time, and a name given back is never a path', (t) => {
  const name = backupName('shop-db', 'dump', new Date('2026-12-02T07:06:19.579Z'));
  t.is(name, 'shop-db-20261202T070619579Z.dump');
  t.is(checkBackupName('shop-db', name), name);
  for (const bad of ['../../paas.sqlite3', 'other-20261202T070619579Z.dump', `${name}/x`, 'shop-db-20261202T070619579Z.dump.partial'])
    t.throws(() => checkBackupName('shop-db', bad), { message: /is not a backup of shop-db/ });
});
