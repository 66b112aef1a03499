// Which app a command means, as a Heroku user types it inside the app's repository: no app name typed, every
// positional the command's own (`rollback v1`, `ps:restart web`, `run ls -la`); -r picks another remote;
// PAAS_CLI_APP names one; a first argument naming an app of the caller's still wins; apps:create never repoints
// the paas remote.
import test from 'ava';
import fs from 'node:fs';
import { CLI, fixtureRepo, git, removeApps, run, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const app = uniqueName('ar');
const other = uniqueName('ar2');
let daemon: Daemon;
let repo: string;

test.before(async () => {
  daemon = await startDaemon();
  repo = await fixtureRepo('config-app');
  const pushed = await daemon.push(repo, app);
  if (pushed.code !== 0) throw new Error(pushed.output);
  await git(repo, ['remote', 'add', 'paas', `ssh://git@127.0.0.1:${daemon.sshPort}/${app}`]);
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app, other]);
});

/** The paas CLI run inside the app's repository (its `paas` remote names the app), as a user types it. */
const here = (args: string[], env: Record<string, string> = {}) =>
  run('node', [CLI, '--data-dir', daemon.dataDir, ...args], { cwd: repo, env: { ...process.env, ...env } });
const greeting = async (name = app) => (await daemon.get(name, '/cgi-bin/greeting')).body;

test.serial('inside the repository every positional is the command’s own: config:set, rollback v1, ps:restart web, run ls -la', async (t) => {
  const set = await here(['config:set', 'GREETING=second']);
  t.is(set.code, 0, set.output);
  t.is(await greeting(), 'second');
  const back = await here(['rollback', 'v1']);
  t.is(back.code, 0, back.output);
  t.regex(back.output, /Rolled back to v1/);
  t.is(await greeting(), '');
  const restarted = await here(['ps:restart', 'web']);
  t.is(restarted.code, 0, restarted.output);
  const listed = await here(['run', 'ls', '-la', '/www']);
  t.is(listed.code, 0, listed.output);
  t.regex(listed.stdout, /cgi-bin/);
  t.is((await here(['config:get', 'GREETING'])).stdout, '', 'rollback v1 brought back v1’s config');
});

test.serial('apps:create leaves a paas remote that points at another app alone and says how to repoint it; -r and PAAS_CLI_APP pick the app', async (t) => {
  const created = await here(['apps:create', other]);
  t.is(created.code, 0, created.output);
  t.regex(created.stdout, new RegExp(`Git remote paas points at another app and is left as it is: paas git:remote ${other} repoints it`));
  t.regex((await git(repo, ['remote', 'get-url', 'paas'])).stdout.trim(), new RegExp(`/${app}$`), 'the remote still names the first app');
  // PAAS_CLI_APP comes before the paas remote.
  t.is((await here(['config:set', 'WHERE=env', '--no-restart'], { PAAS_CLI_APP: other })).code, 0);
  t.is((await daemon.paas(['config:get', other, 'WHERE'])).stdout, 'env\n');
  // -r REMOTE names another remote's app.
  await git(repo, ['remote', 'add', 'staging', `ssh://git@127.0.0.1:${daemon.sshPort}/${other}`]);
  t.is((await here(['config:get', 'WHERE', '-r', 'staging'])).stdout, 'env\n');
  const none = await here(['config:get', 'WHERE', '-r', 'nowhere']);
  t.not(none.code, 0);
  t.regex(none.stderr, /no git remote "nowhere" pointing at an app of this server in this repository/);
  // A first argument naming an app the caller may use is still that app.
  t.is((await here(['config:get', other, 'WHERE'])).stdout, 'env\n');
  t.is((await here(['config:get', 'WHERE'])).stdout, '', 'and without it, the paas remote’s app');
  t.false(fs.existsSync(`${repo}/.git/refs/remotes/nowhere`));
});
