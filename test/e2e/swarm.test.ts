// The Swarm scheduler end to end, on a real cluster made here: the host's engine as manager and two
// Docker-in-Docker worker nodes. The daemon runs with --scheduler swarm, ships release images through its own
// registry, and routes to task addresses on the app's overlay network through the overlay gateway.
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { commitAll, docker, fixtureRepo, startDaemon, uniqueName, type Daemon } from './_daemon.js';
import { createCluster, type Cluster } from './_swarm-cluster.js';

let cluster: Cluster | undefined;
let daemon: Daemon | undefined;
const app = uniqueName('swarm');
let repo: string;

const ENV = { PAAS_SCHEDULER: 'swarm', PAAS_READY_TIMEOUT: '60', PAAS_STOP_GRACE: '5', PAAS_DRAIN_TIMEOUT: '5' };

interface Blob {
  digest: string;
  bytes: number;
}

/** The blobs the registry stores now (layers and configs), read from its data dir. */
function registryBlobs(dataDir: string): Map<string, number> {
  const root = path.join(dataDir, 'registry', 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256');
  const blobs = new Map<string, number>();
  if (!fs.existsSync(root)) return blobs;
  for (const prefix of fs.readdirSync(root))
    for (const digest of fs.readdirSync(path.join(root, prefix))) {
      const file = path.join(root, prefix, digest, 'data');
      if (fs.existsSync(file)) blobs.set(digest, fs.statSync(file).size);
    }
  return blobs;
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
  const failures: string[] = [];
  const one = () =>
    new Promise<void>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: daemon!.httpPort, path: '/', headers: { host: `${app}.localhost` }, agent }, (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) ok++;
            else failures.push(`status ${res.statusCode}`);
            resolve();
          });
        })
        .on('error', (err) => {
          failures.push(err.message);
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

test.before(async () => {
  cluster = await createCluster(2);
  daemon = await startDaemon({ env: ENV });
  const ca = fs.readFileSync(path.join(daemon.dataDir, 'registry', 'ca.crt'), 'utf8');
  await cluster.trustRegistry(`${cluster.managerAddr}:5000`, ca);
  repo = await fixtureRepo('config-app');
});

test.after.always(async () => {
  await daemon?.paas(['apps:destroy', app, '--confirm', app]).catch(() => undefined);
  await daemon?.stop();
  await cluster?.destroy();
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

test.serial('deploys and rollbacks under load fail no request', async (t) => {
  const d = daemon!;
  const traffic = load(16);
  for (let i = 0; i < 2; i++) {
    await commitAll(repo, `deploy ${i}`, { 'www/index.html': `deploy ${i}\n` });
    const push = await d.push(repo, app);
    t.is(push.code, 0, push.output);
    const back = await d.paas(['rollback', app]);
    t.is(back.code, 0, back.output);
  }
  const { ok, failures } = await traffic.stop();
  t.log(`${ok} requests answered during 2 deploys and 2 rollbacks`);
  t.true(ok > 0);
  t.deepEqual(failures.slice(0, 5), []);
});
