// Crash consistency: the daemon is killed with SIGKILL at each step of a deploy (armed fault points, no sleeps),
// started again, and then what serves, what `releases`, `ps` and `builds` say, and the deploy branch in git must
// agree, and a push the client saw fail must not have been deployed.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { commitAll, containersOf, fixtureRepo, git, removeApps, run, startDaemon, uniqueName, waitUntilGone, type Daemon } from './_daemon.js';
import { FAULT_POINTS, RETIRE_POINTS } from '../../src/fault-point.js';
import { repoPath } from '../../src/git/repos.js';

const app = uniqueName('crash');
let daemon: Daemon;

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

/** Resolves once the daemon's API stops answering (it killed itself). */
async function gone(d: Daemon): Promise<void> {
  if (!(await waitUntilGone(d))) throw new Error('the daemon did not die at its fault point');
}

interface Release {
  version: number;
  status: string;
  sha: string;
}

test('after a kill at any step of a deploy, what serves, the records and git agree, and the failed push is not deployed', async (t) => {
  daemon = await startDaemon();
  const repo = await fixtureRepo('dockerfile-hello');
  await commitAll(repo, 'v0', { 'index.html': 'deployed before the crashes\n' });
  t.is((await daemon.push(repo, app)).code, 0);
  let live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();

  // Load all along the crashes and restarts: the data plane (HAProxy) serves without the daemon.
  // Bounded, and stopped in `finally`: AVA's failed assertions throw, and a loop left running keeps the worker alive.
  let loading = true;
  const loadDeadline = Date.now() + 15 * 60_000;
  const answers = { ok: 0, failed: [] as string[] };
  const load = (async () => {
    while (loading && Date.now() < loadDeadline) {
      const res = await daemon.get(app).catch((err: Error) => ({ status: 0, body: err.message }));
      if (res.status === 200) answers.ok++;
      else answers.failed.push(`${res.status} ${res.body.slice(0, 60)}`);
    }
  })();

  try {
    for (const step of FAULT_POINTS) {
      const ports = { dataDir: daemon.dataDir, sshPort: daemon.sshPort, httpPort: daemon.httpPort, httpsPort: daemon.httpsPort };
      await daemon.stop();
      daemon = await startDaemon({ reuse: ports, env: { PAAS_FAULT_POINT: step } });
      await git(repo, ['reset', '-q', '--hard', live]);
      const attempted = await commitAll(repo, `crash at ${step}`, { 'index.html': `crashed at ${step}\n` });
      const push = await daemon.push(repo, app);
      // The old release drains and stops after the new one serves and is recorded: a kill then may come after the
      // push returned, and the deploy it reported stays.
      const reported = push.code === 0;
      if (!RETIRE_POINTS.includes(step)) t.false(reported, `${step}: the push was not reported as deployed`);
      if (reported) live = attempted;
      await gone(daemon);
      await daemon.stop();
      const restart = performance.now();
      daemon = await startDaemon({ reuse: ports });

      const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as Release[];
      const active = releases.filter((r) => r.status === 'active');
      t.is(active.length, 1, `${step}: one active release`);
      // At the retirement's points the release was recorded before the kill; the answer may not have reached the
      // client yet (the old replicas drain while it travels). Then the deploy stands, as one reported would.
      const recordedUnanswered = !reported && RETIRE_POINTS.includes(step) && active[0]?.sha === attempted;
      if (recordedUnanswered) {
        t.log(`${step}: the release was recorded before the kill, which came before the answer reached the client: it stays`);
        live = attempted;
      }
      t.is(
        active[0]!.sha,
        live,
        reported ? `${step}: the push the client saw succeed stays deployed` : `${step}: the push the client saw fail was not deployed`,
      );
      if (!reported && !recordedUnanswered) t.not(active[0]!.sha, attempted);
      if (!recordedUnanswered) t.log(`${step}: the push was reported ${reported ? 'deployed, and stays' : 'failed, and was not deployed'}`);
      const branch = (await run('git', ['--git-dir', repoPath(daemon.dataDir, app), 'rev-parse', 'refs/heads/main'])).stdout.trim();
      t.is(branch, active[0]!.sha, `${step}: the deploy branch is the active release's commit`);
      const expected = (await git(repo, ['show', `${live}:index.html`])).stdout;
      let served = '';
      let web: Awaited<ReturnType<typeof containersOf>> = [];
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        served = (await daemon.get(app).catch(() => ({ body: '' }))).body;
        web = (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web');
        if (served === expected && web.length === 1 && web[0]!.Labels['paas.release'] === String(active[0]!.version)) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      t.is(served, expected, `${step}: the active release serves`);
      t.log(`${step}: routed and at its formation ${((performance.now() - restart) / 1000).toFixed(1)} s after the restart began`);
      t.deepEqual(
        web.map((c) => c.Labels['paas.release']),
        [String(active[0]!.version)],
        `${step}: exactly the active release's formation runs`,
      );
      const builds = JSON.parse((await daemon.paas(['builds', app, '--json'])).stdout) as { status: string }[];
      t.false(
        builds.some((b) => b.status === 'running' || b.status === 'queued'),
        `${step}: no build is left running`,
      );
      t.regex(fs.readFileSync(path.join(daemon.dataDir, 'server.log'), 'utf8'), new RegExp(`event=fault.point step=${step}`));
    }
  } finally {
    loading = false;
    await load;
  }
  t.log(`requests during the crash loop: ${answers.ok + answers.failed.length} sent, ${answers.failed.length} failed`);
  t.deepEqual(answers.failed, [], 'no request failed across every kill and restart');

  // And a push after all that deploys as usual.
  await git(repo, ['reset', '-q', '--hard', live]);
  await commitAll(repo, 'after the crashes', { 'index.html': 'after the crashes\n' });
  const push = await daemon.push(repo, app);
  t.is(push.code, 0, push.output);
  live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  t.is((await daemon.get(app)).body, 'after the crashes\n');
});

test('a command that loses the daemon while queued says it will still run, and it does', async (t) => {
  const queued = uniqueName('lost');
  let d = await startDaemon();
  try {
    const repo = await fixtureRepo('dockerfile-hello');
    t.is((await d.push(repo, queued)).code, 0);
    // A slow build holds the app's queue; a config change waits behind it; then the daemon dies.
    // The slow step names the app: a step the engine built before (an earlier run of this test) would be cached.
    await commitAll(repo, 'slow', {
      Dockerfile: `FROM debian:bookworm-slim\nRUN sleep 3 && echo ${queued}\nWORKDIR /www\nCOPY index.html /www/index.html\nCMD ["sh", "-c", "exec busybox httpd -f -p \${PORT} -h /www"]\n`,
    });
    let building!: () => void;
    const started = new Promise<void>((resolve) => (building = resolve));
    let output = '';
    const push = d.push(repo, queued, 'main', undefined, (chunk) => {
      output += chunk;
      if (/RUN sleep 3/.test(output)) building();
    });
    await started;
    // Killed once the change says it waits behind the build: the daemon has queued it and told the client so.
    let waiting!: () => void;
    const queuedBehind = new Promise<void>((resolve) => (waiting = resolve));
    let said = '';
    const config = d.paas(['config:set', queued, 'AFTER=the crash'], undefined, (chunk) => {
      said += chunk;
      if (new RegExp(`Waiting for an earlier job of ${queued} to finish`).test(said)) waiting();
    });
    await Promise.race([queuedBehind, config]);
    t.regex(said, /-----> Waiting for an earlier job of/, 'the queued change says what it waits for');
    const ports = { dataDir: d.dataDir, sshPort: d.sshPort, httpPort: d.httpPort, httpsPort: d.httpsPort };
    d.kill();
    const lost = await config;
    await push;
    t.not(lost.code, 0);
    t.regex(lost.stderr, new RegExp(`the command was queued: unless it had started, it runs when the daemon is back \\(see paas releases ${queued} `));
    await d.stop();
    d = await startDaemon({ reuse: ports });
    const deadline = Date.now() + 60_000;
    let value = '';
    while (Date.now() < deadline && value !== 'the crash\n') {
      value = (await d.paas(['config:get', queued, 'AFTER'])).stdout;
      await new Promise((r) => setTimeout(r, 500));
    }
    t.is(value, 'the crash\n', 'the queued change ran after the restart');
  } finally {
    await d.stop();
    await removeApps([queued]);
  }
});
