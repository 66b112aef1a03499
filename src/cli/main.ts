// The `paas` command line: `server` and `stack:build` run here; every other command asks the daemon over its unix socket.
import { Command, Option } from 'commander';
import { adminSocketPath, loadConfig, type ConfigFlags } from '../config.js';
import { callApi, streamApi } from '../api/client.js';
import { asPaasError, PaasError } from '../errors.js';
import { ERROR, lineSink } from '../log.js';
import { table } from './format.js';
import type { AppRow } from '../store/apps.js';
import type { KeyRow } from '../store/keys.js';
import type { BuildRow } from '../store/builds.js';
import type { CiRunRow } from '../store/ci-runs.js';
import type { ReleaseView } from '../release/release-view.js';
import type { ReleaseDiff } from '../release/release-diff.js';
import { formatBytes } from '../release/layers.js';
import { parseVersionArg } from '../release/version-arg.js';
import { checkConfigKey, parseAssignments } from '../release/config-vars.js';
import { parseFormation } from '../release/formation.js';
import type { ProcessView } from '../release/process-view.js';

const program = new Command('paas')
  .description('A self-hosted git-push PaaS: git push paas main deploys your app.')
  .addOption(new Option('--data-dir <dir>', 'data directory of the daemon').env('PAAS_DATA_DIR'))
  .showSuggestionAfterError(true)
  .showHelpAfterError('(run "paas --help" for the list of commands)');

function socket(): string {
  return adminSocketPath(loadConfig({ dataDir: program.opts<ConfigFlags>().dataDir }));
}

function print(text: string): void {
  process.stdout.write(text);
}

type Cell = string | number | null | undefined;

/** A list command's output: JSON with --json, else a table. */
function printList<T>(rows: T[], json: boolean | undefined, headers: string[], cells: (row: T) => Cell[]): void {
  print(json ? JSON.stringify(rows, null, 2) + '\n' : table(headers, rows.map(cells)));
}

/** Prints a streaming job's lines as they come and exits with its status. */
async function streamToStdout(path: string, body: unknown): Promise<void> {
  let exit = 1;
  await streamApi(socket(), path, body, (entry) => {
    if (typeof entry.line === 'string') print(entry.line + '\n');
    if (typeof entry.exit === 'number') exit = entry.exit;
  });
  process.exitCode = exit;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new PaasError('PAAS_ERR_INVALID_KEY', 'pipe the public key in: paas keys:add NAME < ~/.ssh/id_ed25519.pub');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

program
  .command('server')
  .description('run the daemon: SSH git gateway, build queue worker, HTTP router and admin API')
  .addOption(new Option('--ssh-port <port>', 'SSH gateway port (default 2222)').env('PAAS_SSH_PORT'))
  .addOption(new Option('--http-port <port>', 'HTTP router port (default 80)').env('PAAS_HTTP_PORT'))
  .addOption(new Option('--domain <domain>', 'apps answer at APP.<domain> (default localhost)').env('PAAS_DOMAIN'))
  .action(async (opts: ConfigFlags) => {
    const { startServer } = await import('../server.js');
    const config = loadConfig({ ...opts, dataDir: program.opts<ConfigFlags>().dataDir });
    const server = await startServer(config);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

program
  .command('stack:build')
  .description('build the local base image paas/stack:bookworm (also tagged debian:bookworm and debian:bookworm-slim)')
  .option('--force', 'rebuild even when the image exists')
  .addOption(new Option('--mirror <url>', 'Debian mirror for debootstrap').env('PAAS_DEBIAN_MIRROR').default('http://deb.debian.org/debian'))
  .action(async (opts: { force?: boolean; mirror: string }) => {
    const { createDocker, pingDocker } = await import('../docker/client.js');
    const { buildStack } = await import('../stack/build-stack.js');
    const docker = createDocker();
    await pingDocker(docker);
    await buildStack(docker, lineSink((line) => print(line + '\n')), { mirror: opts.mirror, force: opts.force ?? false });
  });

program
  .command('apps:create <app>')
  .description('create an app (a push by an admin key to an unknown app creates it too)')
  .action(async (app: string) => {
    await callApi<AppRow>(socket(), 'POST', '/apps', { name: app });
    print(`-----> Created ${app}\n       git remote add paas ssh://git@HOST:PORT/${app}\n`);
  });

program
  .command('apps:list')
  .description('list apps')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const apps = await callApi<(AppRow & { url: string })[]>(socket(), 'GET', '/apps');
    printList(apps, opts.json, ['NAME', 'URL', 'CREATED'], (a) => [a.name, a.url, a.createdAt]);
  });

program
  .command('apps:destroy <app>')
  .description('destroy an app: its containers, images, repository, routes and records')
  .requiredOption('--confirm <app>', 'the app name again, to confirm')
  .action(async (app: string, opts: { confirm: string }) => {
    if (opts.confirm !== app) throw new PaasError('PAAS_ERR_INVALID_INPUT', `--confirm must repeat the app name: paas apps:destroy ${app} --confirm ${app}`);
    await callApi(socket(), 'DELETE', `/apps/${encodeURIComponent(app)}`);
    print(`-----> Destroyed ${app}\n`);
  });

program
  .command('apps:deploy-branch <app> [branch]')
  .description('the branch whose pushes deploy (default: main or master); other branches get CI runs')
  .action(async (app: string, branch: string | undefined) => {
    const result = await callApi<{ deployBranch: string | null }>(socket(), 'PUT', `/apps/${encodeURIComponent(app)}/deploy-branch`, { branch: branch ?? null });
    print(`-----> ${app} deploys ${result.deployBranch ?? 'main or master'}\n`);
  });

program
  .command('buildpacks:set <app> <buildpack>')
  .description('build APP with a bundled buildpack (node, python, go, static, null) or a buildpack folder on this host')
  .action(async (app: string, buildpack: string) => {
    const result = await callApi<{ buildpack: string }>(socket(), 'PUT', `/apps/${encodeURIComponent(app)}/buildpack`, { buildpack });
    print(`-----> ${app} builds with ${result.buildpack}\n`);
  });

program
  .command('buildpacks:clear <app>')
  .description('let detection pick the buildpack of APP again')
  .action(async (app: string) => {
    await callApi(socket(), 'PUT', `/apps/${encodeURIComponent(app)}/buildpack`, { buildpack: null });
    print(`-----> ${app} builds with the buildpack detection picks\n`);
  });

program
  .command('config <app>')
  .description("show an app's config vars")
  .option('--json', 'print JSON')
  .action(async (app: string, opts: { json?: boolean }) => {
    const config = await callApi<Record<string, string>>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/config`);
    if (opts.json) return print(JSON.stringify(config, null, 2) + '\n');
    print(`=====> ${app} config vars\n`);
    for (const [key, value] of Object.entries(config)) print(`${key}: ${value}\n`);
  });

program
  .command('config:get <app> <key>')
  .description('print one config var, exactly')
  .action(async (app: string, key: string) => {
    const config = await callApi<Record<string, string>>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/config`);
    if (!(key in config)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${app} has no config var ${key} (see: paas config ${app})`);
    print(config[key]! + '\n');
  });

program
  .command('config:set <app> <assignments...>')
  .description('set config vars (KEY=VALUE ...): a new release, rolled out without downtime')
  .option('--no-restart', 'store the change for the next deploy only')
  .action(async (app: string, assignments: string[], opts: { restart: boolean }) => {
    await streamToStdout(`/apps/${encodeURIComponent(app)}/config`, { set: parseAssignments(assignments), restart: opts.restart });
  });

program
  .command('config:unset <app> <keys...>')
  .description('remove config vars: a new release, rolled out without downtime')
  .option('--no-restart', 'store the change for the next deploy only')
  .action(async (app: string, keys: string[], opts: { restart: boolean }) => {
    await streamToStdout(`/apps/${encodeURIComponent(app)}/config`, { unset: keys.map(checkConfigKey), restart: opts.restart });
  });

program
  .command('ps <app>')
  .description("list an app's containers: process type, replica, state, release")
  .option('--json', 'print JSON')
  .action(async (app: string, opts: { json?: boolean }) => {
    const processes = await callApi<ProcessView[]>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/ps`);
    printList(processes, opts.json, ['TYPE', 'REPLICA', 'CONTAINER', 'STATE', 'STATUS', 'RELEASE'], (p) => [p.process, p.replica, p.container, p.state, p.status, p.release]);
  });

program
  .command('ps:scale <app> <formation...>')
  .description('run N containers of each process type (web=3 worker=1): a new release, rolled out without downtime')
  .action(async (app: string, formation: string[]) => {
    parseFormation(formation);
    await streamToStdout(`/apps/${encodeURIComponent(app)}/scale`, { formation });
  });

program
  .command('keys:add <name>')
  .description('register an SSH public key read from standard input (admin)')
  .action(async (name: string) => {
    const key = await callApi<KeyRow>(socket(), 'POST', '/keys', { name, publicKey: await readStdin() });
    print(`-----> Added key ${key.name} (${key.fingerprint})\n`);
  });

program
  .command('keys:list')
  .description('list registered SSH keys')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const keys = await callApi<KeyRow[]>(socket(), 'GET', '/keys');
    printList(keys, opts.json, ['NAME', 'FINGERPRINT', 'ROLE'], (k) => [k.name, k.fingerprint, k.role]);
  });

program
  .command('keys:remove <name>')
  .description('remove an SSH key')
  .action(async (name: string) => {
    await callApi(socket(), 'DELETE', `/keys/${encodeURIComponent(name)}`);
    print(`-----> Removed key ${name}\n`);
  });

program
  .command('builds <app>')
  .description("list an app's builds")
  .option('--json', 'print JSON')
  .action(async (app: string, opts: { json?: boolean }) => {
    const builds = await callApi<BuildRow[]>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/builds`);
    printList(builds, opts.json, ['ID', 'STATUS', 'REF', 'SHA', 'RELEASE', 'CREATED'], (b) => [b.id, b.status, b.ref.replace(/^refs\/heads\//, ''), b.sha.slice(0, 7), b.releaseVersion ? `v${b.releaseVersion}` : '', b.createdAt]);
  });

program
  .command('builds:log <app> <id>')
  .description('print the log of one build')
  .action(async (app: string, id: string) => {
    if (!/^\d{1,12}$/.test(id)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `build id must be a number, got ${JSON.stringify(id)}`);
    const { log } = await callApi<{ log: string }>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/builds/${id}/log`);
    print(log + (log.endsWith('\n') || log === '' ? '' : '\n'));
  });

program
  .command('releases <app>')
  .description("list an app's releases, with the layers each shares with the one before and the bytes it adds")
  .option('--json', 'print JSON')
  .action(async (app: string, opts: { json?: boolean }) => {
    const releases = await callApi<ReleaseView[]>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/releases`);
    printList(releases, opts.json, ['VERSION', 'STATUS', 'DESCRIPTION', 'LAYERS', 'SHARED', 'NEW', 'CREATED'], (r) => [`v${r.version}`, r.status, r.description, r.layers, r.sharedLayers, formatBytes(r.newBytes), r.createdAt]);
  });

program
  .command('releases:diff <app> <from> <to>')
  .description('layers added and removed between two releases (e.g. v3 v4), with the files in the new layers')
  .option('--json', 'print JSON')
  .action(async (app: string, from: string, to: string, opts: { json?: boolean }) => {
    const a = parseVersionArg(from);
    const b = parseVersionArg(to);
    const diff = await callApi<ReleaseDiff>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/releases/diff/${a}/${b}`);
    if (opts.json) return print(JSON.stringify(diff, null, 2) + '\n');
    print(`-----> v${diff.from} -> v${diff.to}: ${diff.added.length} layer(s) added (${formatBytes(diff.newBytes)}), ${diff.removed.length} removed\n`);
    for (const layer of diff.removed) print(`       - ${layer.digest.slice(7, 19)}  ${formatBytes(layer.size)}\n`);
    for (const layer of diff.added) {
      print(`       + ${layer.digest.slice(7, 19)}  ${formatBytes(layer.size)}\n`);
      for (const file of layer.files ?? ['(image collected: files unknown)']) print(`           ${file}\n`);
    }
  });

program
  .command('rollback <app> [version]')
  .description('deploy an earlier release again (default: the previous good one), with no build')
  .action(async (app: string, version: string | undefined) => {
    await streamToStdout(`/apps/${encodeURIComponent(app)}/rollback`, version ? { version } : {});
  });

program
  .command('ci <app>')
  .description("list an app's CI runs (every pushed commit, on any branch)")
  .option('--json', 'print JSON')
  .action(async (app: string, opts: { json?: boolean }) => {
    const runs = await callApi<CiRunRow[]>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/ci`);
    printList(runs, opts.json, ['RUN', 'STATUS', 'BRANCH', 'SHA', 'EXIT', 'DURATION', 'CREATED'], (r) => [r.id, r.status, r.branch, r.sha.slice(0, 7), r.exitCode, r.durationMs == null ? '' : `${(r.durationMs / 1000).toFixed(1)} s`, r.createdAt]);
  });

program
  .command('ci:show <app> <run>')
  .description('print one CI run with its full log')
  .action(async (app: string, run: string) => {
    if (!/^\d{1,12}$/.test(run)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `CI run must be a number, got ${JSON.stringify(run)}`);
    const r = await callApi<CiRunRow & { log: string }>(socket(), 'GET', `/apps/${encodeURIComponent(app)}/ci/${run}`);
    print(`-----> CI run ${r.id} of ${app}: ${r.status}${r.exitCode == null ? '' : ` (exit ${r.exitCode})`}\n`);
    print(`       branch ${r.branch}, commit ${r.sha.slice(0, 7)}, command ${r.command ?? '(none)'}\n`);
    if (r.log) print(r.log.replace(/^/gm, '       ') + '\n');
  });

program
  .command('ci:run <app> [ref]')
  .description('run the tests of a pushed branch, tag or commit again (default: the deploy branch)')
  .action(async (app: string, ref: string | undefined) => {
    await streamToStdout(`/apps/${encodeURIComponent(app)}/ci`, ref ? { ref } : {});
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  const error = asPaasError(err);
  process.stderr.write(`${ERROR}${error.message}\n`);
  process.exit(error.exitCode);
});
