// services:upgrade as a Heroku user meets pg:upgrade: the visit counter, linked by its app.json addons to
// PostgreSQL 15 and Redis 7 (bookworm's), keeps its count and its cache when each moves to trixie's version (17,
// 8) by dump and restore, keeps its URL, and the dump stays as a backup. Going back, going nowhere, an unknown
// version and an upgrade of a published service are refused in one line that says what to do.
import test from 'ava';
import { docker, fixtureRepo, freePort, removeApps, removeServices, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const app = uniqueName('upg');
const pg = `${app}-postgres`;
const cache = `${app}-redis`;
const mysql = `${app}-sql`;
let daemon: Daemon;

interface Info {
  version: string;
  state: string;
  upgrades: string[];
  backups: string[];
  linkedApps: string[];
}
const info = async (name: string) => JSON.parse((await daemon.paas(['services:info', name, '--json'])).stdout) as Info;

/** GETs `path` of the app until it answers 200 (it reconnects after its service came back), for up to two minutes. */
async function answer(path: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const r = await daemon.get(app, path).catch(() => ({ status: 0, body: '' }));
    if (r.status === 200) return r.body;
    if (Date.now() > deadline) throw new Error(`${path} answered ${r.status} ${JSON.stringify(r.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
/** Waits (up to a minute) for the daemon's log to show `pattern`: services are restored after the daemon listens. */
async function logShows(pattern: RegExp): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (!pattern.test(daemon.log())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return true;
}
const visits = async () => Number(/^visits: (\d+)\n$/.exec(await answer('/'))?.[1]);

test.before(async () => {
  daemon = await startDaemon();
  const push = await daemon.push(await fixtureRepo('node-postgres-redis'), app);
  if (push.code !== 0) throw new Error(push.output);
});

test.after.always(async () => {
  await daemon?.stop();
  await removeServices([pg, cache, mysql]);
  await removeApps([app]);
});

test.serial('PostgreSQL 15 -> 17 by dump and restore: the rows and the URL stay, the old data is kept as a backup', async (t) => {
  await visits();
  const before = await visits();
  const url = (await daemon.paas(['config:get', app, 'DATABASE_URL'])).stdout;
  t.like(await info(pg), { version: '15', upgrades: ['17'], backups: [] });
  const shown = await daemon.paas(['services:info', pg]);
  t.regex(shown.stdout, new RegExp(`Upgrades: +17 \\(paas services:upgrade ${pg} --version 17\\)`));

  const upgraded = await daemon.paas(['services:upgrade', pg, '--version', '17']);
  t.is(upgraded.code, 0, upgraded.output);
  t.regex(upgraded.stdout, new RegExp(`-----> Upgrading ${pg} from PostgreSQL 15 to PostgreSQL 17 \\(dump and restore\\)`));
  t.regex(upgraded.stdout, new RegExp(`${app} cannot reach ${pg} until the upgrade ends`));
  t.regex(upgraded.stdout, new RegExp(`=====> ${pg} runs PostgreSQL 17 in [\\d.]+ s; linked apps keep their URL\\. The 15 data is kept as backup \\S+\\.dump`));

  t.is(await visits(), before + 1, 'every row came over, and the app writes to the new server');
  t.regex((await daemon.paas(['services:connect', pg], 'SHOW server_version;\n')).stdout, /^ *17\.\d+/m, 'psql talks to PostgreSQL 17');
  t.like(await info(pg), { version: '17', upgrades: [], state: 'running', linkedApps: [app] });
  t.is((await info(pg)).backups.length, 1);
  t.is((await daemon.paas(['config:get', app, 'DATABASE_URL'])).stdout, url, 'no new release: the URL did not change');
  const container = await docker.getContainer(`paas-service.${pg}`).inspect();
  t.is(container.Config.Image, 'paas/service-postgres:trixie');
  t.deepEqual(
    container.Mounts.map((m) => m.Name),
    [`paas-service.${pg}.data-17`],
  );
  const volumes = ((await docker.listVolumes({ filters: { label: [`paas.service=${pg}`] } })).Volumes ?? []).map((v) => v.Name);
  t.deepEqual(volumes, [`paas-service.${pg}.data-17`], 'the 15 volume is gone; its data is in the backup');
  t.deepEqual(
    (await docker.listContainers({ all: true, filters: { label: [`paas.service=${pg}`] } })).map((c) => c.Names[0]),
    [`/paas-service.${pg}`],
    'nothing of the upgrade is left beside it',
  );
});

test.serial('Redis 7 -> 8: the cached value comes over with its data set', async (t) => {
  const count = await visits();
  const upgraded = await daemon.paas(['services:upgrade', cache, '--version', '8']);
  t.is(upgraded.code, 0, upgraded.output);
  t.is(await answer('/cached'), `cached: ${count}\n`, 'the key set before the upgrade is there after it');
  t.like(await info(cache), { version: '8', upgrades: [] });
  t.regex((await daemon.paas(['services:connect', cache], 'INFO server\n')).stdout, /redis_version:8\./);
});

test.serial('going back, going nowhere, an unknown version and a published service are refused in one line, and nothing changes', async (t) => {
  const refused = async (args: string[], message: RegExp) => {
    const r = await daemon.paas(['services:upgrade', ...args]);
    t.not(r.code, 0);
    t.regex(r.stderr, message);
    t.is(r.stderr.trim().split('\n').length, 1, r.stderr);
  };
  await refused([pg, '--version', '17'], /it runs PostgreSQL 17 already: nothing to upgrade/);
  await refused([pg, '--version', '15'], /PostgreSQL 15 is older than 17, .*: create a service at 15 and restore a backup into it instead/);
  await refused([pg, '--version', '16'], /PostgreSQL 16 is not available: use 15 \(Debian bookworm\) or 17 \(Debian trixie\)/);
  t.is((await daemon.paas(['services:create', 'mysql', mysql])).code, 0);
  const port = await freePort();
  t.is((await daemon.paas(['services:expose', mysql, String(port)])).code, 0);
  await refused(
    [mysql, '--version', '11.8'],
    new RegExp(`${mysql} is published on 127\\.0\\.0\\.1:${port}: take it off the host's ports first \\(paas services:unexpose ${mysql}\\)`),
  );
  t.like(await info(mysql), { version: '10.11', state: 'running' });
  t.true((await visits()) > 0, 'the app still counts');
});

test.serial('a daemon killed before the switch leaves the old version serving with its data; the next upgrade goes through', async (t) => {
  t.is((await daemon.paas(['services:unexpose', mysql])).code, 0);
  const sql = (text: string) => daemon.paas(['services:connect', mysql], text);
  t.is((await sql("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept through the upgrade');\n")).code, 0);
  const ports = { dataDir: daemon.dataDir, sshPort: daemon.sshPort, httpPort: daemon.httpPort, httpsPort: daemon.httpsPort };
  const restart = async (env: Record<string, string> = {}) => {
    await daemon.stop();
    daemon = await startDaemon({ reuse: ports, env });
  };

  await restart({ PAAS_FAULT_POINT: 'upgrade-restored' });
  const cut = await daemon.paas(['services:upgrade', mysql, '--version', '11.8']);
  t.not(cut.code, 0, 'the daemon died with the new server filled and the old one still in place');
  t.regex(cut.stdout, /Starting MySQL \(MariaDB\) 11\.8 beside it/);
  await restart();
  t.like(await info(mysql), { version: '10.11', state: 'running' });
  t.regex((await sql('SELECT body FROM notes;\n')).stdout, /kept through the upgrade/);
  t.true(await logShows(new RegExp(`event=service\\.leftovers\\.removed service=${mysql} removed="volume paas-service\\.${mysql}\\.data-11-8"`)));
  t.deepEqual(
    ((await docker.listVolumes({ filters: { label: [`paas.service=${mysql}`] } })).Volumes ?? []).map((v) => v.Name),
    [`paas-service.${mysql}.data`],
    "the next daemon removed the unfinished upgrade's volume",
  );
  t.deepEqual(
    (await docker.listContainers({ all: true, filters: { label: [`paas.service=${mysql}`] } })).map((c) => c.Names[0]),
    [`/paas-service.${mysql}`],
    "the unfinished upgrade's server is gone",
  );

  const upgraded = await daemon.paas(['services:upgrade', mysql, '--version', '11.8']);
  t.is(upgraded.code, 0, upgraded.output);
  t.like(await info(mysql), { version: '11.8', state: 'running' });
  t.regex((await sql('SELECT body FROM notes;\n')).stdout, /kept through the upgrade/);
  t.regex((await sql('SELECT VERSION();\n')).stdout, /11\.8\./);
});

test.serial(
  'a restore is all or nothing: killed before its switch the data is as it was; through, the backup is served, and readers never see a table emptied',
  async (t) => {
    const ports = { dataDir: daemon.dataDir, sshPort: daemon.sshPort, httpPort: daemon.httpPort, httpsPort: daemon.httpsPort };
    const restart = async (env: Record<string, string> = {}) => {
      await daemon.stop();
      daemon = await startDaemon({ reuse: ports, env });
    };
    const count = async () => Number((await answer('/count')).trim());
    const psql = async (text: string) => (await daemon.paas(['services:connect', pg], text)).stdout;
    const marks = async () => /^ *marks: (.*)$/m.exec(await psql("SELECT 'marks: ' || string_agg(body, ',' ORDER BY body) FROM marks;\n"))?.[1]?.trim();
    await psql("CREATE TABLE marks (body text); INSERT INTO marks VALUES ('in-backup');\n");
    await visits();
    const backedUp = await daemon.paas(['services:backup', pg]);
    t.is(backedUp.code, 0, backedUp.output);
    const backup = /Backup (\S+\.dump)/.exec(backedUp.stdout)![1]!;
    const inBackup = await count();
    await psql("INSERT INTO marks VALUES ('after-backup');\n");
    await visits();
    await visits();
    const after = await count();
    t.true(after > inBackup);
    t.log(`${inBackup} rows in the backup ${backup}, ${after} live`);

    // Killed with the backup loaded beside the live server, before the switch: the live data stays, served.
    await restart({ PAAS_FAULT_POINT: 'restore-filled' });
    const cut = await daemon.paas(['services:restore', pg, backup]);
    t.not(cut.code, 0, 'the daemon died with the backup loaded beside');
    t.regex(cut.stdout, /beside the live data \(it serves unchanged until the switch\)/);
    await restart();
    t.is(await count(), after, 'the data is as it was');
    t.is(await marks(), 'after-backup,in-backup');
    t.true(await logShows(new RegExp(`event=service\\.leftovers\\.removed service=${pg} removed="volume paas-service\\.${pg}\\.data-17-g1"`)));
    t.deepEqual(
      (await docker.listContainers({ all: true, filters: { label: [`paas.service=${pg}`] } })).map((c) => c.Names[0]),
      [`/paas-service.${pg}`],
      "nothing of the unfinished restore's server is left",
    );

    // Through: readers see the live count until the switch, then the backup's; never fewer rows than either.
    const seen: string[] = [];
    let reading = true;
    const reader = (async () => {
      const deadline = Date.now() + 180_000;
      while (reading && Date.now() < deadline) {
        const r = await daemon.get(app, '/count').catch(() => ({ status: 0, body: '' }));
        seen.push(r.status === 200 ? r.body.trim() : `status ${r.status}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    // No backup named: the newest, as Heroku's pg:backups:restore.
    const restored = await daemon.paas(['services:restore', pg]);
    reading = false;
    await reader;
    t.is(restored.code, 0, restored.output);
    t.regex(restored.stdout, new RegExp(`Restoring ${pg} from ${backup.replace(/\./g, '\\.')}`));
    const counts = seen.filter((s) => /^\d+$/.test(s)).map(Number);
    t.log(
      `${seen.length} reads during the restore: ${counts.filter((n) => n === after).length} of the live data, ${counts.filter((n) => n === inBackup).length} of the backup's, ${seen.length - counts.length} failed (at the switch, while the app reconnects)`,
    );
    // (The app's replica may be replaced at the switch, when its pool loses the old server: its health check's GET / counts one visit.)
    t.deepEqual(
      counts.filter((n) => n < inBackup),
      [],
      'no read saw a table emptied or partly loaded',
    );
    t.true(counts.includes(after), 'the live data was served during the restore');
    t.is(await marks(), 'in-backup', "the backup's data is served");
    t.true((await count()) < after, "the backup's visits, not the live ones");
    t.like(await info(pg), { version: '17', state: 'running' });
    t.deepEqual(
      ((await docker.listVolumes({ filters: { label: [`paas.service=${pg}`] } })).Volumes ?? []).map((v) => v.Name),
      [`paas-service.${pg}.data-17-g1`],
      'the service runs on the restored volume; the one before is gone',
    );
  },
);
