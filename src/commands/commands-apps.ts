// CLI commands about apps and their history: apps, buildpacks, deploy branch, builds, releases, rollback, CI.
import { STEP } from '../log.js';
import { Option, type Command } from 'commander';
import { PaasError } from '../errors.js';
import type { AppRow } from '../store/apps.js';
import type { AppInfo } from '../app-info.js';
import type { BuildRow } from '../store/builds.js';
import type { CiRunRow } from '../store/ci-runs.js';
import type { ReleaseView } from '../release/release-view.js';
import type { ReleaseDiff } from '../release/release-diff.js';
import { formatBytes } from '../release/layers.js';
import { parseVersionArg } from '../input/version-arg.js';
import { appPath, printList, streamToOut, type CliIo } from './io.js';

function checkNumber(what: string, value: string): string {
  if (!/^\d{1,12}$/.test(value)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${what} must be a number, got ${JSON.stringify(value.slice(0, 40))}`);
  return value;
}

export function registerAppCommands(program: Command, io: CliIo): void {
  program
    .command('apps:create <app>')
    .description('create an app (a push by an admin key to an unknown app creates it too)')
    .option('-r, --remote <name>', 'the git remote to add when run in a repository', 'paas')
    .action(async (app: string, opts: { remote: string }) => {
      const created = await io.client().call<AppRow & { url: string; gitUrl: string }>('POST', '/apps', { name: app });
      io.out(`${STEP}Created ${app}: ${created.url}\n`);
      // As `heroku create` does: inside a repository, its remote is added (an existing one is left alone).
      if (io.inGitRepo?.() && io.setGitRemote) {
        try {
          // A remote that points at another app stays as it is: every later command and push would go elsewhere.
          const done = io.setGitRemote(opts.remote, created.gitUrl, true);
          if (done === 'kept') {
            io.out(
              `${STEP}Git remote ${opts.remote} points at another app and is left as it is: paas git:remote ${app} repoints it, or apps:create ${app} -r NAME adds another (then -r NAME picks it)\n`,
            );
            return;
          }
          io.out(`${STEP}Git remote ${opts.remote} ${done === 'unchanged' ? 'already points at' : 'added:'} ${created.gitUrl}\n`);
          return;
        } catch {
          // A remote of that name that git refused to change: the line below says what to run.
        }
      }
      io.out(`       git remote add ${opts.remote} ${created.gitUrl}\n`);
    });

  program
    .command('git:remote <app>')
    .description("point the repository's paas remote (or -r NAME) at APP on this server")
    .option('-r, --remote <name>', 'the git remote to set', 'paas')
    .action(async (app: string, opts: { remote: string }) => {
      const info = await io.client().call<AppInfo>('GET', appPath(app, '/info'));
      if (!io.setGitRemote)
        throw new PaasError('PAAS_ERR_INVALID_INPUT', `run this in your repository with the paas CLI, or: git remote add ${opts.remote} ${info.gitUrl}`);
      const done = io.setGitRemote(opts.remote, info.gitUrl);
      io.out(`${STEP}Git remote ${opts.remote} ${done === 'unchanged' ? 'already points at' : done === 'added' ? 'added:' : 'now points at'} ${info.gitUrl}\n`);
    });

  program
    .command('apps:info <app>')
    .description('an app at a glance: URL, git remote, release, formation, last build and CI run, domains, services')
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const info = await io.client().call<AppInfo>('GET', appPath(app, '/info'));
      if (opts.json) return io.out(JSON.stringify(info, null, 2) + '\n');
      const rows: [string, string][] = [
        ['Web URL', info.url],
        ['Git URL', info.gitUrl],
        ['Deploy branch', info.deployBranch],
        ['Release', info.release ? `v${info.release.version} (${info.release.description}, ${info.release.createdAt})` : 'none yet'],
        [
          'Formation',
          Object.entries(info.formation)
            .map(([type, n]) => `${type}=${n}`)
            .join(' ') + ` (${info.running} running)`,
        ],
        ['Maintenance', info.maintenance ? 'on (the router answers a 503 maintenance page)' : 'off'],
        ['Last build', info.lastBuild ? `#${info.lastBuild.number} ${info.lastBuild.status} (${info.lastBuild.sha}, ${info.lastBuild.createdAt})` : 'none'],
        ['Last CI run', info.lastCiRun ? `#${info.lastCiRun.number} ${info.lastCiRun.status} (${info.lastCiRun.branch})` : 'none'],
        ['Domains', info.domains.join(', ') || '(none)'],
        ['Services', info.services.map((s) => `${s.name} (${s.envVar})`).join(', ') || '(none)'],
        ['Config vars', String(info.configVars)],
        ['Created', info.createdAt],
      ];
      io.out(`=====> ${info.name}\n`);
      for (const [key, value] of rows) io.out(`${(key + ':').padEnd(15)}${value}\n`);
    });

  program
    .command('open <app>')
    .description("open the app's URL in your browser (printed where there is none)")
    .action(async (app: string) => {
      const info = await io.client().call<AppInfo>('GET', appPath(app, '/info'));
      io.out(io.openUrl?.(info.url) ? `${STEP}Opening ${info.url}\n` : `${info.url}\n`);
    });

  program
    .command('apps:list')
    .alias('apps')
    .description('list apps')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const apps = await io.client().call<(AppRow & { url: string })[]>('GET', '/apps');
      printList(io, apps, opts.json, ['NAME', 'URL', 'CREATED'], (a) => [a.name, a.url, a.createdAt]);
    });

  program
    .command('apps:destroy <app>')
    .description('destroy an app: its containers, images, volumes, repository, routes and records')
    .option('--confirm <app>', 'the app name again, to confirm (asked for on a terminal when not given)')
    .action(async (app: string, opts: { confirm?: string }) => {
      let confirm = opts.confirm;
      // As Heroku does on a terminal: the name is typed, not passed.
      if (confirm === undefined && io.stdinIsTty && io.prompt) {
        io.err(` !     This destroys ${app}: its containers, images, volumes, repository and routes.\n`);
        confirm = (await io.prompt(` !     To proceed, type ${app}: `)).trim();
      }
      if (confirm !== app)
        throw new PaasError(
          'PAAS_ERR_INVALID_INPUT',
          confirm === undefined
            ? `confirm with --confirm ${app}: paas apps:destroy ${app} --confirm ${app}`
            : `confirmation did not match ${app}: nothing was destroyed`,
        );
      await io.client().call('DELETE', appPath(app));
      io.out(`${STEP}Destroyed ${app}\n`);
    });

  program
    .command('apps:deploy-branch <app> [branch]')
    .description('the branch whose pushes deploy (default: main or master); other branches get CI runs')
    .action(async (app: string, branch: string | undefined) => {
      const result = await io.client().call<{ deployBranch: string | null }>('PUT', appPath(app, '/deploy-branch'), { branch: branch ?? null });
      io.out(`${STEP}${app} deploys ${result.deployBranch ?? 'main or master'}\n`);
    });

  program
    .command('apps:dockerfile-path <app> [path]')
    .description('build APP from the Dockerfile at PATH in the repository (default: Dockerfile at its root)')
    .action(async (app: string, file: string | undefined) => {
      const result = await io.client().call<{ dockerfilePath: string | null }>('PUT', appPath(app, '/dockerfile-path'), { path: file ?? null });
      io.out(`${STEP}${app} builds from ${result.dockerfilePath ?? 'Dockerfile'}\n`);
    });

  const showOptions = (result: { app: string; build: string[] }) =>
    io.out(
      result.build.length === 0
        ? `${STEP}${result.app} has no build options\n`
        : `${STEP}${result.app} build options\n${result.build.map((o) => `       ${o}\n`).join('')}`,
    );

  program
    .command('docker-options:add <app> <phase> <option>')
    // OPTION starts with "--", as Dokku users type it: taken as the argument, not as an option of this command.
    .allowUnknownOption()
    .description('Dockerfile builds of APP get OPTION (phase build, "--build-arg NAME=VALUE", or "--build-arg NAME" to pass config var NAME)')
    .action(async (app: string, phase: string, option: string) => {
      showOptions(await io.client().call('POST', appPath(app, '/docker-options'), { phase, option }));
    });

  program
    .command('docker-options:remove <app> <phase> <option>')
    // OPTION starts with "--", as Dokku users type it: taken as the argument, not as an option of this command.
    .allowUnknownOption()
    .description('stop passing OPTION (such as "--build-arg NAME") to Dockerfile builds of APP')
    .action(async (app: string, phase: string, option: string) => {
      showOptions(await io.client().call('DELETE', appPath(app, '/docker-options'), { phase, option }));
    });

  program
    .command('docker-options:report <app>')
    .description('the build options of APP')
    .action(async (app: string) => {
      showOptions(await io.client().call('GET', appPath(app, '/docker-options')));
    });

  program
    .command('buildpacks:set <app> <buildpack>')
    .description('build APP with a bundled buildpack (node, python, go, static, null) or a buildpack folder on this host')
    .action(async (app: string, buildpack: string) => {
      const result = await io.client().call<{ buildpack: string }>('PUT', appPath(app, '/buildpack'), { buildpack });
      io.out(`${STEP}${app} builds with ${result.buildpack}\n`);
    });

  program
    .command('buildpacks:clear <app>')
    .description('let detection pick the buildpack of APP again')
    .action(async (app: string) => {
      await io.client().call('PUT', appPath(app, '/buildpack'), { buildpack: null });
      io.out(`${STEP}${app} builds with the buildpack detection picks\n`);
    });

  program
    .command('builds <app>')
    .description("list an app's builds")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const builds = await io.client().call<BuildRow[]>('GET', appPath(app, '/builds'));
      printList(io, builds, opts.json, ['ID', 'STATUS', 'REF', 'SHA', 'RELEASE', 'CREATED'], (b) => [
        b.number,
        b.status,
        b.ref.replace(/^refs\/heads\//, ''),
        b.sha.slice(0, 7),
        b.releaseVersion ? `v${b.releaseVersion}` : '',
        b.createdAt,
      ]);
    });

  program
    .command('builds:log <app> <id>')
    .description('print the log of one build')
    .action(async (app: string, id: string) => {
      const { log } = await io.client().call<{ log: string }>('GET', appPath(app, `/builds/${checkNumber('build id', id)}/log`));
      io.out(log + (log.endsWith('\n') || log === '' ? '' : '\n'));
    });

  program
    .command('releases <app>')
    .description("list an app's releases, with the layers each shares with the one before and the bytes it adds")
    .option('--json', 'print JSON')
    .addOption(new Option('-n, --num <count>', 'only the newest COUNT releases'))
    .action(async (app: string, opts: { json?: boolean; num?: string }) => {
      if (opts.num !== undefined && !/^\d{1,6}$/.test(opts.num))
        throw new PaasError('PAAS_ERR_INVALID_INPUT', `--num must be a number of releases, got ${JSON.stringify(opts.num.slice(0, 20))}`);
      const all = await io.client().call<ReleaseView[]>('GET', appPath(app, '/releases'));
      const releases = opts.num === undefined ? all : all.slice(0, Number(opts.num));
      printList(io, releases, opts.json, ['VERSION', 'STATUS', 'DESCRIPTION', 'BY', 'LAYERS', 'SHARED', 'NEW', 'CREATED'], (r) => [
        `v${r.version}`,
        r.status,
        r.description,
        r.by ?? '',
        r.layers,
        r.sharedLayers,
        formatBytes(r.newBytes),
        r.createdAt,
      ]);
    });

  program
    .command('releases:info <app> <version>')
    .description('one release (e.g. v3): status, description, commit, image, layers, error')
    .option('--json', 'print JSON')
    .action(async (app: string, version: string, opts: { json?: boolean }) => {
      const wanted = parseVersionArg(version);
      const release = (await io.client().call<ReleaseView[]>('GET', appPath(app, '/releases'))).find((r) => r.version === wanted);
      if (!release) throw new PaasError('PAAS_ERR_RELEASE_NOT_FOUND', `${app} has no release v${wanted} (see paas releases ${app})`);
      if (opts.json) return io.out(JSON.stringify(release, null, 2) + '\n');
      const rows: [string, string][] = [
        ['Status', release.status],
        ['Description', release.description],
        ['Commit', release.sha],
        ['By', release.by ?? 'unknown'],
        ['Image', release.imageId],
        ['Layers', `${release.layers} (${release.sharedLayers} shared with the release before, ${formatBytes(release.newBytes)} new)`],
        ['Created', release.createdAt],
        ...(release.error ? [['Error', release.error] as [string, string]] : []),
      ];
      io.out(`=====> ${app} v${release.version}\n`);
      for (const [key, value] of rows) io.out(`${(key + ':').padEnd(13)}${value}\n`);
    });

  program
    .command('releases:output <app> <version>')
    .description('the output of the build and release phase that made a release (e.g. v3); config changes and rollbacks have none')
    .action(async (app: string, version: string) => {
      const wanted = parseVersionArg(version);
      const r = await io
        .client()
        .call<{ version: number; description: string; build: number | null; output: string | null }>('GET', appPath(app, `/releases/v${wanted}/output`));
      if (r.output === null) {
        io.out(`${STEP}v${r.version} (${r.description}) ran no build or release phase: it has no output of its own\n`);
        return;
      }
      io.out(`${STEP}Output of build ${r.build} of ${app}, which made v${r.version} (${r.description})\n`);
      io.out(r.output.endsWith('\n') ? r.output : `${r.output}\n`);
    });

  program
    .command('releases:diff <app> <from> <to>')
    .description('layers added and removed between two releases (e.g. v3 v4), with the files in the new layers')
    .option('--json', 'print JSON')
    .action(async (app: string, from: string, to: string, opts: { json?: boolean }) => {
      const diff = await io.client().call<ReleaseDiff>('GET', appPath(app, `/releases/diff/${parseVersionArg(from)}/${parseVersionArg(to)}`));
      if (opts.json) return io.out(JSON.stringify(diff, null, 2) + '\n');
      io.out(`${STEP}v${diff.from} -> v${diff.to}: ${diff.added.length} layer(s) added (${formatBytes(diff.newBytes)}), ${diff.removed.length} removed\n`);
      for (const layer of diff.removed) io.out(`       - ${layer.digest.slice(7, 19)}  ${formatBytes(layer.size)}\n`);
      for (const layer of diff.added) {
        io.out(`       + ${layer.digest.slice(7, 19)}  ${formatBytes(layer.size)}\n`);
        for (const file of layer.files ?? ['(image collected: files unknown)']) io.out(`           ${file}\n`);
      }
      const { set, removed } = diff.config;
      const config = [...(set.length ? [`set ${set.join(', ')}`] : []), ...(removed.length ? [`removed ${removed.join(', ')}`] : [])];
      io.out(`${STEP}Config: ${config.join('; ') || 'unchanged'}\n`);
    });

  program
    .command('rollback <app> [version]')
    .description('deploy an earlier release again (default: the previous good one), with no build')
    .action(async (app: string, version: string | undefined) => {
      await streamToOut(io, appPath(app, '/rollback'), version ? { version } : {});
    });

  program
    .command('ci <app>')
    .description("list an app's CI runs (every pushed commit, on any branch)")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const runs = await io.client().call<CiRunRow[]>('GET', appPath(app, '/ci'));
      printList(io, runs, opts.json, ['RUN', 'STATUS', 'BRANCH', 'SHA', 'EXIT', 'DURATION', 'CREATED'], (r) => [
        r.number,
        r.status,
        r.branch,
        r.sha.slice(0, 7),
        r.exitCode,
        r.durationMs == null ? '' : `${(r.durationMs / 1000).toFixed(1)} s`,
        r.createdAt,
      ]);
    });

  program
    .command('ci:show <app> <run>')
    .description('print one CI run with its full log: RUN is its number, or a commit (the newest run of it)')
    .action(async (app: string, run: string) => {
      const which = /^[0-9a-f]{7,64}$/i.test(run) && !/^\d{1,6}$/.test(run) ? run.toLowerCase() : checkNumber('CI run', run);
      const r = await io.client().call<CiRunRow & { log: string }>('GET', appPath(app, `/ci/${which}`));
      io.out(`${STEP}CI run ${r.number} of ${app}: ${r.status}${r.exitCode == null ? '' : ` (exit ${r.exitCode})`}\n`);
      io.out(`       branch ${r.branch}, commit ${r.sha.slice(0, 7)}, command ${r.command ?? '(none)'}\n`);
      if (r.log) io.out(r.log.replace(/^/gm, '       ') + '\n');
    });

  program
    .command('ci:run <app> [ref]')
    .description('run the tests of a pushed branch, tag or commit again (default: the deploy branch)')
    .action(async (app: string, ref: string | undefined) => {
      await streamToOut(io, appPath(app, '/ci'), ref ? { ref } : {});
    });

  program
    .command('ci:rerun <app> [number]')
    .description("run a CI run's tests again: the same commit on the same branch (default: the newest run)")
    .action(async (app: string, number: string | undefined) => {
      const run =
        number === undefined ? (await io.client().call<{ number: number }[]>('GET', appPath(app, '/ci')))[0]?.number : Number(number.replace(/^#/, ''));
      if (run === undefined) throw new PaasError('PAAS_ERR_CI_RUN_NOT_FOUND', `app "${app}" has no CI runs yet: push a branch, or paas ci:run ${app} BRANCH`);
      if (!Number.isInteger(run) || run < 1) throw new PaasError('PAAS_ERR_INVALID_INPUT', `not a CI run number: ${JSON.stringify(number)}`);
      await streamToOut(io, appPath(app, '/ci'), { run });
    });
}
