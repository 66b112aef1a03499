// The Swarm scheduler end to end, on a real cluster made here: the host's engine as manager and two
// Docker-in-Docker worker nodes. The daemon runs with --scheduler swarm, ships release images through its own
// registry, and routes to task addresses on the app's overlay network through the overlay gateway.
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { spawn } from 'node:child_process';
import type Docker from 'dockerode';
import { CLI, commitAll, docker, fixtureRepo, startDaemon, uniqueName, type Daemon } from '../e2e/_daemon.js';
import { createCluster, manifestBlobs, registryAccessOf, registryBlobs, type Cluster, type SwarmNode } from './_swarm-cluster.js';
import { listTags, manifestDigest } from '../../src/swarm/registry-api.js';
import { DOCKER_CERTS_DIR, SupervisedRegistry } from '../../src/swarm/registry-server.js';
import { imageRepo } from '../../src/docker/names.js';
import { NODE_IMAGE } from '../../src/swarm/overlay-gateway.js';
import { freePort } from '../_free-port.js';

let cluster: Cluster | undefined;
let daemon: Daemon | undefined;
const app = uniqueName('swarm');
const production = uniqueName('swarm-prd');
let repo: string;

const ENV = { PAAS_SCHEDULER: 'swarm', PAAS_READY_TIMEOUT: '60', PAAS_STOP_GRACE: '5', PAAS_DRAIN_TIMEOUT: '5', PAAS_METRICS_INTERVAL: '2' };

interface Blob {
  digest: string;
  bytes: number;
}

function newBlobs(before: Map<string, number>, after: Map<string, number>): Blob[] {
  return [...after].filter(([d]) => !before.has(d)).map(([digest, bytes]) => ({ digest, bytes }));
}

/** Where each running replica of the app runs: node hostname by task. */
async function placements(): Promise<string[]> {
  const nodes = new Map(
    ((await docker.listNodes()) as { ID: string; Description?: { Hostname?: string } }[]).map((n) => [n.ID, n.Description?.Hostname ?? n.ID]),
  );
  const services = (await docker.listServices({ filters: { label: [`paas.app=${app}`] } })) as { ID: string }[];
  const ids = new Set(services.map((s) => s.ID));
  const tasks = (await docker.listTasks()) as { ServiceID: string; NodeID: string; Status?: { State?: string } }[];
  return tasks.filter((t) => ids.has(t.ServiceID) && t.Status?.State === 'running').map((t) => nodes.get(t.NodeID) ?? t.NodeID);
}

/** Keeps `clients` keep-alive clients requesting through the router until stopped; counts what was not a 200. */
function load(clients: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  let stopped = false;
  let ok = 0;
  /** Each failed request with the time it was sent. */
  const failures: { sent: number; what: string }[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      const sent = Date.now();
      http
        .get({ host: '127.0.0.1', port: daemon!.httpPort, path: '/', headers: { host: `${app}.localhost` }, agent }, (res) => {
          res.resume();
          // A response cut off midway (its replica's node died) closes without ending.
          res.on('close', () => {
            if (res.statusCode === 200 && res.complete) ok++;
            else failures.push({ sent, what: res.complete ? `status ${res.statusCode}` : 'response cut off' });
            resolve();
          });
        })
        .on('error', (err) => {
          failures.push({ sent, what: err.message });
          resolve();
        });
    });
  const loops = Array.from({ length: clients }, async () => {
    while (!stopped) await one();
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return { ok, failures };
    },
  };
}

/**
 * What the daemon logged within 1.5 s of each failure, and the router's lines that were not a clean 200: what a
 * failed run needs to be understood, since the cluster is gone after it.
 */
function aroundFailures(d: Daemon, failures: { sent: number; what: string }[]): string {
  const near = (ms: number) => failures.some((f) => Math.abs(ms - f.sent) < 1500);
  const events = d
    .log()
    .split('\n')
    .filter((line) => {
      const at = /^time=(\S+)/.exec(line);
      return at && near(Date.parse(at[1]!));
    });
  const accessLog = path.join(d.dataDir, 'haproxy', 'access.log');
  const routed = fs.existsSync(accessLog)
    ? fs
        .readFileSync(accessLog, 'utf8')
        .split('\n')
        .filter((l) => / status=(?!200 )| term=[^-C]/.test(l))
    : [];
  return [
    ...failures.slice(0, 10).map((f) => `failed: ${new Date(f.sent).toISOString()} ${f.what}`),
    'daemon:',
    ...events.slice(-80),
    'router, not 200:',
    ...routed.slice(-20),
  ].join('\n');
}

test.before(async () => {
  cluster = await createCluster(2);
  daemon = await startDaemon({ env: ENV });
  const ca = fs.readFileSync(path.join(daemon.dataDir, 'registry', 'ca.crt'), 'utf8');
  await cluster.trustRegistry(`${cluster.managerAddr}:5000`, ca);
  repo = await fixtureRepo('config-app');
});

test.after.always(async () => {
  // The cluster goes whatever happened before: a host engine left in a swarm fails every later run.
  try {
    await daemon?.paas(['apps:destroy', app, '--confirm', app]).catch(() => undefined);
    await daemon?.paas(['apps:destroy', production, '--confirm', production]).catch(() => undefined);
    await daemon?.stop();
  } finally {
    await cluster?.destroy();
  }
});

test.serial('a push deploys web=3 across the nodes, the router answers from all three, and a code-only change ships only its new layers', async (t) => {
  const d = daemon!;
  t.is((await d.paas(['apps:create', app])).code, 0);
  const scaled = await d.paas(['ps:scale', app, 'web=3']);
  t.is(scaled.code, 0, scaled.output);
  const first = await d.push(repo, app);
  t.is(first.code, 0, first.output);

  const where = await placements();
  t.is(where.length, 3, `running replicas: ${where.join(', ')}`);
  t.true(new Set(where).size >= 2, `replicas should spread over the nodes, ran on ${where.join(', ')}`);
  t.true(
    where.some((h) => h.startsWith('paas-test-swarm-node-')),
    `some replica should run on a worker node, ran on ${where.join(', ')}`,
  );

  const hosts = new Set<string>();
  for (let i = 0; i < 60 && hosts.size < 3; i++) {
    const answer = await d.get(app, '/cgi-bin/host');
    t.is(answer.status, 200, answer.body);
    hosts.add(answer.body.trim());
  }
  t.is(hosts.size, 3, `answers came from ${[...hosts].join(', ')}`);

  const before = registryBlobs(d.dataDir);
  await commitAll(repo, 'new greeting', { 'www/index.html': 'hello from the second push\n' });
  const second = await d.push(repo, app);
  t.is(second.code, 0, second.output);
  t.is((await d.get(app, '/')).body.trim(), 'hello from the second push');
  const shipped = newBlobs(before, registryBlobs(d.dataDir));
  const bytes = shipped.reduce((sum, b) => sum + b.bytes, 0);
  t.log(`code-only deploy shipped ${shipped.length} blobs, ${bytes} bytes`);
  // One new layer (the changed file) and the image config; the base layers were there already.
  t.true(shipped.length <= 3, `blobs shipped: ${JSON.stringify(shipped)}`);
  t.true(bytes < 1024 * 1024, `bytes shipped: ${bytes}`);
});

test.serial('paas logs shows the output of the replicas on every node, and logs -f follows the replicas that start on them', async (t) => {
  const d = daemon!;
  // Each replica says where it runs as it starts (the same app; only its command prints a line first).
  await commitAll(repo, 'say where', {
    Dockerfile: 'FROM debian:bookworm-slim\nCOPY www /www\nCMD ["sh", "-c", "echo listening on $(hostname); exec busybox httpd -f -p ${PORT} -h /www"]\n',
  });
  const push = await d.push(repo, app);
  t.is(push.code, 0, push.output);
  t.true(
    (await placements()).some((h) => h.startsWith('paas-test-swarm-node-')),
    'some replica runs on a worker node',
  );
  const said = (text: string) => new Set([...text.matchAll(/ app\[web\.[123]\]: listening on (\S+)$/gm)].map((m) => m[1]!));
  const logs = await d.paas(['logs', app, '-n', '200']);
  t.is(logs.code, 0, logs.output);
  const first = said(logs.stdout);
  t.is(first.size, 3, logs.stdout);

  const child = spawn('node', [CLI, '--data-dir', d.dataDir, 'logs', app, '-f', '-n', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const restarted = await d.paas(['ps:restart', app]);
    t.is(restarted.code, 0, restarted.output);
    for (let i = 0; i < 300 && [...said(output)].filter((h) => !first.has(h)).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    t.is([...said(output)].filter((h) => !first.has(h)).length, 3, output);
    t.is(child.exitCode, null, 'still following');
  } finally {
    child.kill();
  }
});

test.serial('run, config:set and ps:scale work under Swarm as they do on one host', async (t) => {
  const d = daemon!;
  const ran = await d.paas(['run', app, '--', 'cat', '/www/index.html']);
  t.is(ran.code, 0, ran.output);
  t.is(ran.stdout.trim(), 'hello from the second push');

  const set = await d.paas(['config:set', app, 'GREETING=hello from the cluster']);
  t.is(set.code, 0, set.output);
  const greetings = new Set<string>();
  const hosts = new Set<string>();
  for (let i = 0; i < 60 && hosts.size < 3; i++) {
    greetings.add((await d.get(app, '/cgi-bin/greeting')).body);
    hosts.add((await d.get(app, '/cgi-bin/host')).body.trim());
  }
  t.deepEqual([...greetings], ['hello from the cluster'], 'every replica has the new config');
  t.is(hosts.size, 3);

  t.is((await d.paas(['ps:scale', app, 'web=4'])).code, 0);
  t.is((await placements()).length, 4);
  t.is((await d.paas(['ps:scale', app, 'web=3'])).code, 0);
  t.is((await placements()).length, 3);
});

test.serial('a promotion under Swarm runs the same image with the target config, and ships no layer to the registry', async (t) => {
  const d = daemon!;
  const pipeline = `${app}-pipe`;
  for (const args of [
    ['apps:create', production],
    ['config:set', production, 'GREETING=hello from production'],
    ['pipelines:create', pipeline, '--app', app, '--stage', 'staging'],
    ['pipelines:add', production, '--pipeline', pipeline, '--stage', 'production'],
  ]) {
    const r = await d.paas(args);
    t.is(r.code, 0, r.output);
  }
  const before = registryBlobs(d.dataDir);
  // config-app has no tests: its commits have no passing CI run, so the promotion is forced.
  const promoted = await d.paas(['pipelines:promote', app, '--force']);
  t.is(promoted.code, 0, promoted.output);
  t.is((await d.get(production, '/')).body.trim(), 'hello from the second push');
  t.is((await d.get(production, '/cgi-bin/greeting')).body, 'hello from production');
  t.is((await d.get(app, '/cgi-bin/greeting')).body, 'hello from the cluster', 'staging keeps its own config');
  const shipped = newBlobs(before, registryBlobs(d.dataDir));
  t.log(`promotion shipped ${shipped.length} blobs, ${shipped.reduce((sum, b) => sum + b.bytes, 0)} bytes`);
  t.true(shipped.length <= 1 && shipped.every((b) => b.bytes < 64 * 1024), `blobs shipped: ${JSON.stringify(shipped)}`);
  t.is((await d.paas(['apps:destroy', production, '--confirm', production])).code, 0);
});

test.serial("an app's container reaches the router's port on the manager, and none of its other ports, at any of its addresses", async (t) => {
  const d = daemon!;
  // Besides its overlay, a container there has an interface on the engine's docker_gwbridge, its way out.
  const egress = (await docker.getNetwork('docker_gwbridge').inspect()) as { IPAM: { Config: { Gateway?: string }[] } };
  const connects = async (host: string, port: number) => {
    const probe = await d.paas(['run', app, '--', 'sh', '-c', `echo | busybox nc -w 3 ${host} ${port} && echo CONNECTED; echo done`]);
    t.regex(probe.output, /done/, probe.output);
    return /CONNECTED/.test(probe.output);
  };
  for (const host of [egress.IPAM.Config[0]!.Gateway!, cluster!.managerAddr]) {
    t.false(await connects(host, d.sshPort), `the SSH gateway at ${host} is out of the apps' reach`);
    t.true(await connects(host, d.httpPort), `the router at ${host} is not: apps may call apps by their URLs`);
  }
});

/** Runs `cmd` in container `id` of `engine`; resolves with its output. */
async function execIn(engine: Docker, id: string, cmd: string[]): Promise<string> {
  const exec = await engine.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  engine.modem.demuxStream(stream, out, out);
  await new Promise((r) => stream.on('end', r));
  return text;
}

test.serial("an app's container on a worker reaches neither that node's ports nor the manager's, but for the router", async (t) => {
  const d = daemon!;
  let replica: { node: SwarmNode; id: string } | undefined;
  for (const node of cluster!.nodes) {
    const [c] = await node.engine.listContainers({ filters: { label: [`paas.app=${app}`] } });
    if (c && !replica) replica = { node, id: c.Id };
  }
  if (!replica) return t.fail('no replica runs on a worker');
  const { node, id } = replica;
  // The node guard (a global service) puts the firewall on each worker once its image is pulled there.
  const nodeId = ((await docker.listNodes()) as { ID: string; Description?: { Hostname?: string } }[]).find((n) => n.Description?.Hostname === node.name)?.ID;
  let guarded = false;
  for (let i = 0; i < 120 && !guarded; i++) {
    const tasks = (await docker.listTasks({ filters: { service: ['paas-node-guard'] } })) as { NodeID: string; Status?: { State?: string } }[];
    guarded = tasks.some((task) => task.NodeID === nodeId && task.Status?.State === 'running');
    if (!guarded) await new Promise((r) => setTimeout(r, 500));
  }
  t.true(guarded, `the node guard runs on ${node.name}`);
  await new Promise((r) => setTimeout(r, 1000));
  const egress = ((await node.engine.getNetwork('docker_gwbridge').inspect()) as { IPAM: { Config: { Gateway?: string }[] } }).IPAM.Config[0]!.Gateway!;
  const connects = async (host: string, port: number) => {
    const output = await execIn(node.engine, id, ['sh', '-c', `echo | busybox nc -w 3 ${host} ${port} && echo CONNECTED; echo done`]);
    t.regex(output, /done/, output);
    return /CONNECTED/.test(output);
  };
  // The test's own way into each node is a Docker API on TCP: an app that reached it would own the node.
  t.false(await connects(egress, 2375), `${node.name}'s Docker API at ${egress} is out of the apps' reach`);
  t.false(await connects(node.ip, 2375), `and at ${node.ip}`);
  for (const other of cluster!.nodes.filter((n) => n !== node)) t.false(await connects(other.ip, 2375), `and ${other.name}'s at ${other.ip}`);
  t.false(await connects(cluster!.managerAddr, d.sshPort), "so is the manager's SSH gateway");
  t.true(await connects(cluster!.managerAddr, d.httpPort), "the manager's router is not");
});

test.serial('10 deploys and 10 rollbacks under load fail no request', async (t) => {
  const d = daemon!;
  const traffic = load(64);
  for (let i = 0; i < 10; i++) {
    await commitAll(repo, `deploy ${i}`, { 'www/index.html': `deploy ${i}\n` });
    const push = await d.push(repo, app);
    t.is(push.code, 0, push.output);
    const back = await d.paas(['rollback', app]);
    t.is(back.code, 0, back.output);
  }
  const { ok, failures } = await traffic.stop();
  t.log(`${ok} requests answered during 10 deploys and 10 rollbacks`);
  t.true(ok > 0);
  if (failures.length) t.log(aroundFailures(d, failures));
  t.deepEqual(
    failures.slice(0, 5).map((f) => f.what),
    [],
  );
});

test.serial('the registry keeps only the images of the releases kept, and no blob nothing refers to', async (t) => {
  const d = daemon!;
  const access = registryAccessOf(d.dataDir, `${cluster!.managerAddr}:5000`);
  const repo = `paas/app/${app}`;
  const tags = await listTags(access, repo);
  const releases = JSON.parse((await d.paas(['releases', app, '--json'])).stdout) as { version: number }[];
  t.true(releases.length > 20, `releases: ${releases.length}`);
  // The images of the last 10 releases that ran (the default PAAS_KEEP_RELEASES; an older tag stays only while it
  // names the same image as a kept one, as a rollback's does), and nothing older: v1's is long collected.
  const images = new Set(await Promise.all(tags.map((tag) => manifestDigest(access, repo, tag))));
  t.true(images.size <= 10, `tags left: ${tags.join(', ')}`);
  t.false(tags.includes('v1'), `tags left: ${tags.join(', ')}`);
  // Besides the releases, the registry holds the node guard's image, which every worker runs.
  const referred = new Set(
    (await Promise.all([...tags.map((tag) => manifestBlobs(access, repo, tag)), manifestBlobs(access, NODE_IMAGE.repo, NODE_IMAGE.tag)])).flat(),
  );
  const stored = [...registryBlobs(d.dataDir).keys()];
  t.deepEqual(
    stored.filter((digest) => !referred.has(digest)),
    [],
    "every blob left is part of a kept release or of the node guard's image",
  );
  t.log(`${tags.length} release images in the registry, ${stored.length} blobs`);
});

test.serial('an app with a volume runs on the node that has it, the manager', async (t) => {
  const d = daemon!;
  const pinned = `${app}-vol`;
  try {
    t.is((await d.paas(['apps:create', pinned])).code, 0);
    t.is((await d.paas(['ps:scale', pinned, 'web=2'])).code, 0);
    t.is((await d.paas(['storage:mount', pinned, 'data:/data'])).code, 0);
    const push = await d.push(repo, pinned);
    t.is(push.code, 0, push.output);
    const nodes = JSON.parse((await d.paas(['nodes', '--json'])).stdout) as { hostname: string; role: string }[];
    const manager = nodes.find((n) => n.role.startsWith('manager'))!.hostname;
    const ps = JSON.parse((await d.paas(['ps', pinned, '--json'])).stdout) as { state: string; node?: string }[];
    t.deepEqual(
      ps.filter((p) => p.state === 'running').map((p) => p.node),
      [manager, manager],
    );
  } finally {
    const destroyed = await d.paas(['apps:destroy', pinned, '--confirm', pinned]);
    t.is(destroyed.code, 0, destroyed.output);
  }
  const left = await docker.listServices({ filters: { label: [`paas.app=${pinned}`] } });
  t.deepEqual(left, [], 'apps:destroy removed its services');
  t.deepEqual((await docker.listVolumes({ filters: { label: [`paas.app=${pinned}`] } })).Volumes, [], 'and its volume');
});

/** The worker node that runs most of the app's replicas now. */
async function busiestWorker(): Promise<string> {
  const where = (await placements()).filter((h) => h.startsWith('paas-test-swarm-node-'));
  const counts = new Map<string, number>();
  for (const h of where) counts.set(h, (counts.get(h) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

test.serial('ps shows the CPU and memory of every replica, on the workers as on the manager', async (t) => {
  const d = daemon!;
  type Row = { state: string; node?: string; cpuPercent?: number; memoryBytes?: number };
  const sampled = (rows: Row[]) => rows.filter((p) => p.state === 'running' && p.cpuPercent !== undefined && (p.memoryBytes ?? 0) > 0);
  let rows: Row[] = [];
  // The agent reports every 2 s here (PAAS_METRICS_INTERVAL); a replica just started may wait a round or two.
  for (let i = 0; i < 60; i++) {
    rows = JSON.parse((await d.paas(['ps', app, '--json'])).stdout) as Row[];
    if (rows.length === 3 && sampled(rows).length === 3) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  t.is(sampled(rows).length, 3, JSON.stringify(rows));
  t.true(
    sampled(rows).some((p) => p.node?.startsWith('paas-test-swarm-node-')),
    `a replica on a worker has figures: ${JSON.stringify(rows)}`,
  );
  const table = (await d.paas(['ps', app])).stdout;
  t.regex(table, /NODE\s+CPU\s+MEMORY\s+STATUS/);
  t.regex(table, /paas-test-swarm-node-\S+\s+\d+\.\d%\s+[\d.]+ \w?B \/ /, table);
});

test.serial('paas nodes lists the cluster, and join-command says how to add a host', async (t) => {
  const d = daemon!;
  const listed = await d.paas(['nodes', '--json']);
  t.is(listed.code, 0, listed.output);
  const nodes = JSON.parse(listed.stdout) as { hostname: string; role: string; state: string; availability: string; replicas: number }[];
  t.is(nodes.length, 3);
  t.true(nodes.every((n) => n.state === 'ready' && n.availability === 'active'));
  t.is(nodes.filter((n) => n.role.startsWith('manager')).length, 1);
  t.is(
    nodes.reduce((sum, n) => sum + n.replicas, 0),
    3,
  );
  const table = await d.paas(['nodes']);
  t.regex(table.stdout, /HOSTNAME\s+ROLE\s+STATE\s+AVAILABILITY/);
  const ps = JSON.parse((await d.paas(['ps', app, '--json'])).stdout) as { process: string; state: string; node?: string }[];
  t.is(ps.filter((p) => p.process === 'web' && p.state === 'running').length, 3);
  // The same nodes, in any order (AVA compares sets in order).
  t.deepEqual(
    [...new Set(ps.map((p) => p.node))].sort(),
    nodes
      .filter((n) => n.replicas > 0)
      .map((n) => n.hostname)
      .sort(),
  );
  t.regex((await d.paas(['ps', app])).stdout, /TYPE\s+REPLICA\s+SERVICE\s+STATE\s+RELEASE\s+NODE/);
  const join = await d.paas(['nodes:join-command']);
  t.is(join.code, 0, join.output);
  t.regex(join.stdout, /docker swarm join --token SWMTKN-\S+ \d+\.\d+\.\d+\.\d+:2377/);
  t.regex(join.stdout, /\/etc\/docker\/certs\.d\/[\d.]+:5000\/ca\.crt/);
});

test.serial('nodes:drain moves the replicas off a node without a failed request', async (t) => {
  const d = daemon!;
  const node = await busiestWorker();
  const traffic = load(64);
  const drained = await d.paas(['nodes:drain', node]);
  const { ok, failures } = await traffic.stop();
  t.is(drained.code, 0, drained.output);
  t.regex(drained.stdout, /is drained/);
  t.log(`${ok} requests answered while ${node} was drained`);
  t.deepEqual(
    failures.slice(0, 5).map((f) => f.what),
    [],
  );
  const where = await placements();
  t.is(where.length, 3, where.join(', '));
  t.false(where.includes(node), `nothing should run on ${node}: ${where.join(', ')}`);
  const activated = await d.paas(['nodes:activate', node]);
  t.is(activated.code, 0, activated.output);
});

test.serial('ps:placement keeps the replicas on the labelled node; a placement no node meets fails in one line and the app keeps serving', async (t) => {
  const d = daemon!;
  const node = 'paas-test-swarm-node-2';
  const labelled = await d.paas(['nodes:label', node, 'zone=b']);
  t.is(labelled.code, 0, labelled.output);
  t.regex(labelled.stdout, new RegExp(`${node} has labels: zone=b`));
  t.regex((await d.paas(['nodes'])).stdout, /LABELS[\s\S]*zone=b/);
  const placed = await d.paas(['ps:placement', app, 'node.labels.zone==b']);
  t.is(placed.code, 0, placed.output);
  t.regex(placed.stdout, /runs on nodes where node\.labels\.zone==b; applied with the next release/);
  t.is((await d.paas(['ps:restart', app])).code, 0);
  t.deepEqual(await placements(), [node, node, node]);

  t.is((await d.paas(['ps:placement', app, 'node.labels.zone==nowhere'])).code, 0);
  const stuck = await d.paas(['ps:restart', app]);
  t.not(stuck.code, 0);
  t.regex(stuck.output, /web\.\d cannot be placed: no suitable node \(.*scheduling constraints not satisfied.*\); see paas ps:placement/);
  t.is((await d.get(app)).status, 200, 'what ran before keeps serving');
  t.deepEqual(await placements(), [node, node, node]);

  t.is((await d.paas(['ps:placement', app, '--clear'])).code, 0);
  t.regex((await d.paas(['ps:placement', app])).stdout, /runs on any node/);
  t.is((await d.paas(['nodes:label', node, 'zone='])).code, 0);
  t.is((await d.paas(['ps:restart', app])).code, 0);
  t.is((await placements()).length, 3);
});

test.serial('a node that dies leaves the routes and Swarm brings the app back to web=3', async (t) => {
  const d = daemon!;
  const node = await busiestWorker();
  const onNode = (await placements()).filter((h) => h === node).length;
  t.true(onNode > 0);
  const traffic = load(64);
  await new Promise((r) => setTimeout(r, 1000));
  const logBefore = d.log().length;
  const killedAt = Date.now();
  await docker.getContainer(node).kill();
  // The node died at some moment before the engine said so: a request sent until then may have been in flight.
  const killDoneAt = Date.now();
  let droppedMs: number | undefined;
  let backMs: number | undefined;
  while (Date.now() - killedAt < 120_000 && backMs === undefined) {
    if (
      droppedMs === undefined &&
      (
        d
          .log()
          .slice(logBefore)
          .match(/router\.target_dropped/g) ?? []
      ).length >= onNode
    )
      droppedMs = Date.now() - killedAt;
    const running = (await placements()).filter((h) => h !== node);
    if (running.length === 3) backMs = Date.now() - killedAt;
    await new Promise((r) => setTimeout(r, 250));
  }
  const { ok, failures } = await traffic.stop();
  const afterKill = failures.filter((f) => f.sent > killDoneAt);
  t.log(
    `targets of ${node} left the routes after ${droppedMs} ms; web=3 again after ${backMs} ms; ${ok} answered, ${failures.length} failed ` +
      `(${failures.length - afterKill.length} in flight at the kill, which took ${killDoneAt - killedAt} ms; ${afterKill.length} sent after it)`,
  );
  t.not(droppedMs, undefined, 'the dead replicas should leave the routes');
  t.not(backMs, undefined, 'the app should be back at web=3');
  // What may fail are requests in flight on the node at the kill; none sent after it (a GET that went to a dead
  // replica before it left the routes, on a kept-alive connection, is retried on another one).
  t.deepEqual(afterKill.map((f) => `sent ${f.sent - killDoneAt} ms after the kill: ${f.what}`).slice(0, 5), []);
  // The replacement is routed once its health check passes, which may come a moment after its task runs: the
  // router answers from three replicas within the 60 s the app has to be back at web=3.
  const hosts = new Set<string>();
  while (hosts.size < 3 && Date.now() - killedAt < 60_000) {
    hosts.add((await d.get(app, '/cgi-bin/host')).body.trim());
    if (hosts.size < 3) await new Promise((r) => setTimeout(r, 100));
  }
  t.is(hosts.size, 3, `answered from ${[...hosts].join(', ')} within 60 s of the kill`);
});

test.serial(
  'an external registry, by address and credentials, ships the releases; credentials it refuses fail the push in one line and the app keeps serving',
  async (t) => {
    // A registry the daemon does not run, with TLS from a CA of its own and a password (the same kind of registry
    // as the daemon's, started here). As a user would, this host and every node trust its CA through certs.d.
    const external = new SupervisedRegistry(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-external-registry-')), cluster!.managerAddr, await freePort());
    const access = await external.start();
    t.teardown(async () => {
      await external.stop();
      fs.rmSync(path.join(DOCKER_CERTS_DIR, external.address), { recursive: true, force: true });
    });
    await cluster!.trustRegistry(external.address, access.ca!);
    const restart = async (password: string) => {
      const before = daemon!;
      await before.stop();
      daemon = await startDaemon({
        reuse: before,
        env: { ...ENV, PAAS_REGISTRY: external.address, PAAS_REGISTRY_USER: access.username!, PAAS_REGISTRY_PASSWORD: password },
      });
    };

    await restart('not-the-password');
    await commitAll(repo, 'refused by the registry', { 'www/index.html': 'never shipped\n' });
    const refused = await daemon!.push(repo, app);
    t.not(refused.code, 0);
    t.regex(refused.output, /could not push \S+ to the registry: .*\(check PAAS_REGISTRY_USER and PAAS_REGISTRY_PASSWORD for /);
    const serving = await daemon!.get(app);
    t.is(serving.status, 200, 'what ran before keeps serving');
    t.not(serving.body.trim(), 'never shipped');

    await restart(access.password!);
    await commitAll(repo, 'through the external registry', { 'www/index.html': 'hello through the external registry\n' });
    const pushed = await daemon!.push(repo, app);
    t.is(pushed.code, 0, pushed.output);
    t.is((await daemon!.get(app)).body.trim(), 'hello through the external registry');
    t.true((await listTags(access, imageRepo(app))).length > 0, 'the release image is in the external registry');
    const where = await placements();
    t.is(where.length, 3, where.join(', '));
    t.true(
      where.some((h) => h.startsWith('paas-test-swarm-node-')),
      `a worker node pulled the image with the credentials: replicas run on ${where.join(', ')}`,
    );
  },
);
