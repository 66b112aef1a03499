// Operating apps end to end, through the CLI, over SSH and over the TCP API: config, logs, storage, domains,
// one-off runs, resources, ps:restart/stop/start, collaborators and tokens.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { volumeName } from '../../src/docker/names.js';
import { commitAll, containersOf, docker, fixtureRepo, freePort, removeApps, run, startDaemon, uniqueName, type Daemon } from './_daemon.js';

let daemon: Daemon;
let apiPort: number;
let DAEMON_ENV: Record<string, string>;
let repo: string;
const app = uniqueName('ops');
const other = uniqueName('other');
const CLI = path.resolve('dist', 'src', 'cli', 'main.js');

test.before(async () => {
  apiPort = await freePort();
  DAEMON_ENV = { PAAS_API_PORT: String(apiPort), PAAS_API_HOST: '127.0.0.1', PAAS_SSH_HOST: '127.0.0.1', PAAS_METRICS_INTERVAL: '1' };
  daemon = await startDaemon({ env: DAEMON_ENV });
  repo = await fixtureRepo('ops-app');
  const push = await daemon.push(repo, app);
  if (push.code !== 0) throw new Error(push.output);
  const created = await daemon.paas(['apps:create', other]);
  if (created.code !== 0) throw new Error(created.output);
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app, other]);
  for (const volume of ['data', 'scratch'])
    await docker
      .getVolume(volumeName(app, volume))
      .remove()
      .catch(() => undefined);
});

test.serial('commands over SSH: config:set makes a release whose value the app echoes back', async (t) => {
  const set = await daemon.ssh(['config:set', app, "'GREETING=hello over ssh'"]);
  t.is(set.code, 0, set.output);
  t.regex(set.stdout, /Setting config \(GREETING\) as release v2/);
  t.is((await daemon.get(app, '/cgi-bin/greeting')).body, 'hello over ssh');
  const get = await daemon.ssh(['config:get', app, 'GREETING']);
  t.is(get.stdout, 'hello over ssh\n');
  const help = await daemon.ssh(['config:set', '--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /Usage: paas config:set \[options\] <app> <assignments\.\.\.>/);
});

test.serial("Heroku's habits: -a APP, the app of the repository's paas remote, ps:scale showing the formation, config --shell, --version", async (t) => {
  const cli = (args: string[], cwd?: string) => run('node', [CLI, '--data-dir', daemon.dataDir, ...args], { cwd: cwd ?? daemon.dataDir });
  const shown = await cli(['ps:scale', '-a', app]);
  t.is(shown.code, 0, shown.output);
  t.is(shown.stdout, 'web=1\n');
  const set = await cli(['config:set', '-a', app, "QUOTED=it's $HOME"]);
  t.is(set.code, 0, set.output);
  const shell = await cli(['config', '--shell', '--app', app]);
  t.regex(shell.stdout, /^QUOTED='it'"'"'s \$HOME'$/m);
  // Read back by a shell, the value is exactly what was set.
  const sh = spawnSync('sh', ['-c', `${shell.stdout}\nprintf %s "$QUOTED"`], { encoding: 'utf8' });
  t.is(sh.stdout, "it's $HOME");
  // In the app's repository, with a `paas` remote, the app is inferred.
  spawnSync('git', ['-C', repo, 'remote', 'add', 'paas', `ssh://git@127.0.0.1:${daemon.sshPort}/${app}`]);
  const inferred = await cli(['config:get', 'QUOTED'], repo);
  t.is(inferred.stdout, "it's $HOME\n", inferred.output);
  const elsewhere = await cli(['config:get', 'QUOTED'], daemon.dataDir);
  t.not(elsewhere.code, 0);
  t.regex(elsewhere.stderr, /missing required argument/);
  // Heroku's dyno metadata in each replica.
  const web = (await docker.listContainers({ filters: { label: [`paas.app=${app}`, 'paas.process=web'] } }))[0]!;
  const env = (await docker.getContainer(web.Id).inspect()).Config.Env;
  t.true(env.includes('DYNO=web.1'), env.join(' '));
  t.true(env.includes(`PAAS_APP_NAME=${app}`));
  t.true(env.some((e) => /^PAAS_RELEASE_VERSION=v\d+$/.test(e)));
  t.true(
    env.some((e) => /^PAAS_SLUG_COMMIT=[0-9a-f]{40}$/.test(e)),
    'and the commit, as HEROKU_SLUG_COMMIT',
  );
  const version = await cli(['--version']);
  t.regex(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test.serial(
  "apps:create in a repository adds the paas remote with this server's address; git push paas main deploys; apps:info, open, releases:info, git:remote",
  async (t) => {
    const cli = (args: string[], cwd?: string) =>
      run('node', [CLI, '--data-dir', daemon.dataDir, ...args], { cwd: cwd ?? daemon.dataDir, env: { ...process.env, DISPLAY: '' } });
    const fresh = uniqueName('remote');
    const work = await fixtureRepo('dockerfile-hello');
    try {
      const created = await cli(['apps:create', fresh], work);
      t.is(created.code, 0, created.output);
      t.regex(created.stdout, new RegExp(`Git remote paas added: ssh://git@127\\.0\\.0\\.1:${daemon.sshPort}/${fresh}`));
      // The remote it added is the one a user pushes to.
      const ssh = `ssh -i ${daemon.keyFile} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;
      const push = await run('git', ['push', 'paas', 'main'], { cwd: work, env: { ...process.env, GIT_SSH_COMMAND: ssh } });
      t.is(push.code, 0, push.output);
      t.is((await daemon.get(fresh)).status, 200);

      const info = JSON.parse((await cli(['apps:info', '--json'], work)).stdout) as {
        name: string;
        release: { version: number };
        formation: Record<string, number>;
        running: number;
      };
      t.like(info, { name: fresh, release: { version: 1 }, formation: { web: 1 }, running: 1 });
      t.regex((await cli(['apps:info', fresh])).stdout, /Release:\s+v1 \(Deploy [0-9a-f]{7}/);
      t.is((await cli(['open'], work)).stdout, `http://${fresh}.localhost:${daemon.httpPort}\n`, 'no desktop here: the URL is printed');
      t.regex((await cli(['releases:info', fresh, 'v1'])).stdout, /Status:\s+active/);
      t.regex((await cli(['releases:info', fresh, 'v9'])).stderr, new RegExp(`${fresh} has no release v9`));

      spawnSync('git', ['-C', work, 'remote', 'set-url', 'paas', 'ssh://git@elsewhere:22/x']);
      const reset = await cli(['git:remote', fresh], work);
      t.regex(reset.stdout, /Git remote paas now points at ssh:\/\/git@127\.0\.0\.1/);
      t.regex((await daemon.ssh(['git:remote', fresh])).stderr, /run this in your repository with the paas CLI, or: git remote add paas ssh:\/\//);
      t.regex((await cli(['enter', fresh])).stderr, /unknown command "enter": here it is "paas ps:exec APP --dyno web.1 \(a shell in a running replica\)"/);
    } finally {
      const destroyed = await daemon.paas(['apps:destroy', fresh, '--confirm', fresh]);
      t.is(destroyed.code, 0, destroyed.output);
      await removeApps([fresh]);
    }
  },
);

test.serial("ps shows each replica's CPU, memory used / limit, restarts and uptime, sampled by the daemon", async (t) => {
  type View = { process: string; cpuPercent?: number; memoryBytes?: number; memoryLimit?: number; restarts?: number; uptime?: string };
  let web: View | undefined;
  const deadline = Date.now() + 30_000;
  while (web?.memoryBytes === undefined && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    web = (JSON.parse((await daemon.paas(['ps', app, '--json'])).stdout) as View[]).find((p) => p.process === 'web');
  }
  t.true((web?.memoryBytes ?? 0) > 100_000, JSON.stringify(web));
  t.true((web?.memoryBytes ?? 0) < (web?.memoryLimit ?? 0));
  t.true(typeof web?.cpuPercent === 'number' && web.cpuPercent >= 0);
  t.is(web?.restarts, 0);
  t.regex(web?.uptime ?? '', /^\d+[smhd]$/);
  const table = (await daemon.paas(['ps', app])).stdout;
  t.regex(table, /CPU\s+MEMORY\s+RESTARTS\s+UP/);
  t.regex(table, /\d+\.\d% +[\d.]+ [KMG]B \/ [\d.]+ [KMG]B +0 +\d+[smhd]/);
});

test.serial('on a terminal apps:destroy asks for the name, and the house prefixes are coloured', async (t) => {
  const doomed = uniqueName('doomed');
  t.is((await daemon.paas(['apps:create', doomed])).code, 0);
  try {
    const wrong = await daemon.ssh(['apps:destroy', doomed], { tty: true, input: 'not-it\n' });
    t.regex(wrong.output, new RegExp(`To proceed, type ${doomed}:`));
    t.regex(wrong.output, /confirmation did not match/);
    t.true(
      JSON.parse((await daemon.paas(['apps:list', '--json'])).stdout).some((a: { name: string }) => a.name === doomed),
      'nothing was destroyed',
    );
    const right = await daemon.ssh(['apps:destroy', doomed], { tty: true, input: `${doomed}\n` });
    t.is(right.code, 0, right.output);
    t.true(right.output.includes(`\x1b[1;36m----->\x1b[0m Destroyed ${doomed}`), 'coloured on a terminal');
    const piped = await daemon.paas(['apps:destroy', 'whatever']);
    t.regex(piped.stderr, /confirm with --confirm whatever/, 'without a terminal, --confirm is needed');
    t.false(piped.stderr.includes('\x1b['), 'and nothing is coloured');
  } finally {
    await daemon.paas(['apps:destroy', doomed, '--confirm', doomed]);
  }
});

test.serial('a typo gets a one-line error with a suggestion, on the CLI and over SSH; unknown apps too', async (t) => {
  const cli = await daemon.paas(['conifg:set', app, 'A=1']);
  t.is(cli.code, 1);
  t.is(cli.stderr, ' !     unknown command "conifg:set", did you mean "config:set"?\n');
  const ssh = await daemon.ssh(['conifg:set', app, 'A=1']);
  t.is(ssh.code, 1);
  t.is(ssh.stderr, ' !     unknown command "conifg:set", did you mean "config:set"?\n');
  const typoApp = await daemon.paas(['config', app.slice(0, -1) + 'x']);
  t.is(typoApp.code, 1);
  t.is(typoApp.stderr, ` !     app "${app.slice(0, -1)}x" does not exist, did you mean "${app}"?\n`);
});

test.serial('logs -f shows lines of the new release after a redeploy without reconnecting', async (t) => {
  const child = spawn('node', [CLI, '--data-dir', daemon.dataDir, 'logs', app, '-f', '-n', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  const waitFor = async (pattern: RegExp) => {
    for (let i = 0; i < 600 && !pattern.test(output); i++) await new Promise((r) => setTimeout(r, 100));
    return pattern.test(output);
  };
  try {
    t.true(await waitFor(/app\[web\.1\]: booting first/), output);
    await commitAll(repo, 'second', { 'marker.txt': 'second\n' });
    const push = await daemon.push(repo, app);
    t.is(push.code, 0, push.output);
    t.true(await waitFor(/app\[web\.1\]: booting second/), output);
    await daemon.get(app, '/cgi-bin/marker');
    t.true(await waitFor(/app\[web\.1\]: .*url:\/cgi-bin\/marker/), output);
    // The router's line for the same request, as Heroku's heroku[router] prints it, naming the replica.
    t.true(
      await waitFor(/ paas\[router\]: at=info method=GET path="\/cgi-bin\/marker" host=\S+ fwd="[\d.]+" dyno=web\.1 service=\d+ms status=200 bytes=\d+$/m),
      output,
    );
    t.is(child.exitCode, null, 'still following');
  } finally {
    child.kill();
  }
  const history = await daemon.paas(['logs', app, '--process', 'web', '-n', '50']);
  t.is(history.code, 0);
  t.regex(history.stdout, /^\S+Z app\[web\.1\]: booting second$/m);
  t.notRegex(history.stdout, /paas\[router\]/, 'a process type asks for app lines');
  await daemon.get(app, '/cgi-bin/marker?router-history');
  const both = await daemon.paas(['logs', app, '-n', '50']);
  t.regex(both.stdout, /^\S+Z paas\[router\]: at=info method=GET path="\/cgi-bin\/marker\?router-history" .* dyno=web\.1 .*status=200/m);
  // A replica removed since (scaled down) is still named in the router lines it answered.
  t.is((await daemon.paas(['ps:scale', app, 'web=2'])).code, 0);
  for (let i = 0; i < 12; i++) t.is((await daemon.get(app, `/cgi-bin/marker?two-${i}`)).status, 200);
  t.is((await daemon.paas(['ps:scale', app, 'web=1'])).code, 0);
  for (let i = 0; i < 300 && (await containersOf(app)).some((c) => c.Labels['paas.process'] === 'web' && c.Labels['paas.replica'] === '2'); i++)
    await new Promise((r) => setTimeout(r, 100));
  const answered = (await daemon.paas(['logs', app, '--source', 'router', '-n', '1500'])).stdout.split('\n').filter((l) => l.includes('?two-'));
  t.is(answered.length, 12);
  t.true(
    answered.some((l) => / dyno=web\.2 /.test(l)),
    answered.join('\n'),
  );
  t.false(
    answered.some((l) => / dyno=none /.test(l)),
    answered.join('\n'),
  );
  const appOnly = await daemon.paas(['logs', app, '--source', 'app', '-n', '50']);
  t.notRegex(appOnly.stdout, /paas\[router\]/);
  t.regex(appOnly.stdout, /app\[web\.1\]/);
  // History outlives the replicas: the first release's containers are gone, their output and the deploys are kept.
  const kept = await daemon.paas(['logs', app, '-n', '1500']);
  t.regex(kept.stdout, /^\S+Z app\[web\.1\]: booting first$/m, 'the output of replicas removed by later releases');
  t.regex(kept.stdout, /^\S+Z paas\[deploy\]: -----> Released v\d+$/m, 'the deploy steps');
});

test.serial('data in a mounted volume survives a redeploy and a rollback', async (t) => {
  const badMount = await daemon.paas(['storage:mount', app, 'data:/etc']);
  t.regex(badMount.stderr, /\/etc is a system directory/);
  const mount = await daemon.paas(['storage:mount', app, 'data:/data']);
  t.is(mount.code, 0, mount.output);
  const restart = await daemon.paas(['ps:restart', app]);
  t.is(restart.code, 0, restart.output);
  t.is((await daemon.get(app, '/cgi-bin/write?kept')).body.trim(), 'ok');
  await commitAll(repo, 'third', { 'marker.txt': 'third\n' });
  t.is((await daemon.push(repo, app)).code, 0);
  t.is((await daemon.get(app, '/cgi-bin/marker')).body.trim(), 'third');
  t.is((await daemon.get(app, '/cgi-bin/read')).body.trim(), 'kept', 'after a redeploy');
  const rollback = await daemon.paas(['rollback', app]);
  t.is(rollback.code, 0, rollback.output);
  t.is((await daemon.get(app, '/cgi-bin/marker')).body.trim(), 'second');
  t.is((await daemon.get(app, '/cgi-bin/read')).body.trim(), 'kept', 'after a rollback');
  const list = JSON.parse((await daemon.paas(['storage', app, '--json'])).stdout) as { name: string; path: string }[];
  t.deepEqual(
    list.map((m) => `${m.name}:${m.path}`),
    ['data:/data'],
  );
});

test.serial('run APP -- CMD: the release image with its config and volumes, exit status passed back, removed afterwards', async (t) => {
  const cli = await daemon.paas(['run', app, '--', 'sh', '-c', 'echo "$GREETING"; cat /data/notes; echo oops >&2; exit 3']);
  t.is(cli.code, 3, cli.output);
  t.is(cli.stdout, 'hello over ssh\nkept\n');
  t.is(cli.stderr, 'oops\n');
  const ssh = await daemon.ssh(['run', app, '--', 'cat'], { input: 'piped in\n' });
  t.is(ssh.code, 0, ssh.output);
  t.is(ssh.stdout, 'piped in\n');
  const tty = await daemon.ssh(['run', app, '--', 'sh', '-c', "'tty; exit 4'"], { tty: true });
  t.is(tty.code, 4, tty.output);
  t.regex(tty.stdout, /\/dev\/pts\/\d+/);
  const left = await docker.listContainers({ all: true, filters: { label: [`paas.app=${app}`, 'paas.one-off=true'] } });
  t.is(left.length, 0, 'one-off containers are removed');
  const noRelease = await daemon.paas(['run', other, '--', 'true']);
  t.not(noRelease.code, 0);
  t.regex(noRelease.stderr, /has no release to run yet/);
});

test.serial('ps:exec runs a command inside the running web.1 (its own files and environment), on the CLI and over SSH with a TTY', async (t) => {
  const [web] = (await docker.listContainers({ filters: { label: [`paas.app=${app}`, 'paas.process=web', 'paas.replica=1'] } })).filter(
    (c) => c.State === 'running',
  );
  const wrote = await daemon.paas(['ps:exec', app, '--', 'sh', '-c', 'echo "$DYNO $GREETING"; echo left by exec > /tmp/exec-mark; exit 5']);
  t.is(wrote.code, 5, wrote.output);
  t.is(wrote.stdout, 'web.1 hello over ssh\n');
  // The very container that serves: its own file system, not a one-off's.
  const read = await daemon.paas(['ps:exec', app, '--dyno', 'web.1', '--', 'cat', '/tmp/exec-mark']);
  t.is(read.stdout, 'left by exec\n', read.output);
  const inspected = await docker.getContainer(web!.Id).inspect();
  t.true(inspected.State.Running, 'web.1 keeps running');
  const tty = await daemon.ssh(['ps:exec', app, '--', 'sh', '-c', "'tty; exit 2'"], { tty: true });
  t.is(tty.code, 2, tty.output);
  t.regex(tty.stdout, /\/dev\/pts\/\d+/);
  const none = await daemon.paas(['ps:exec', app, '--dyno', 'worker.7', '--', 'true']);
  t.is(none.code, 1);
  t.regex(none.stderr, new RegExp(`no running dyno worker\\.7 of ${app}`));
  const left = await docker.listContainers({ all: true, filters: { label: [`paas.app=${app}`, 'paas.one-off=true'] } });
  t.is(left.length, 0, 'no one-off container was made');
});

test.serial('domains: a custom hostname routes to the app; one taken by another app is refused', async (t) => {
  const host = `www.${app}.example.com`;
  const add = await daemon.paas(['domains:add', app, host.toUpperCase()]);
  t.is(add.code, 0, add.output);
  t.is((await daemon.getHost(host, '/cgi-bin/marker')).body.trim(), 'second');
  const taken = await daemon.paas(['domains:add', other, host]);
  t.is(taken.code, 1);
  t.is(taken.stderr, ` !     ${host} is already used by another app\n`);
  const builtIn = await daemon.paas(['domains:add', other, `${app}.localhost`]);
  t.regex(builtIn.stderr, /is the built-in hostname of app/);
  t.regex((await daemon.paas(['domains:add', app, 'not a host'])).stderr, /invalid hostname/);
  t.deepEqual(
    JSON.parse((await daemon.paas(['domains', app, '--json'])).stdout).map((d: { host: string }) => d.host),
    [host],
  );
  t.is((await daemon.paas(['domains:remove', app, host])).code, 0);
  t.is((await daemon.getHost(host)).status, 404);
});

test.serial('resources:set limits memory and CPUs of a process type from the next restart on', async (t) => {
  const bad = await daemon.paas(['resources:set', app, 'web', '--memory', 'lots']);
  t.regex(bad.stderr, /invalid memory "lots"/);
  const set = await daemon.paas(['resources:set', app, 'web', '--memory', '64m', '--cpus', '0.5']);
  t.is(set.code, 0, set.output);
  t.is((await daemon.paas(['ps:restart', app, 'web'])).code, 0);
  const [web] = await docker.listContainers({ filters: { label: [`paas.app=${app}`, 'paas.process=web'] } });
  const info = await docker.getContainer(web!.Id).inspect();
  t.is(info.HostConfig.Memory, 64 * 1024 * 1024);
  t.is(info.HostConfig.NanoCpus, 500_000_000);
  t.regex((await daemon.paas(['resources', app])).stdout, /web\s+64mb\s+0\.5/);
});

test.serial(
  'run:detached runs in the background with its output in paas logs and its dyno in ps; ps:kill stops it, and a killed web.1 is replaced',
  async (t) => {
    const started = await daemon.paas(['run:detached', app, '--', 'sh', '-c', 'trap "exit 0" TERM; echo detached says hello; sleep 120 & wait']);
    t.is(started.code, 0, started.output);
    const dyno = /up, (run\.\d+)/.exec(started.stdout)?.[1];
    t.truthy(dyno, started.stdout);
    const ps = JSON.parse((await daemon.paas(['ps', app, '--json'])).stdout) as { process: string; replica: number; state: string }[];
    t.true(
      ps.some((p) => `${p.process}.${p.replica}` === dyno && p.state === 'running'),
      'ps lists the one-off',
    );
    let logs = '';
    for (let i = 0; i < 50 && !logs.includes('detached says hello'); i++) {
      logs = (await daemon.paas(['logs', app, '-d', dyno!])).stdout;
      await new Promise((r) => setTimeout(r, 200));
    }
    t.regex(logs, new RegExp(`app\\[${dyno!.replace('.', '\\.')}\\]: detached says hello`));
    const killed = await daemon.paas(['ps:kill', app, dyno!]);
    t.is(killed.code, 0, killed.output);
    t.regex(killed.stdout, new RegExp(`Stopped ${dyno!.replace('.', '\\.')}`));
    const oneOffGone = async () =>
      !(await docker.listContainers({ all: true, filters: { label: [`paas.app=${app}`, 'paas.one-off=true'] } })).some((c) => c.State === 'running');
    for (let i = 0; i < 50 && !(await oneOffGone()); i++) await new Promise((r) => setTimeout(r, 200));
    t.true(await oneOffGone(), 'the one-off stopped');

    const webOf = async () =>
      (await docker.listContainers({ filters: { label: [`paas.app=${app}`, 'paas.process=web', 'paas.replica=1'], status: ['running'] } })).map((c) => c.Id);
    const [before] = await webOf();
    t.is((await daemon.paas(['ps:kill', app, 'web.1'])).code, 0);
    let after: string[] = [];
    for (let i = 0; i < 100 && (after.length !== 1 || after[0] === before); i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await webOf();
    }
    t.is(after.length, 1, 'healing started web.1 again');
    t.not(after[0], before, 'as a new container');
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await daemon.get(app)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    t.is(status, 200, 'and routed it');
    t.regex((await daemon.paas(['ps:kill', app, 'nope.1'])).stderr, /no running dyno nope\.1/);
  },
);

test.serial('ps:restart replaces containers without a failed request; ps:stop and ps:start', async (t) => {
  let stop = false;
  const statuses: number[] = [];
  const load = (async () => {
    while (!stop) statuses.push((await daemon.get(app, '/cgi-bin/marker')).status);
  })();
  const restart = await daemon.paas(['ps:restart', app]);
  stop = true;
  await load;
  t.is(restart.code, 0, restart.output);
  t.regex(restart.stdout, /web\.1 replaced/);
  t.true(statuses.length > 0);
  t.deepEqual([...new Set(statuses)], [200], 'every request during the restart answered 200');
  const unknown = await daemon.paas(['ps:restart', app, 'wbe']);
  t.regex(unknown.stdout + unknown.stderr, /no process type "wbe", did you mean "web"\?/);

  t.is((await daemon.paas(['ps:stop', app])).code, 0);
  const stopped = await daemon.get(app);
  t.is(stopped.status, 503);
  t.regex(stopped.body, /This app is stopped/);
  const ps = JSON.parse((await daemon.paas(['ps', app, '--json'])).stdout) as { state: string }[];
  t.deepEqual(
    ps.map((p) => p.state),
    ['exited'],
  );
  // A restarted daemon keeps it stopped: ps:stop is recorded, not guessed from exited containers.
  const ports = { dataDir: daemon.dataDir, sshPort: daemon.sshPort, httpPort: daemon.httpPort, httpsPort: daemon.httpsPort };
  await daemon.stop();
  daemon = await startDaemon({ reuse: ports, env: DAEMON_ENV });
  t.is((await daemon.get(app)).status, 503, 'still stopped after a daemon restart');
  t.is((await daemon.paas(['ps:start', app])).code, 0);
  t.is((await daemon.get(app, '/cgi-bin/marker')).status, 200);
});

test.serial('a collaborator key works on its app only; everything else is refused and logged', async (t) => {
  const keyFile = path.join(daemon.dataDir, 'collaborator_key');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'collab', '-f', keyFile]);
  const added = await daemon.paas(['keys:add', 'collab', '--app', app], fs.readFileSync(keyFile + '.pub', 'utf8'));
  t.is(added.code, 0, added.output);
  t.regex(added.stdout, new RegExp(`collaborator on ${app}`));
  t.regex((await daemon.paas(['keys:add', 'nobody', '--app', 'no-such-app'], fs.readFileSync(keyFile + '.pub', 'utf8'))).stderr, /does not exist/);

  t.is((await daemon.ssh(['config:get', app, 'GREETING'], { keyFile })).stdout, 'hello over ssh\n');
  const otherRepo = await fixtureRepo('ops-app');
  const push = await daemon.push(otherRepo, other, 'main', keyFile);
  t.not(push.code, 0);
  t.regex(push.output, new RegExp(`permission denied: "collab" may not use app "${other}"`));
  const config = await daemon.ssh(['config:set', other, 'A=1'], { keyFile });
  t.is(config.code, 1);
  t.regex(config.stderr, new RegExp(`permission denied: "collab" may not use app "${other}"`));
  const admin = await daemon.ssh(['keys:list'], { keyFile });
  t.regex(admin.stderr, /this command needs an admin/);
  const apps = await daemon.ssh(['apps:list', '--json'], { keyFile });
  t.deepEqual(
    JSON.parse(apps.stdout).map((a: { name: string }) => a.name),
    [app],
    'a collaborator sees only its apps',
  );
  t.is((await daemon.paas(['releases', other, '--json'])).code, 0, 'the other app is untouched');
  t.regex(daemon.log(), /event=auth\.refused caller=collab role=collaborator request="push /);

  // The audit trail: who pushed, set config (names, never values) and scaled; the releases they made say so too.
  await commitAll(repo, 'by the collaborator', { 'NOTES.txt': 'pushed by collab\n' });
  const mine = await daemon.push(repo, app, 'main', keyFile);
  t.is(mine.code, 0, mine.output);
  t.is((await daemon.ssh(['config:set', app, 'SECRET_TOKEN=hunter2'], { keyFile })).code, 0);
  const events = JSON.parse((await daemon.paas(['events', app, '--json'])).stdout) as { actor: string; action: string }[];
  const tail = events.slice(-2).map((e) => `${e.actor}: ${e.action}`);
  t.is(tail[0]!.replace(/[0-9a-f]{7}$/, 'SHA'), 'collab: push main SHA');
  t.is(tail[1], `collab: config:set ${app} SECRET_TOKEN`);
  t.false(JSON.stringify(events).includes('hunter2'), 'values never reach the audit trail');
  t.true((await daemon.paas(['events', '--json'])).stdout.includes('"keys:add collab"'), 'keys:add is in the whole trail');
  const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as { by: string | null; description: string }[];
  t.like(releases[0], { by: 'collab', description: 'Set SECRET_TOKEN config var' });
  t.like(releases[1], { by: 'collab' });
  t.regex(releases[1]!.description, /^Deploy /);
  const seen = await daemon.ssh(['events', '--json'], { keyFile });
  t.true(
    (JSON.parse(seen.stdout) as { app: string | null }[]).every((e) => e.app === app),
    'a collaborator sees the events of its apps only',
  );
});

test.serial('API tokens: the TCP API needs one; a collaborator token is limited to its app', async (t) => {
  const url = `http://127.0.0.1:${apiPort}`;
  const remote = (token: string | undefined, args: string[]) =>
    run('node', [CLI, '--api-url', url, ...(token ? ['--token', token] : []), ...args], { env: { ...process.env, PAAS_DATA_DIR: '/nonexistent' } });
  const none = await remote(undefined, ['apps:list']);
  t.regex(none.stderr, /a remote API needs a token/);
  const forged = await remote('paas_' + 'x'.repeat(43), ['apps:list']);
  t.is(forged.code, 1);
  t.regex(forged.stderr, /that API token is not one of this server: make one with paas tokens:create NAME on the server/);

  const created = await daemon.paas(['tokens:create', 'ci-bot']);
  t.is(created.code, 0, created.output);
  const token = created.stdout.trim().split('\n').at(-1)!;
  const list = await remote(token, ['apps:list', '--json']);
  t.is(list.code, 0, list.output);
  t.deepEqual(
    JSON.parse(list.stdout)
      .map((a: { name: string }) => a.name)
      .sort(),
    [app, other].sort(),
  );
  const set = await remote(token, ['config:set', app, 'REMOTE=yes']);
  t.is(set.code, 0, set.output);
  t.is((await remote(token, ['run', app, '--', 'printenv', 'REMOTE'])).stdout, 'yes\n');

  const limited = (await daemon.paas(['tokens:create', 'deployer', '--app', other])).stdout.trim().split('\n').at(-1)!;
  t.regex((await remote(limited, ['config', app])).stderr, /permission denied: "deployer" may not use app/);
  t.regex((await remote(limited, ['run', app, '--', 'true'])).stderr, /permission denied/);
  t.is((await daemon.paas(['tokens:revoke', 'ci-bot'])).code, 0);
  t.regex((await remote(token, ['apps:list'])).stderr, /that API token \(ci-bot\) was revoked at \d{4}-\d\d-\d\dT[\d:.]+Z: ask an admin for a new one/);
  t.regex((await daemon.paas(['tokens:revoke', 'ci-bot'])).stderr, /the token "ci-bot" was revoked already/);
  const badExpiry = await daemon.paas(['tokens:create', 'nightly', '--expires-in', '5y']);
  t.is(badExpiry.code, 2);
  t.regex(badExpiry.stderr, /--expires-in "5y": use minutes, hours or days from 1m to 730d/);
  const nightly = await daemon.paas(['tokens:create', 'nightly', '--expires-in', '12h']);
  t.regex(nightly.stdout, /Created token nightly, admin, until \d{4}-/);
  const tokens = JSON.parse((await daemon.paas(['tokens', '--json'])).stdout) as Record<string, unknown>[];
  t.deepEqual(
    tokens.map((x) => [x.name, Boolean(x.revokedAt), Boolean(x.expiresAt)]),
    [
      ['ci-bot', true, false],
      ['deployer', false, false],
      ['nightly', false, true],
    ],
  );
  t.regex((await daemon.paas(['tokens'])).stdout, /ci-bot\s.*revoked \d{4}-[\s\S]*nightly\s.*expires \d{4}-/);
  t.false(JSON.stringify(tokens).includes('paas_'), 'tokens are not stored or shown again');
  const again = await daemon.paas(['tokens:create', 'ci-bot']);
  t.is(again.code, 0, 'the name of a revoked token may be given again');
  t.regex((await remote(token, ['apps:list'])).stderr, /that API token is not one of this server/, 'the old one is then unknown');
});

test.serial('volumes go only on request: storage:unmount --delete-data, or apps:destroy', async (t) => {
  const volumeExists = async (name: string) => (await docker.listVolumes({ filters: { name: [name] } })).Volumes?.some((v) => v.Name === name) ?? false;
  t.is((await daemon.paas(['storage:mount', app, 'scratch:/scratch'])).code, 0);
  t.true(await volumeExists(volumeName(app, 'scratch')));
  const kept = await daemon.paas(['storage:unmount', app, 'scratch']);
  t.regex(kept.stdout, /data kept/);
  t.true(await volumeExists(volumeName(app, 'scratch')), 'unmounting keeps the data');
  const gone = await daemon.paas(['storage:unmount', app, 'scratch', '--delete-data']);
  t.is(gone.code, 0, gone.output);
  t.false(await volumeExists(volumeName(app, 'scratch')));
  const inUse = await daemon.paas(['storage:unmount', app, 'data', '--delete-data']);
  t.is(inUse.code, 2);
  t.regex(inUse.stderr, /still used by running containers, so its data is kept/);
  t.true(await volumeExists(volumeName(app, 'data')));

  t.is((await daemon.paas(['domains:add', app, `gone.${app}.example.com`])).code, 0);
  t.is((await daemon.paas(['apps:destroy', app, '--confirm', app])).code, 0);
  t.false(await volumeExists(volumeName(app, 'data')), 'apps:destroy removes its volumes');
  t.is((await daemon.getHost(`gone.${app}.example.com`)).status, 404);
  t.is((await daemon.paas(['domains:add', other, `gone.${app}.example.com`])).code, 0, 'its hostnames are free again');
});
