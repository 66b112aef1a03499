// Backing services as a Heroku or Dokku user meets them: a Node app that counts visits in Postgres and caches in
// Redis, pushed unchanged with its app.json addons, keeps its count through deploys, a rollback, a service restart,
// a stop of every container and a daemon kill; a backup survives a DROP TABLE; unlinking takes the URL away; and
// neither another app nor its collaborator can reach or read the service.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { CLI, commitAll, docker, fixtureRepo, freePort, removeApps, removeServices, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const app = uniqueName('svc');
const other = `${app}-o`;
const pg = `${app}-postgres`;
const cache = `${app}-redis`;
const sql = `${app}-db`;
let daemon: Daemon;
let repo: string;
let collaboratorKey: string;
/** Scheduled backups are looked for every second here (every minute by default). */
const ENV = { PAAS_BACKUP_CHECK_INTERVAL: '1' };

/** Visits the counter: the count it answers with (it inserts a row per visit). */
async function visit(): Promise<number> {
  const r = await daemon.get(app, '/');
  const count = /^visits: (\d+)\n$/.exec(r.body)?.[1];
  if (r.status !== 200 || count === undefined) throw new Error(`visit answered ${r.status} ${JSON.stringify(r.body)}`);
  return Number(count);
}

/** Visits until the app answers (after a restart), for up to two minutes. */
async function visitWhenUp(): Promise<number> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await visit();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

const asCollaborator = (args: string[], input?: string) => daemon.ssh(args, { keyFile: collaboratorKey, ...(input !== undefined ? { input } : {}) });

test.before(async () => {
  daemon = await startDaemon({ env: ENV });
  repo = await fixtureRepo('node-postgres-redis');
});

test.after.always(async () => {
  await daemon?.stop();
  await removeServices([pg, cache, sql]);
  await removeApps([app, other]);
});

test.serial('app.json addons provision and link Postgres and Redis on the first push; the app counts in one and caches in the other', async (t) => {
  const push = await daemon.push(repo, app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /app\.json addons not offered here, skipped: papertrail/);
  t.regex(push.output, new RegExp(`Linked ${pg} \\(PostgreSQL, from app.json addons\\) as DATABASE_URL`));
  t.regex(push.output, new RegExp(`Linked ${cache} \\(Redis, from app.json addons\\) as REDIS_URL`));
  const first = await visit();
  t.is(await visit(), first + 1);
  t.is((await daemon.get(app, '/cached')).body, `cached: ${first + 1}\n`);
  const listed = JSON.parse((await daemon.paas(['services', '--json'])).stdout) as { name: string; state: string; linkedApps: string[] }[];
  t.like(
    listed.find((s) => s.name === pg),
    { state: 'running', linkedApps: [app] },
  );
  const config = (await daemon.paas(['config', app, '--json'])).stdout;
  t.regex(config, new RegExp(`"DATABASE_URL": "postgres://postgres:[0-9a-f]{32}@paas-postgres-${pg}:5432/${pg.replace(/-/g, '_')}"`));
});

test.serial('the count survives a deploy, a rollback, a service restart, a reboot and a daemon kill', async (t) => {
  let last = await visit();
  const next = async (what: string) => {
    const now = await visitWhenUp();
    t.true(now > last, `${what}: the count went on from ${last} (got ${now})`);
    last = now;
  };
  await commitAll(repo, 'readme', { 'README.md': '# visit-counter\n\nNow with a longer README.\n' });
  t.is((await daemon.push(repo, app)).code, 0);
  await next('after a deploy');
  t.is((await daemon.paas(['rollback', app])).code, 0);
  await next('after a rollback');
  t.is((await daemon.paas(['ps:restart', app])).code, 0);
  await next('after ps:restart');
  await docker.getContainer(`paas-service.${pg}`).restart({ t: 10 });
  await next('after the service restarted');

  // A reboot, as the engine sees it: every container of the app and its services stops, then starts again.
  const ours = [
    ...(await docker.listContainers({ filters: { label: [`paas.app=${app}`] } })),
    ...(await docker.listContainers({ filters: { label: [`paas.service=${pg}`] } })),
    ...(await docker.listContainers({ filters: { label: [`paas.service=${cache}`] } })),
  ];
  await Promise.all(ours.map((c) => docker.getContainer(c.Id).stop({ t: 5 })));
  await Promise.all(ours.map((c) => docker.getContainer(c.Id).start()));
  await next('after every container stopped and started again');

  // The daemon dies while the database is down: the next daemon brings the database back.
  await docker.getContainer(`paas-service.${pg}`).stop({ t: 5 });
  const ports = { dataDir: daemon.dataDir, sshPort: daemon.sshPort, httpPort: daemon.httpPort, httpsPort: daemon.httpsPort };
  daemon.kill();
  await daemon.stop();
  daemon = await startDaemon({ reuse: ports, env: ENV });
  await next('after the daemon was killed while the database was stopped, and restarted');
});

test.serial('a backup, a DROP TABLE and a restore give the rows back; export streams the same dump', async (t) => {
  const rows = (await daemon.get(app, '/count')).body;
  const backup = await daemon.paas(['services:backup', pg]);
  t.is(backup.code, 0, backup.output);
  const name = /Backup (\S+\.dump) \(/.exec(backup.stdout)?.[1];
  t.truthy(name, backup.stdout);
  const two = await daemon.paas(['services:connect', '-a', app]);
  t.regex(two.stderr, /has 2 linked services \(.*\): name one/, 'with two linked services, -a APP asks which');
  const dropped = await daemon.paas(['services:connect', pg], 'DROP TABLE visits;\n');
  t.regex(dropped.stdout, /DROP TABLE/);
  t.is((await daemon.get(app, '/count')).status, 500, 'the table is gone');
  const restored = await daemon.paas(['services:restore', pg, name!]);
  t.is(restored.code, 0, restored.output);
  t.is((await daemon.get(app, '/count')).body, rows, 'every row is back');

  const listed = JSON.parse((await daemon.paas(['services:backups', pg, '--json'])).stdout) as { name: string; bytes: number }[];
  const exported = spawnSync('node', [CLI, '--data-dir', daemon.dataDir, 'services:export', pg], { maxBuffer: 1 << 30 });
  t.is(exported.status, 0);
  t.is(exported.stdout.subarray(0, 5).toString(), 'PGDMP');
  t.is(exported.stdout.length, listed.find((b) => b.name === name)!.bytes);
  const traversal = await daemon.paas(['services:restore', pg, '../../paas.sqlite3']);
  t.not(traversal.code, 0);
  t.regex(traversal.output, /"\.\.\/\.\.\/paas\.sqlite3" is not a backup of/, 'a backup name is never a path');
});

/** What a Postgres server at 127.0.0.1:PORT answers a TLS request with ("N": it speaks Postgres, without TLS), or the error. */
function postgresAnswer(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const request = Buffer.alloc(8);
    request.writeInt32BE(8, 0);
    request.writeInt32BE(80877103, 4);
    socket.on('connect', () => socket.write(request));
    socket.once('data', (d) => (resolve(d.toString('latin1')), socket.destroy()));
    socket.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    socket.setTimeout(3000, () => (resolve('timeout'), socket.destroy()));
  });
}

test.serial('expose publishes the port on the host for tools there; unexpose takes it away; data and links stay', async (t) => {
  const before = (await daemon.get(app, '/count')).body;
  const port = await freePort();
  const exposed = await daemon.paas(['services:expose', pg, String(port)]);
  t.is(exposed.code, 0, exposed.output);
  t.is(await postgresAnswer(port), 'N', 'Postgres answers on the host port');
  t.regex((await daemon.paas(['services:info', pg])).stdout, new RegExp(`Exposed:\\s+127\\.0\\.0\\.1:${port}`));
  t.is(await visitWhenUp(), Number(before) + 1, 'the app still reaches it, with its data');
  t.is((await daemon.paas(['services:unexpose', pg])).code, 0);
  t.is(await postgresAnswer(port), 'ECONNREFUSED', 'nothing listens there any more');
  t.is(await visitWhenUp(), Number(before) + 2);
  t.is((await daemon.paas(['services:expose', pg, '80'])).code, 2, 'ports below 1024 are refused');
});

test.serial('unlinking takes the URL away in a new release; destroy is refused while linked and asks for the name', async (t) => {
  const unlink = await daemon.paas(['services:unlink', app, cache]);
  t.is(unlink.code, 0, unlink.output);
  // With one linked service left, -a APP finds it (as Heroku's pg:psql finds the app's database).
  t.regex((await daemon.paas(['services:connect', '-a', app], 'SELECT 40 + 2 AS answer;\n')).stdout, /answer\s*\n-+\s*\n\s*42/);
  t.notRegex((await daemon.paas(['config', app])).stdout, /REDIS_URL/);
  t.is((await daemon.get(app, '/cached')).body, 'no cache\n');
  await visit();

  const linked = await daemon.paas(['services:destroy', pg, '--confirm', pg]);
  t.not(linked.code, 0);
  t.regex(linked.stderr, new RegExp(`${pg} is linked to ${app}: unlink it first`));
  const unconfirmed = await daemon.paas(['services:destroy', cache]);
  t.regex(unconfirmed.stderr, new RegExp(`confirm with --confirm ${cache}`));
  t.truthy(await docker.getVolume(`paas-service.${cache}.data`).inspect(), 'nothing was deleted');
  t.is((await daemon.paas(['services:destroy', cache, '--confirm', cache])).code, 0);
  await t.throwsAsync(docker.getVolume(`paas-service.${cache}.data`).inspect(), undefined, 'its data went with it');
});

test.serial('a new service never adopts or deletes data an earlier one left, nor takes a name in use', async (t) => {
  const orphan = `${app}-orphan`;
  await docker.createVolume({ Name: `paas-service.${orphan}.data` });
  try {
    const refused = await daemon.paas(['services:create', 'redis', orphan]);
    t.not(refused.code, 0);
    t.regex(refused.output, new RegExp(`a data volume paas-service\\.${orphan}\\.data exists from an earlier service`));
    t.truthy(await docker.getVolume(`paas-service.${orphan}.data`).inspect(), 'left as it was');
  } finally {
    await docker
      .getVolume(`paas-service.${orphan}.data`)
      .remove()
      .catch(() => undefined);
  }
  t.regex((await daemon.paas(['services:create', 'redis', pg])).output, new RegExp(`a service named "${pg}" exists already`));
});

test.serial('another app cannot reach the service, and its collaborator cannot read, link, connect to or back it up', async (t) => {
  const otherRepo = await fixtureRepo('dockerfile-hello');
  t.is((await daemon.push(otherRepo, other)).code, 0);
  const info = await docker.getContainer(`paas-service.${pg}`).inspect();
  const addresses = Object.values(info.NetworkSettings.Networks).map((n) => n.IPAddress);
  t.true(addresses.length >= 2, 'on its own network and its app');
  for (const target of [`paas-postgres-${pg}`, ...addresses]) {
    const probe = await daemon.paas(['run', other, 'sh', '-c', `busybox nc -z -w 2 ${target} 5432 && echo reached || echo unreachable`]);
    t.regex(probe.stdout, /unreachable/, `${target} from another app`);
  }
  collaboratorKey = path.join(daemon.dataDir, 'other_key');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', collaboratorKey]);
  t.is((await daemon.paas(['keys:add', 'other-dev', '--app', other], fs.readFileSync(collaboratorKey + '.pub', 'utf8'))).code, 0);
  for (const args of [
    ['services:info', pg],
    ['services:backup', pg],
    ['services:backups', pg],
    ['services:export', pg],
    ['services:link', other, pg],
    ['services:connect', pg],
  ]) {
    const tried = await asCollaborator(args, 'SELECT 1;\n');
    t.not(tried.code, 0, args.join(' '));
    t.regex(tried.stderr, /permission denied/, args.join(' '));
    t.notRegex(tried.stdout, /postgres:\/\//);
  }
  t.notRegex((await asCollaborator(['services'])).stdout, new RegExp(pg), 'the list does not show it');
  t.is((await asCollaborator(['services:create', 'postgres', `${other}-x`])).code, 1, 'creating services takes an admin');
});

test.serial('MySQL: created, linked under an alias, queried through services:connect over SSH, backed up and restored', async (t) => {
  const created = await daemon.paas(['services:create', 'mariadb', sql]);
  t.is(created.code, 0, created.output);
  // Scheduled backups: the first is due at once (there is none yet).
  t.is((await daemon.paas(['services:backups:schedule', sql, '--every', '1h', '--keep', '3'])).code, 0);
  t.regex((await daemon.paas(['services:info', sql])).stdout, /Backed up:\s+every 1h, the newest 3 kept/);
  const deadline = Date.now() + 30_000;
  let scheduled: { name: string }[] = [];
  while (scheduled.length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    scheduled = JSON.parse((await daemon.paas(['services:backups', sql, '--json'])).stdout) as { name: string }[];
  }
  t.is(scheduled.length, 1, 'a scheduled backup was taken');
  t.is((await daemon.paas(['services:backups:schedule', sql, '--off'])).code, 0);
  const link = await daemon.paas(['services:link', other, sql, '--as', 'shop_db']);
  t.is(link.code, 0, link.output);
  t.regex(
    (await daemon.paas(['config:get', other, 'SHOP_DB_URL'])).stdout,
    new RegExp(`^mysql://mysql:[0-9a-f]{32}@paas-mysql-${sql}:3306/${sql.replace(/-/g, '_')}\n$`),
  );
  // The collaborator of the linked app may now use it, over SSH like `run`.
  const made = await asCollaborator(['services:connect', sql], 'CREATE TABLE t (x int); INSERT INTO t VALUES (7), (8);\n');
  t.is(made.code, 0, made.output);
  const backup = await asCollaborator(['services:backup', sql]);
  t.is(backup.code, 0, backup.output);
  const name = /Backup (\S+\.sql) \(/.exec(backup.stdout)![1]!;
  await asCollaborator(['services:connect', sql], 'DROP TABLE t;\n');
  t.is((await asCollaborator(['services:restore', sql, name])).code, 0);
  t.regex((await asCollaborator(['services:connect', sql], 'SELECT sum(x) AS total FROM t;\n')).stdout, /total\n15\n/);

  // apps:destroy unlinks and takes the service off the app's network, and never touches its data.
  t.is((await daemon.paas(['apps:destroy', other, '--confirm', other])).code, 0);
  const info = JSON.parse((await daemon.paas(['services:info', sql, '--json'])).stdout) as { linkedApps: string[]; state: string };
  t.like(info, { linkedApps: [], state: 'running' });
  t.deepEqual(Object.keys((await docker.getContainer(`paas-service.${sql}`).inspect()).NetworkSettings.Networks), [`paas-service.${sql}`]);
  t.regex((await daemon.paas(['services:connect', sql], 'SELECT sum(x) AS total FROM t;\n')).stdout, /total\n15\n/);
});
