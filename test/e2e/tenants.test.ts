// Tenants stay apart, written as the attacks: a collaborator with a key for app A (named X) tries to kill,
// impersonate, reach and read app B (named X-y, so that names built by joining with "-" collide), while B is
// asked for its page all along. Every attack must fail, and B must only ever answer with its own page.
import test from 'ava';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { diskBytes } from '../../src/git/repo-size.js';
import { commitAll, containersOf, docker, fixtureRepo, portClosedToApps, removeApps, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const base = uniqueName('tn');
const A = base;
const B = `${base}-y`;
const B_PAGE = `victim ${B}\n`;
const A_PAGE = `intruder ${A}\n`;
let daemon: Daemon;
let apiPort: number;
let keyFile: string;
let load: { stop(): Promise<{ sent: number; failed: number; foreign: number }> };

/** As the collaborator on A, over SSH (arguments are re-split remotely like shell words). */
const asCollaborator = (args: string[]) => daemon.ssh(args, { keyFile });

function getB(): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port: daemon.httpPort, path: '/', headers: { host: `${B}.localhost` }, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: '' }));
  });
}

/** Asks B for its page in a loop (bounded: it stops with the file, or after 10 minutes), counting what went wrong. */
function loadB() {
  let running = true;
  const counts = { sent: 0, failed: 0, foreign: 0 };
  const deadline = Date.now() + 10 * 60_000;
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      const r = await getB();
      counts.sent++;
      if (r.status !== 200 || r.body !== B_PAGE) counts.failed++;
      if (r.body.includes('intruder')) counts.foreign++;
      await new Promise((res) => setTimeout(res, 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return counts;
    },
  };
}

async function webOf(app: string) {
  return (await containersOf(app)).filter((c) => c.Labels['paas.process'] === 'web' && c.State === 'running');
}

test.before(async () => {
  apiPort = await portClosedToApps();
  // The TCP API on its default address: it must be out of the apps' reach.
  daemon = await startDaemon({ env: { PAAS_API_PORT: String(apiPort), PAAS_REPO_MAX_SIZE: '8m' } });
  for (const app of [A, B]) {
    const created = await daemon.paas(['apps:create', app]);
    if (created.code !== 0) throw new Error(created.output);
  }
  const victim = await fixtureRepo('dockerfile-hello');
  await commitAll(victim, 'victim page', { 'index.html': B_PAGE });
  const pushed = await daemon.push(victim, B);
  if (pushed.code !== 0) throw new Error(pushed.output);
  keyFile = path.join(daemon.dataDir, 'collaborator_key');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'intruder', '-f', keyFile]);
  const added = await daemon.paas(['keys:add', 'intruder', '--app', A], fs.readFileSync(keyFile + '.pub', 'utf8'));
  if (added.code !== 0) throw new Error(added.output);
  load = loadB();
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([A, B]);
});

test.serial("a process type named to collide with another app's container kills nothing of it", async (t) => {
  const [before] = await webOf(B);
  t.truthy(before);
  // A's "y-web" at v1 was named exactly like B's (A-y) "web" at v1, and creating it removed B's container.
  const intruder = await fixtureRepo('dockerfile-hello');
  await commitAll(intruder, 'intruder', {
    'index.html': A_PAGE,
    Procfile: 'web: exec busybox httpd -f -p $PORT -h /www\ny-web: exec busybox httpd -f -p $PORT -h /www\n',
  });
  // y-web=1 for A's first release (v1, as B's): asked for before the first deploy, as a collaborator may.
  t.is((await asCollaborator(['ps:scale', A, 'y-web=1'])).code, 0);
  const push = await daemon.push(intruder, A, 'main', keyFile);
  t.is(push.code, 0, push.output);
  t.true(
    (await containersOf(A)).some((c) => c.Labels['paas.process'] === 'y-web' && c.State === 'running'),
    'A runs its y-web',
  );
  const [after] = await webOf(B);
  t.is(after?.Id, before!.Id, "B's container is the same, still running");
  t.deepEqual(await getB(), { status: 200, body: B_PAGE });
  t.is((await daemon.get(A)).body, A_PAGE);
  // Scaling and config changes of A recreate its containers: still nothing of B's.
  t.is((await asCollaborator(['ps:scale', A, 'y-web=2'])).code, 0);
  t.is((await asCollaborator(['config:set', A, 'X=1'])).code, 0);
  t.is((await webOf(B))[0]?.Id, before!.Id);
  t.deepEqual(await getB(), { status: 200, body: B_PAGE });
});

test.serial('a collaborator pushes branches and tags only, and no push grows a repository past its limit', async (t) => {
  const repo = await fixtureRepo('dockerfile-hello');
  for (const ref of ['refs/notes/commits', 'refs/pull/1/head']) {
    const pushed = await daemon.push(repo, A, `HEAD:${ref}`, keyFile);
    t.not(pushed.code, 0, ref);
    t.regex(pushed.output, /only branches and tags can be pushed here .*an admin key may push other refs/, ref);
  }
  t.is((await daemon.push(repo, A, 'HEAD:refs/tags/v-ok', keyFile)).code, 0, 'a tag is fine');
  // 12 MB that git cannot compress, against a limit of 8 MB (PAAS_REPO_MAX_SIZE=8m).
  await commitAll(repo, 'big', { 'blob.bin': crypto.randomBytes(12 * 1024 * 1024).toString('base64') });
  const big = await daemon.push(repo, A, 'HEAD:refs/heads/big', keyFile);
  t.not(big.code, 0);
  t.regex(big.output, /this push would make the app's repository .* over its limit of 8 MB: .*PAAS_REPO_MAX_SIZE/);
  const bytes = await diskBytes(path.join(daemon.dataDir, 'repos', `${A}.git`));
  t.true(bytes < 8 * 1024 * 1024, `the refused objects are not kept (${bytes} bytes)`);
  t.is((await daemon.get(A)).body, A_PAGE, "A's release keeps serving");
});

test.serial("a Dockerfile cannot build on another app's image", async (t) => {
  const thief = await fixtureRepo('dockerfile-hello');
  await commitAll(thief, 'steal', { Dockerfile: `FROM paas/app/${B}:v1\nCMD ["sh", "-c", "exec busybox httpd -f -p $PORT -h /www"]\n` });
  const push = await daemon.push(thief, A, '+main', keyFile);
  t.not(push.code, 0);
  t.regex(push.output, new RegExp(`builds on paas/app/${B}:v1, an image of another app`));
  t.is((await daemon.get(A)).body, A_PAGE, "A's release keeps serving");
});

test.serial("a volume named to collide with another app's is a volume of its own", async (t) => {
  t.is((await daemon.paas(['storage:mount', B, 'data:/d'])).code, 0);
  const wrote = await daemon.paas(['run', B, '--', 'sh', '-c', 'echo victim-secret > /d/secret']);
  t.is(wrote.code, 0, wrote.output);
  const mounted = await asCollaborator(['storage:mount', A, 'y-data:/d']);
  t.is(mounted.code, 0, mounted.output);
  const read = await asCollaborator(['run', A, '--', 'cat', '/d/secret']);
  t.not(read.code, 0);
  t.notRegex(read.output, /victim-secret/);
  const write = await asCollaborator(['run', A, '--', 'sh', '-c', "'echo overwritten > /d/secret'"]);
  t.is(write.code, 0, write.output);
  t.regex((await daemon.paas(['run', B, '--', 'cat', '/d/secret'])).stdout, /victim-secret/, "B's data is untouched");
});

test.serial("an app cannot reach another app's containers, nor the daemon's API and SSH ports; the router it can", async (t) => {
  const [b] = await webOf(B);
  const bInfo = await docker.getContainer(b!.Id).inspect();
  const bNet = Object.values(bInfo.NetworkSettings.Networks)[0]!;
  const [a] = await webOf(A);
  const aNet = Object.values((await docker.getContainer(a!.Id).inspect()).NetworkSettings.Networks)[0]!;
  t.not(aNet.NetworkID, bNet.NetworkID, 'each app has a network of its own');
  const reach = await asCollaborator(['run', A, '--', 'sh', '-c', `'busybox wget -T 3 -qO- http://${bNet.IPAddress}:5000/ && echo REACHED'`]);
  t.notRegex(reach.output, /REACHED|victim/, "B's container did not answer A");
  const connects = async (port: number) => {
    const result = await asCollaborator(['run', A, '--', 'sh', '-c', `'echo | busybox nc -w 3 ${aNet.Gateway} ${port} && echo CONNECTED; echo done'`]);
    t.regex(result.output, /done/, result.output);
    return /CONNECTED/.test(result.output);
  };
  t.false(await connects(apiPort), "the TCP API is out of the apps' reach");
  t.false(await connects(daemon.sshPort), 'so is the SSH gateway');
  t.true(await connects(daemon.httpPort), 'the router is not: apps may call apps by their URLs');
});

test.serial('app containers run with limits, no privilege gain and without raw sockets', async (t) => {
  const [a] = await webOf(A);
  const host = (await docker.getContainer(a!.Id).inspect()).HostConfig;
  t.is(host.Memory, 512 * 1024 * 1024);
  t.is(host.PidsLimit, 512);
  t.is(host.NanoCpus, 1e9);
  t.true(host.CapDrop?.includes('NET_RAW'));
  t.deepEqual(host.SecurityOpt, ['no-new-privileges']);
  const status = await asCollaborator(['run', A, '--', 'cat', '/proc/self/status']);
  t.regex(status.stdout, /NoNewPrivs:\s+1/);
  const capEff = BigInt('0x' + (/CapEff:\s+([0-9a-f]+)/.exec(status.stdout)?.[1] ?? '0'));
  t.is(capEff & (1n << 13n), 0n, "CAP_NET_RAW (13) is not in the one-off's effective set");
  // A fork bomb stops at the PID limit (cgroup v1 or v2) instead of taking the host's.
  const bomb = await asCollaborator([
    'run',
    A,
    '--',
    'sh',
    '-c',
    "'(for i in $(seq 1 700); do sleep 3 & done) 2>/dev/null; cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; echo finished'",
  ]);
  t.regex(bomb.output, /^512\s+finished/m, bomb.output);
  t.deepEqual(await getB(), { status: 200, body: B_PAGE });
});

test.serial('a killed container leaves the routes at once and the app is brought back to its formation', async (t) => {
  t.is((await daemon.paas(['ps:scale', B, 'web=2'])).code, 0);
  const before = await load.stop();
  load = loadB();
  const [killed] = await webOf(B);
  await docker.getContainer(killed!.Id).kill();
  const deadline = Date.now() + 60_000;
  let back: Awaited<ReturnType<typeof webOf>> = [];
  while (Date.now() < deadline) {
    back = (await webOf(B)).filter((c) => c.Id !== killed!.Id);
    if (back.length === 2 && (await getB()).body === B_PAGE) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const during = await load.stop();
  load = loadB();
  t.log(`requests to ${B} during the attacks before: ${before.sent} sent, ${before.failed} failed, ${before.foreign} answered by another app`);
  t.log(
    `requests to ${B} (web=2) from the kill of one replica until it was replaced: ${during.sent} sent, ${during.failed} failed, ${during.foreign} answered by another app`,
  );
  t.is(before.foreign + during.foreign, 0);
  t.is(back.length, 2, 'a new web container replaced the killed one');
  t.is(back[0]!.Labels['paas.release'], killed!.Labels['paas.release'], 'of the same release');
  t.deepEqual(await getB(), { status: 200, body: B_PAGE });
  t.regex(daemon.log(), /event=router\.target_dropped app=\S+-y/);
});

test.serial("the store and data dir are the owner's alone, and lists print no config values", async (t) => {
  t.is((await daemon.paas(['config:set', B, 'SECRET=hunter2', '--no-restart'])).code, 0);
  t.is(fs.statSync(daemon.dataDir).mode & 0o777, 0o700);
  for (const file of fs.readdirSync(daemon.dataDir).filter((f) => f.startsWith('paas.sqlite3'))) {
    t.is(fs.statSync(path.join(daemon.dataDir, file)).mode & 0o077, 0, file);
  }
  const list = await daemon.paas(['apps:list', '--json']);
  t.is(list.code, 0, list.output);
  t.notRegex(list.stdout, /hunter2/);
  const { sent, failed, foreign } = await load.stop();
  t.log(`requests to ${B} since the replacement: ${sent} sent, ${failed} failed, ${foreign} answered by another app`);
  t.is(foreign, 0, 'no request for B was ever answered by A');
});
