// The same store scenario on a real PostgreSQL server: a throwaway cluster on loopback, made and removed here.
import test from 'ava';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDb } from '../../../src/store/db.js';
import { storeScenario } from './_store-scenario.js';

const binDir = fs.existsSync('/usr/lib/postgresql')
  ? fs
      .readdirSync('/usr/lib/postgresql')
      .map((v) => `/usr/lib/postgresql/${v}/bin`)
      .find((d) => fs.existsSync(`${d}/initdb`))
  : undefined;

let server: ChildProcess | undefined;
let dir: string;
let port: number;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

test.before(async () => {
  if (!binDir) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql); .ci/run installs them');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-pg-'));
  fs.chmodSync(dir, 0o777);
  const data = path.join(dir, 'data');
  // PostgreSQL refuses to run as root: run it as the postgres user the Debian package creates.
  const asPostgres = (cmd: string, args: string[]) =>
    (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const init = spawnSync(...asPostgres(`${binDir}/initdb`, ['-D', data, '-A', 'trust', '-U', 'paas']), { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  port = await freePort();
  server = spawn(...asPostgres(`${binDir}/postgres`, ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1']), { stdio: 'ignore' });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline) throw new Error('postgres did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300));
});

test.after.always(async () => {
  if (server && server.exitCode === null) {
    // runuser does not pass signals on: stop the postmaster by the pid it wrote (SIGINT: fast shutdown).
    const exited = new Promise((r) => server!.once('exit', r));
    const pid = Number(fs.readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  }
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the same migrations and store work on PostgreSQL', async (t) => {
  await storeScenario(t, () => openDb({ dataDir: dir, databaseUrl: `postgres://paas@127.0.0.1:${port}/postgres` }));
});
