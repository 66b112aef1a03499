// bench/services: what backing services cost. (1) `services:create postgres` with its image on the host, against
// `paas services` (one API round trip) in the same run. (2) A 100 MB Postgres database: `services:backup` and
// `services:restore` times, against streaming the same dump out (`services:export`). (3) The app's extra latency
// per request for one query to its linked Postgres: the visit counter's /count (one SELECT) against its 404 path
// (no query), sequential requests through the router, both measured in the same run. (4) `services:upgrade` of the
// 100 MB database to PostgreSQL 17, against its backup + restore in the same run.
import http from 'node:http';
import { fixtureRepo, removeServices, type Daemon } from '../test/e2e/_daemon.js';
import { median, runBench } from './_bench.js';

const CREATES = Number(process.env.BENCH_ROUNDS ?? 3);
const REQUESTS = 500;

async function timed(daemon: Daemon, args: string[], input?: string): Promise<{ ms: number; stdout: string }> {
  const start = performance.now();
  const result = await daemon.paas(args, input);
  if (result.code !== 0) throw new Error(`${args.join(' ')} failed:\n${result.output}`);
  return { ms: performance.now() - start, stdout: result.stdout };
}

function get(daemon: Daemon, app: string, path: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    http
      .get({ host: '127.0.0.1', port: daemon.httpPort, path, headers: { host: `${app}.localhost` }, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(performance.now() - start));
      })
      .on('error', reject);
  });
}

const created: string[] = [];

runBench(
  'svcb',
  {},
  async (daemon, app) => {
    // The app pushed with its app.json addons also builds the service images: creates below find them present.
    created.push(`${app}-postgres`, `${app}-redis`);
    const push = await daemon.push(await fixtureRepo('node-postgres-redis'), app);
    if (push.code !== 0) throw new Error(push.output);

    const createMs: number[] = [];
    const listMs: number[] = [];
    for (let i = 0; i < CREATES; i++) {
      const name = `${app}-c${i}`;
      created.push(name);
      listMs.push((await timed(daemon, ['services'])).ms);
      createMs.push((await timed(daemon, ['services:create', 'postgres', name])).ms);
    }

    const db = `${app}-postgres`;
    await timed(
      daemon,
      ['services:connect', db], // About 100 MB of rows that do not compress away (a dump of repeated text would be a few MB).
      "\\set ON_ERROR_STOP on\nCREATE TABLE big AS SELECT s.id, (SELECT string_agg(md5(random()::text || s.id || r.k), '') FROM generate_series(1, 30) AS r(k)) AS pad FROM generate_series(1, 100000) AS s(id);\n",
    );
    const size = JSON.parse((await timed(daemon, ['services:info', db, '--json'])).stdout) as { size: number };
    const backup = await timed(daemon, ['services:backup', db]);
    const name = /Backup (\S+) \(/.exec(backup.stdout)![1]!;
    const restore = await timed(daemon, ['services:restore', db, name]);
    const exportStart = performance.now();
    await timed(daemon, ['services:export', db, name]);
    const exportMs = performance.now() - exportStart;
    const dumpBytes = (JSON.parse((await timed(daemon, ['services:backups', db, '--json'])).stdout) as { name: string; bytes: number }[]).find(
      (b) => b.name === name,
    )!.bytes;

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const queryMs: number[] = [];
    const plainMs: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      queryMs.push(await get(daemon, app, '/count', agent));
      plainMs.push(await get(daemon, app, '/none', agent));
    }
    agent.destroy();

    // (4) The same database moved to PostgreSQL 17 (the image built beforehand, by a service created at 17).
    const warm = `${app}-v17`;
    created.push(warm);
    await timed(daemon, ['services:create', 'postgres', warm, '--version', '17']);
    const upgrade = await timed(daemon, ['services:upgrade', db, '--version', '17']);
    const rowsAfter = (await timed(daemon, ['services:connect', db], 'SELECT count(*) FROM big;\n')).stdout;
    if (!/\b100000\b/.test(rowsAfter)) throw new Error(`the upgrade lost rows: ${rowsAfter}`);

    console.log('bench/services');
    console.log(
      `services:create postgres (image present): median ${median(createMs).toFixed(0)} ms; paas services (baseline, same run): median ${median(listMs).toFixed(0)} ms (${(median(createMs) / median(listMs)).toFixed(1)}x)`,
    );
    console.log(
      `database of ${(size.size / 1e6).toFixed(0)} MB on disk, dump ${(dumpBytes / 1e6).toFixed(1)} MB: backup ${backup.ms.toFixed(0)} ms, restore ${restore.ms.toFixed(0)} ms; export of the same dump (baseline) ${exportMs.toFixed(0)} ms (backup ${(backup.ms / exportMs).toFixed(1)}x, restore ${(restore.ms / exportMs).toFixed(1)}x)`,
    );
    console.log(
      `services:upgrade of that database 15 -> 17 (image present, all 100000 rows there after): ${upgrade.ms.toFixed(0)} ms; backup + restore of it (baseline, same run) ${(backup.ms + restore.ms).toFixed(0)} ms (${(upgrade.ms / (backup.ms + restore.ms)).toFixed(1)}x)`,
    );
    console.log(
      `request with one query to the linked Postgres: median ${median(queryMs).toFixed(2)} ms; without a query (baseline, same app, same run): median ${median(plainMs).toFixed(2)} ms; extra per request ${(median(queryMs) - median(plainMs)).toFixed(2)} ms`,
    );
  },
  // After the daemon stopped (it would heal the app's replicas once their database is gone), before the app's
  // network goes.
  () => removeServices(created),
);
