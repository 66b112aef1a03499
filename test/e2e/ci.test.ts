// CI end to end: every pushed commit gets an isolated, recorded test run; on the deploy branch failing tests
// reject the push.
import test from 'ava';
import { commitAll, fixtureRepo, git, removeApps, startDaemon, uniqueName, type Daemon } from './_daemon.js';

let daemon: Daemon;
const app = uniqueName('ci');
let repo: string;
let live: string;

test.before(async () => {
  daemon = await startDaemon({ env: { PAAS_TEST_TIMEOUT: '4', PAAS_CI_CONCURRENCY: '2' } });
  repo = await fixtureRepo('ci-app');
  live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

interface Run {
  id: number;
  number: number;
  status: string;
  branch: string;
  sha: string;
  exitCode: number | null;
}
const runs = async () => JSON.parse((await daemon.paas(['ci', app, '--json'])).stdout) as Run[];
const fromLive = () => git(repo, ['reset', '-q', '--hard', live]);
const testCommand = (command: string) => JSON.stringify({ environments: { test: { scripts: { test: command } } } });

test.serial('on the deploy branch tests run before the release, with only the test environment', async (t) => {
  const push = await daemon.push(repo, app);
  t.is(push.code, 0, push.output);
  t.regex(push.output, /remote: -----> Running tests \(CI run \d+\): sh test\.sh/);
  t.regex(push.output, /remote: {8}running tests with GREETING=hi from app\.json/);
  t.regex(push.output, /remote: -----> Tests passed in \d+\.\d s/);
  t.is((await daemon.get(app)).body, 'hello from ci v1\n');
  live = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  t.like((await runs())[0], { status: 'passed', branch: 'main', sha: live, exitCode: 0 });
});

test.serial('failing tests on the deploy branch reject the push; the old release keeps serving', async (t) => {
  await fromLive();
  await commitAll(repo, 'breaks the page', { 'www/index.html': 'goodbye\n' });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /www\/index\.html does not say hello/);
  t.regex(push.output, /remote: {2}! {5}Tests failed \(exit 1\); nothing was deployed/);
  t.is((await daemon.get(app)).body, 'hello from ci v1\n');
  t.like((await runs())[0], { status: 'failed', exitCode: 1 });
});

test.serial('a failing run on a feature branch is recorded, the push accepted, nothing deployed', async (t) => {
  await fromLive();
  await commitAll(repo, 'feature breaks', { 'www/index.html': 'nope\n' });
  const push = await daemon.push(repo, app, 'HEAD:refs/heads/feature');
  t.is(push.code, 0, push.output);
  t.regex(push.output, /only main or master deploys, so this is a CI run/);
  t.regex(push.output, /remote: {2}! {5}Tests failed \(exit 1\)/);
  t.like((await runs())[0], { status: 'failed', branch: 'feature' });
  t.is((await daemon.get(app)).body, 'hello from ci v1\n');

  const show = await daemon.paas(['ci:show', app, String((await runs())[0]!.number)]);
  t.regex(show.stdout, /CI run \d+ of .*: failed \(exit 1\)/);
  t.regex(show.stdout, /www\/index\.html does not say hello/);
  const again = await daemon.paas(['ci:run', app, 'feature']);
  t.is(again.code, 1, 'ci:run exits non-zero when the tests fail');
  t.regex(again.stdout, /Tests failed \(exit 1\)/);

  // ci:rerun N runs the commit of run N again, on its branch, though the branch has moved on since.
  const failed = (await runs())[0]!;
  await commitAll(repo, 'feature fixed', { 'www/index.html': 'hello from the fixed feature\n' });
  t.is((await daemon.push(repo, app, 'HEAD:refs/heads/feature')).code, 0);
  t.like((await runs())[0], { status: 'passed', branch: 'feature' });
  const rerun = await daemon.paas(['ci:rerun', app, String(failed.number)]);
  t.is(rerun.code, 1, 'the same commit fails again');
  t.regex(rerun.stdout, new RegExp(`CI run of feature \\(${failed.sha.slice(0, 7)}\\), again as run ${failed.number} was`));
  t.like((await runs())[0], { status: 'failed', branch: 'feature', sha: failed.sha });
  const missing = await daemon.paas(['ci:rerun', app, '9999']);
  t.not(missing.code, 0);
  t.regex(missing.output, /has no CI run 9999/);
});

test.serial('a test that reaches for the network fails: runs have no network', async (t) => {
  await fromLive();
  await commitAll(repo, 'network test', {
    'app.json': testCommand('busybox wget -q -T 2 -O /dev/null http://deb.debian.org/ && echo reached || { echo "no network in tests"; exit 3; }'),
  });
  const push = await daemon.push(repo, app, 'HEAD:refs/heads/network');
  t.regex(push.output, /no network in tests/);
  t.like((await runs())[0], { status: 'failed', exitCode: 3 });
});

test.serial('a test that hangs is killed at the timeout and rejects the push', async (t) => {
  await fromLive();
  await commitAll(repo, 'hangs', { 'app.json': testCommand('echo hanging; sleep 600') });
  const push = await daemon.push(repo, app);
  t.not(push.code, 0);
  t.regex(push.output, /Tests timed out after 4 s; nothing was deployed/);
  t.like((await runs())[0], { status: 'timed out' });
  t.is((await daemon.get(app)).body, 'hello from ci v1\n');
});

test.serial('two runs at once whose tests bind the same port both pass', async (t) => {
  const bind = testCommand('busybox httpd -p 8080 -h /app/www && sleep 1 && busybox wget -q -O - http://127.0.0.1:8080/index.html');
  await fromLive();
  await commitAll(repo, 'port a', { 'app.json': bind, 'a.txt': 'a' });
  const a = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  await fromLive();
  await commitAll(repo, 'port b', { 'app.json': bind, 'b.txt': 'b' });
  const b = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  const [pa, pb] = await Promise.all([daemon.push(repo, app, `${a}:refs/heads/port-a`), daemon.push(repo, app, `${b}:refs/heads/port-b`)]);
  t.regex(pa.output, /Tests passed/, pa.output);
  t.regex(pb.output, /Tests passed/, pb.output);
  const recorded = (await runs()).filter((r) => r.branch.startsWith('port-'));
  t.deepEqual(
    recorded.map((r) => r.status),
    ['passed', 'passed'],
  );
});

test.serial('without a test command the run is recorded as skipped', async (t) => {
  await fromLive();
  await commitAll(repo, 'no tests', { 'app.json': '{}' });
  const push = await daemon.push(repo, app, 'HEAD:refs/heads/notests');
  t.is(push.code, 0, push.output);
  t.regex(push.output, /No test command .*; tests skipped/);
  t.like((await runs())[0], { status: 'skipped', branch: 'notests' });
});

test.serial('addons: redis and postgres run on a private network for the run alone, with their URLs', async (t) => {
  await fromLive();
  const script = [
    'echo "REDIS_URL=$REDIS_URL DATABASE_URL=$DATABASE_URL"',
    'pw=${REDIS_URL#redis://:} && pw=${pw%@*}',
    'printf "AUTH %s\\r\\nPING\\r\\n" "$pw" | busybox nc -w 3 redis 6379 | grep -q PONG && echo "redis answers"',
    'echo x | busybox nc -w 3 postgres 5432 >/dev/null && echo "postgres answers"',
  ].join(' && ');
  await commitAll(repo, 'addons', {
    'app.json': JSON.stringify({ environments: { test: { addons: ['heroku-redis', 'heroku-postgresql:essential-0'], scripts: { test: script } } } }),
  });
  const push = await daemon.push(repo, app, 'HEAD:refs/heads/addons');
  t.is(push.code, 0, push.output);
  t.regex(push.output, /REDIS_URL=redis:\/\/:[0-9a-f]{16}@redis:6379 DATABASE_URL=postgres:\/\/postgres:[0-9a-f]{16}@postgres:5432\/postgres/);
  t.regex(push.output, /redis answers/);
  t.regex(push.output, /postgres answers/);
  t.regex(push.output, /Tests passed/);
  const { docker } = await import('./_daemon.js');
  const leftovers = await docker.listContainers({ all: true, filters: { label: [`paas.app=${app}`, 'paas.role=addon'] } });
  t.deepEqual(leftovers, [], 'the run removed its services');
  const networks = await docker.listNetworks({ filters: { label: [`paas.app=${app}`, 'paas.ci-run'] } });
  t.deepEqual(
    networks.map((n) => n.Name),
    [],
    'and its network',
  );
});

test.serial('the deploy branch is a per-app setting', async (t) => {
  await fromLive();
  await commitAll(repo, 'to production', { 'www/index.html': 'hello from production\n', 'app.json': '{}' });
  const set = await daemon.paas(['apps:deploy-branch', app, 'production']);
  t.is(set.code, 0, set.output);
  t.regex(set.stdout, /deploys production/);
  const main = await daemon.push(repo, app, 'HEAD:refs/heads/main');
  t.is(main.code, 0, main.output);
  t.regex(main.output, /only production deploys, so this is a CI run/);
  t.is((await daemon.get(app)).body, 'hello from ci v1\n');
  const production = await daemon.push(repo, app, 'HEAD:refs/heads/production');
  t.is(production.code, 0, production.output);
  t.is((await daemon.get(app)).body, 'hello from production\n');
  const bad = await daemon.paas(['apps:deploy-branch', app, '--x']);
  t.not(bad.code, 0);
  t.is((await daemon.paas(['apps:deploy-branch', app])).code, 0);
});

test.serial('a deploy leaves a running CI run of the same app alone', async (t) => {
  const other = await startDaemon({ env: { PAAS_TEST_TIMEOUT: '120' } });
  const name = uniqueName('cid');
  try {
    const work = await fixtureRepo('ci-app');
    t.is((await other.push(work, name)).code, 0);
    const main = (await git(work, ['rev-parse', 'HEAD'])).stdout.trim();
    await commitAll(work, 'slow tests', { 'app.json': testCommand('sleep 8 && echo survived the deploy') });
    let output = '';
    let testing!: () => void;
    const started = new Promise<void>((resolve) => (testing = resolve));
    const feature = other.push(work, name, 'HEAD:refs/heads/slow', undefined, (chunk) => {
      output += chunk;
      if (/Running tests/.test(output)) testing();
    });
    await started;
    await git(work, ['reset', '-q', '--hard', main]);
    await commitAll(work, 'v2', { 'www/index.html': 'hello from ci v2\n' });
    const deploy = await other.push(work, name);
    t.is(deploy.code, 0, deploy.output);
    const ci = await feature;
    t.is(ci.code, 0, ci.output);
    t.regex(ci.output, /survived the deploy/);
    t.regex(ci.output, /Tests passed/);
    const recorded = JSON.parse((await other.paas(['ci', name, '--json'])).stdout) as Run[];
    t.like(
      recorded.find((r) => r.branch === 'slow'),
      { status: 'passed', exitCode: 0 },
    );
  } finally {
    await other.stop();
    await removeApps([name]);
  }
});

test.serial('a reader that closes the pipe early ends the CLI quietly', async (t) => {
  const { CLI, run: runCommand } = await import('./_daemon.js');
  const [first] = await runs();
  // A fixed pipeline of the test's own making (no input in it): the CLI's output goes to `head -1`.
  const piped = await runCommand('bash', [
    '-o',
    'pipefail',
    '-c',
    `node "$0" --data-dir "$1" ci:show "$2" "$3" | head -1`,
    CLI,
    daemon.dataDir,
    app,
    String(first!.number),
  ]);
  t.is(piped.code, 0, piped.output);
  t.notRegex(piped.stderr, /EPIPE|Error/);
});
