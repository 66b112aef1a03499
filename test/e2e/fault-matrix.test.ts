// The fault matrix: the daemon is killed with SIGKILL at each fault point of each operation that changes what
// runs (config:set, ps:scale, rollback, ps:restart, pipelines:promote, services:link and unlink at checking,
// switched and replaced; apps:destroy; a backup),
// under a steady GET loop, then started again. After each kill one invariant must hold: what the store says is
// what runs, is what is routed, git's deploy branch is the active release's commit, and a service is linked on
// record exactly when its variable is in the active release's config; no request fails.
// A kill in services:create leaves nothing of the service; one in apps:destroy is finished by the next daemon;
// one in a backup leaves no unfinished file. (Deploys are the crash test's; upgrades and restores the
// services-upgrade test's; certificate renewals the https test's.)
import test from 'ava';
import knex from 'knex';
import fs from 'node:fs';
import path from 'node:path';
import { containersOf, fixtureRepo, removeApps, removeServices, run, startDaemon, uniqueName, waitUntilGone, type Daemon } from './_daemon.js';
import Docker from 'dockerode';
import { repoPath } from '../../src/git/repos.js';

const app = uniqueName('fm');
const doomed = uniqueName('fmd');
/** The staging app whose release is promoted to `app` (same commit: the invariant compares git with the release). */
const staging = uniqueName('fms');
const db = `${app}-pg`;
/** A service whose creation is killed half-way. */
const unfinished = `${app}-pg2`;
let d: Daemon;
let ports: Pick<Daemon, 'dataDir' | 'sshPort' | 'httpPort' | 'httpsPort'>;

test.after.always(async () => {
  await d?.stop();
  await removeServices([db, unfinished]);
  await removeApps([app, doomed, staging]);
});

async function restart(env: Record<string, string> = {}): Promise<void> {
  await d.stop();
  d = await startDaemon({ reuse: ports, env });
}

interface Stored {
  version: number;
  sha: string;
  config: Record<string, string>;
  formation: Record<string, number>;
}

/** What the store says of the app: its active releases (one, when all is well), read from its own file. */
async function storedActive(): Promise<Stored[]> {
  const store = knex({
    client: 'better-sqlite3',
    connection: { filename: path.join(ports.dataDir, 'paas.sqlite3'), options: { readonly: true } },
    useNullAsDefault: true,
  });
  try {
    const rows = (await store('releases').where({ app, status: 'active' }).select('version', 'sha', 'spec_json')) as {
      version: number;
      sha: string;
      spec_json: string;
    }[];
    return rows.map((r) => {
      const spec = JSON.parse(r.spec_json) as { config: Record<string, string>; formation: Record<string, number> };
      return { version: r.version, sha: r.sha, config: spec.config, formation: spec.formation };
    });
  } finally {
    await store.destroy();
  }
}

/** One sentence of what disagrees, or undefined when store, containers, routes and git agree. */
async function disagreement(): Promise<string | undefined> {
  const active = await storedActive();
  if (active.length !== 1) return `${active.length} active releases`;
  const [release] = active as [Stored];
  const web = (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web');
  const wanted = release.formation.web ?? 0;
  if (web.length !== wanted) return `${web.length} web replicas run, the store says ${wanted}`;
  const foreign = web.filter((c) => c.Labels['paas.release'] !== String(release.version));
  if (foreign.length) return `web replicas of v${foreign[0]!.Labels['paas.release']} run, the store says v${release.version}`;
  const served = (await d.get(app, '/cgi-bin/greeting').catch(() => ({ status: 0, body: '' }))).body;
  const greeting = release.config.GREETING ?? '';
  if (served !== greeting) return `the router serves ${JSON.stringify(served)}, the store's v${release.version} says ${JSON.stringify(greeting)}`;
  const branch = (await run('git', ['--git-dir', repoPath(ports.dataDir, app), 'rev-parse', 'refs/heads/main'])).stdout.trim();
  if (branch !== release.sha) return `git's main is ${branch.slice(0, 7)}, the active release's commit ${release.sha.slice(0, 7)}`;
  // A service's link is on record exactly when its variable is in the active release's config.
  const linked = (await storedLinks()).map((l) => l.env_var);
  const urls = Object.keys(release.config).filter((k) => k === 'DATABASE_URL');
  if (linked.join() !== urls.join()) return `the links on record give ${JSON.stringify(linked)}, v${release.version}'s config has ${JSON.stringify(urls)}`;
  return undefined;
}

/** The app's service links on record. */
async function storedLinks(): Promise<{ service: string; env_var: string }[]> {
  const store = knex({
    client: 'better-sqlite3',
    connection: { filename: path.join(ports.dataDir, 'paas.sqlite3'), options: { readonly: true } },
    useNullAsDefault: true,
  });
  try {
    return (await store('backing_links').where({ app }).select('service', 'env_var')) as { service: string; env_var: string }[];
  } finally {
    await store.destroy();
  }
}

/** Waits (up to a minute: healing may still be bringing the formation back) until everything agrees. */
async function agrees(): Promise<{ ok: boolean; why?: string; ms: number }> {
  const started = Date.now();
  let why: string | undefined;
  while (Date.now() - started < 60_000) {
    why = await disagreement();
    if (!why) return { ok: true, ms: Date.now() - started };
    await new Promise((r) => setTimeout(r, 250));
  }
  return { ok: false, why, ms: Date.now() - started };
}

/** GETs the app in a loop until stopped (bounded to 15 minutes), counting what fails. */
function steadyLoad() {
  let running = true;
  const counts = { sent: 0, failed: [] as string[] };
  const deadline = Date.now() + 15 * 60_000;
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      const r = await d.get(app, '/cgi-bin/greeting').catch((err: Error) => ({ status: 0, body: err.message }));
      counts.sent++;
      if (r.status !== 200) counts.failed.push(`${r.status} ${r.body.slice(0, 60)}`);
      await new Promise((res) => setTimeout(res, 10));
    }
  })();
  return {
    sent: () => counts.sent,
    failed: () => counts.failed.length,
    async stop() {
      running = false;
      await loop;
      return counts;
    },
  };
}

test.serial(
  'a kill at each fault point of config, scale, rollback, restart, promote, link and unlink leaves store, containers, routes, links and git in agreement, with no request failed',
  async (t) => {
    d = await startDaemon();
    ports = { dataDir: d.dataDir, sshPort: d.sshPort, httpPort: d.httpPort, httpsPort: d.httpsPort };
    const repo = await fixtureRepo('config-app');
    const pushed = await d.push(repo, app);
    t.is(pushed.code, 0, pushed.output);
    t.is((await d.paas(['config:set', app, 'GREETING=first'])).code, 0);
    t.is((await d.push(repo, staging)).code, 0);
    const pipeline = `${app}-pipe`;
    t.is((await d.paas(['pipelines:create', pipeline, '--app', staging, '--stage', 'staging'])).code, 0);
    t.is((await d.paas(['pipelines:add', app, '--pipeline', pipeline, '--stage', 'production'])).code, 0);
    const created = await d.paas(['services:create', 'postgres', db]);
    t.is(created.code, 0, created.output);
    const load = steadyLoad();
    const operations: { name: string; args: (i: number) => string[] | Promise<string[]> }[] = [
      { name: 'config:set', args: (i) => ['config:set', app, `GREETING=set ${i}`] },
      // Scaling touches only the difference: always one more, so that each cell has something to start.
      { name: 'ps:scale', args: () => ['ps:scale', app, 'web+1'] },
      { name: 'rollback', args: () => ['rollback', app] },
      { name: 'ps:restart', args: () => ['ps:restart', app] },
      // config-app has no tests: its commit has no passing CI run.
      { name: 'pipelines:promote', args: () => ['pipelines:promote', staging, '--to', app, '--force'] },
      // Linked or not, as the last cell left it: the one that changes something.
      { name: 'services:link/unlink', args: async () => ((await storedLinks()).length ? ['services:unlink', app, db] : ['services:link', app, db]) },
    ];
    const report: string[] = [];
    let i = 0;
    for (const point of ['checking', 'switched', 'replaced']) {
      for (const op of operations) {
        i++;
        await restart({ PAAS_FAULT_POINT: point });
        const sentBefore = load.sent();
        const before = (await storedActive())[0]?.version;
        const args = await op.args(i);
        const lost = await d.paas(args);
        const died = await waitUntilGone(d);
        await restart();
        const result = await agrees();
        const after = (await storedActive())[0]?.version;
        report.push(
          `${args[0]} at ${point}: ${died ? 'killed' : 'not reached'} (client exit ${lost.code}); the next daemon serves ${before === after ? `v${after} as before` : `v${after} (was v${before})`}, all agreeing after ${(result.ms / 1000).toFixed(1)} s; ${load.sent() - sentBefore} requests meanwhile, ${load.failed()} failed so far`,
        );
        t.true(died, `${op.name} reaches ${point}`);
        t.true(result.ok, `${op.name} at ${point}: ${result.why}`);
      }
    }
    const counts = await load.stop();
    t.log(report.join('\n'));
    t.log(`requests through the matrix: ${counts.sent} sent, ${counts.failed.length} failed`);
    t.deepEqual(counts.failed, [], 'no request failed');
  },
);

test.serial('a kill in the middle of apps:destroy is finished by the next daemon: nothing of the app runs, routes or stays on disk', async (t) => {
  const pushed = await d.push(await fixtureRepo('dockerfile-hello'), doomed);
  t.is(pushed.code, 0, pushed.output);
  await restart({ PAAS_FAULT_POINT: 'destroying' });
  await d.paas(['apps:destroy', doomed, '--confirm', doomed]);
  t.true(await waitUntilGone(d), 'the daemon died with the records gone and the containers still there');
  t.true((await containersOf(doomed)).length > 0, 'its containers outlived the kill');
  await restart();
  t.regex(d.log(), new RegExp(`event=apps\\.destroy_finished apps=${doomed}`));
  t.deepEqual(await containersOf(doomed), []);
  t.false(fs.existsSync(repoPath(ports.dataDir, doomed)), 'its repository is gone');
  t.is((await d.get(doomed)).status, 404, 'nothing is routed for it');
  t.is((await d.paas(['apps:info', doomed])).code, 1);
  t.is((await disagreement()) ?? 'agree', 'agree', 'the other app is untouched');
});

test.serial('a kill in the middle of a backup leaves no unfinished file, and the next backup goes through', async (t) => {
  await restart({ PAAS_FAULT_POINT: 'backing-up' });
  await d.paas(['services:backup', db]);
  t.true(await waitUntilGone(d));
  const dir = path.join(ports.dataDir, 'services', db, 'backups');
  t.true(
    fs.readdirSync(dir).some((f) => f.endsWith('.partial')),
    'the kill left a dump half written',
  );
  await restart();
  t.deepEqual(
    fs.readdirSync(dir).filter((f) => f.endsWith('.partial')),
    [],
    'the next daemon removed it',
  );
  t.regex(d.log(), /event=backups\.unfinished\.removed/);
  t.deepEqual(JSON.parse((await d.paas(['services:info', db, '--json'])).stdout).backups, [], 'it is not listed as a backup');
  const backup = await d.paas(['services:backup', db]);
  t.is(backup.code, 0, backup.output);
});

/** The Docker objects labelled as service `name`'s: containers, networks and volumes, by kind and name. */
async function serviceObjects(name: string): Promise<string[]> {
  const docker = new Docker();
  const label = { label: [`paas.service=${name}`] };
  return [
    ...(await docker.listContainers({ all: true, filters: label })).map((c) => `container ${c.Names[0]}`),
    ...(await docker.listNetworks({ filters: label })).map((n) => `network ${n.Name}`),
    ...((await docker.listVolumes({ filters: label })).Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

test.serial(
  'a kill in the middle of services:create leaves nothing of the service: the next daemon removes what it made, and the name is free again',
  async (t) => {
    await restart({ PAAS_FAULT_POINT: 'creating-service' });
    await d.paas(['services:create', 'postgres', unfinished]);
    t.true(await waitUntilGone(d), 'the daemon died with the server up and the service not yet recorded as created');
    const made = await serviceObjects(unfinished);
    t.true(
      made.some((o) => o.startsWith('container ')) && made.some((o) => o.startsWith('volume ')),
      `its container and volume outlived the kill: ${made.join(', ')}`,
    );
    await restart();
    t.regex(d.log(), new RegExp(`event=services\\.create_unfinished\\.removed services=${unfinished}`));
    t.deepEqual(await serviceObjects(unfinished), [], 'nothing of it is left');
    const info = await d.paas(['services:info', unfinished]);
    t.is(info.code, 1);
    t.regex(info.stderr, /no service named/);
    t.is(JSON.parse((await d.paas(['services:info', db, '--json'])).stdout).state, 'running', 'the other service is untouched');
    const again = await d.paas(['services:create', 'postgres', unfinished]);
    t.is(again.code, 0, again.output);
    t.is(JSON.parse((await d.paas(['services:info', unfinished, '--json'])).stdout).state, 'running');
  },
);
