// CLI commands that operate a running app: config, ps, logs, domains, resources, storage, one-off runs.
import { STEP } from '../log.js';
import { Option, type Command } from 'commander';
import { PaasError } from '../errors.js';
import { quote as shellQuote } from 'shlex';
import { checkConfigKey, parseAssignments } from '../input/config-vars.js';
import { parseFormation } from '../input/formation.js';
import type { ProcessView } from '../release/process-view.js';
import type { DomainRow } from '../store/domains.js';
import type { MountRow } from '../store/mounts.js';
import { formatResources, type Resources } from '../input/resources.js';
import { formatMemory } from '../release/replica-metrics.js';
import { appPath, printList, streamToOut, type CliIo } from './io.js';

export function registerOperateCommands(program: Command, io: CliIo): void {
  program
    .command('config <app>')
    .description("show an app's config vars")
    .option('--json', 'print JSON')
    .option('-s, --shell', 'print KEY=VALUE lines a shell reads back (values quoted), as heroku config --shell')
    .action(async (app: string, opts: { json?: boolean; shell?: boolean }) => {
      const config = await io.client().call<Record<string, string>>('GET', appPath(app, '/config'));
      if (opts.json) return io.out(JSON.stringify(config, null, 2) + '\n');
      if (opts.shell)
        return io.out(
          Object.entries(config)
            .map(([key, value]) => `${key}=${shellQuote(value)}\n`)
            .join(''),
        );
      io.out(`=====> ${app} config vars\n`);
      for (const [key, value] of Object.entries(config)) io.out(`${key}: ${value}\n`);
    });

  program
    .command('config:get <app> <key>')
    .description('print one config var, exactly')
    .action(async (app: string, key: string) => {
      const config = await io.client().call<Record<string, string>>('GET', appPath(app, '/config'));
      if (!Object.hasOwn(config, key)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${app} has no config var ${key} (see: paas config ${app})`);
      io.out(config[key]! + '\n');
    });

  program
    .command('config:set <app> <assignments...>')
    .description('set config vars (KEY=VALUE ...): a new release, rolled out without downtime')
    .option('--no-restart', 'store the change for the next deploy only')
    .action(async (app: string, assignments: string[], opts: { restart: boolean }) => {
      await streamToOut(io, appPath(app, '/config'), { set: parseAssignments(assignments), restart: opts.restart });
    });

  program
    .command('config:unset <app> <keys...>')
    .description('remove config vars: a new release, rolled out without downtime')
    .option('--no-restart', 'store the change for the next deploy only')
    .action(async (app: string, keys: string[], opts: { restart: boolean }) => {
      await streamToOut(io, appPath(app, '/config'), { unset: keys.map(checkConfigKey), restart: opts.restart });
    });

  program
    .command('ps <app>')
    .description("list an app's containers: process type, replica, state, release, CPU, memory used / limit, restarts, uptime (sampled every 10 s)")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const processes = await io.client().call<ProcessView[]>('GET', appPath(app, '/ps'));
      const memory = (p: ProcessView) =>
        p.memoryBytes === undefined ? '' : `${formatMemory(p.memoryBytes)} / ${p.memoryLimit ? formatMemory(p.memoryLimit) : 'none'}`;
      const cpu = (p: ProcessView) => (p.cpuPercent === undefined ? '' : `${p.cpuPercent.toFixed(1)}%`);
      // Under Swarm each replica also says which node runs it (Swarm replaces a replica rather than restart it).
      if (processes.some((p) => p.node !== undefined))
        return printList(io, processes, opts.json, ['TYPE', 'REPLICA', 'SERVICE', 'STATE', 'RELEASE', 'NODE', 'CPU', 'MEMORY', 'STATUS'], (p) => [
          p.process,
          p.replica,
          p.container,
          p.state,
          p.release,
          p.node,
          cpu(p),
          memory(p),
          p.uptime ? `${p.status}, ${p.uptime}` : p.status,
        ]);
      printList(io, processes, opts.json, ['TYPE', 'REPLICA', 'CONTAINER', 'STATE', 'RELEASE', 'CPU', 'MEMORY', 'RESTARTS', 'UP'], (p) => [
        p.process,
        p.replica,
        p.container,
        p.state,
        p.release,
        cpu(p),
        memory(p),
        p.restarts,
        p.uptime ?? p.status,
      ]);
    });

  program
    .command('ps:scale <app> [formation...]')
    .description(
      'run N containers of each process type (web=3 worker=1, or web+1, web-1): only the difference starts or stops, no new release; without TYPE=N, the formation now',
    )
    .action(async (app: string, formation: string[]) => {
      if (formation.length === 0) {
        const now = await io.client().call<Record<string, number>>('GET', appPath(app, '/formation'));
        io.out(
          Object.entries(now)
            .map(([type, n]) => `${type}=${n}`)
            .join(' ') + '\n',
        );
        return;
      }
      parseFormation(formation);
      await streamToOut(io, appPath(app, '/scale'), { formation });
    });

  program
    .command('ps:restart <app> [type]')
    .description('replace the containers of APP (or of one process type) one at a time, without downtime')
    .action(async (app: string, type: string | undefined) => {
      await streamToOut(io, appPath(app, '/ps'), { action: 'restart', ...(type ? { process: type } : {}) });
    });

  program
    .command('ps:stop <app>')
    .description("stop an app's containers (it answers 503 until ps:start or the next deploy)")
    .action(async (app: string) => {
      await streamToOut(io, appPath(app, '/ps'), { action: 'stop' });
    });

  program
    .command('ps:start <app>')
    .description("start a stopped app's containers again")
    .action(async (app: string) => {
      await streamToOut(io, appPath(app, '/ps'), { action: 'start' });
    });

  program
    .command('maintenance <app>')
    .description('whether APP is in maintenance (its hostnames answer a 503 maintenance page, its processes keep running)')
    .action(async (app: string) => {
      const { maintenance } = await io.client().call<{ maintenance: boolean }>('GET', appPath(app, '/maintenance'));
      io.out(`${maintenance ? 'on' : 'off'}\n`);
    });

  for (const on of [true, false])
    program
      .command(`maintenance:${on ? 'on' : 'off'} <app>`)
      .description(
        on
          ? 'put APP in maintenance: its processes keep running, its hostnames answer 503 with Retry-After, across deploys and restarts'
          : 'take APP out of maintenance: its hostnames serve the app again',
      )
      .action(async (app: string) => {
        await io.client().call('PUT', appPath(app, '/maintenance'), { on });
        io.out(
          `${STEP}${on ? `Maintenance on for ${app}: its hostnames answer 503 (Retry-After 60); its processes keep running` : `Maintenance off for ${app}: serving again`}\n`,
        );
      });

  program
    .command('logs <app>')
    .description("an app's logs: its containers' output marked with process and replica (app[web.1]), and the router's request lines (paas[router])")
    .option('-f, --follow', 'keep following, new containers of later releases included')
    .option('-t, --tail', 'the same as --follow (Heroku)')
    .option('-p, --process <type>', 'only this process type (web, worker, ...)')
    .option('-d, --dyno <dyno>', 'only this replica (web.1) or process type (Heroku)')
    .addOption(new Option('-s, --source <source>', 'only app lines or only router lines').choices(['app', 'router']))
    .addOption(new Option('-n, --num <lines>', 'lines of history').default('100'))
    .action(async (app: string, opts: { follow?: boolean; tail?: boolean; process?: string; dyno?: string; source?: string; num: string }) => {
      if (!/^\d{1,6}$/.test(opts.num))
        throw new PaasError('PAAS_ERR_INVALID_INPUT', `--num must be a number of lines, got ${JSON.stringify(opts.num.slice(0, 20))}`);
      await streamToOut(io, appPath(app, '/logs'), {
        follow: Boolean(opts.follow || opts.tail),
        process: opts.dyno ?? opts.process ?? null,
        source: opts.source ?? null,
        tail: Number(opts.num),
      });
    });

  program
    .command('domains:list <app>')
    .alias('domains')
    .description("list an app's custom hostnames")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const domains = await io.client().call<DomainRow[]>('GET', appPath(app, '/domains'));
      printList(io, domains, opts.json, ['HOST', 'ADDED'], (d) => [d.host, d.createdAt]);
    });

  program
    .command('domains:add <app> <host>')
    .description('route a custom hostname to APP (point its DNS at this host)')
    .action(async (app: string, host: string) => {
      const domain = await io.client().call<DomainRow>('POST', appPath(app, '/domains'), { host });
      io.out(`${STEP}${domain.host} now routes to ${app}\n`);
    });

  program
    .command('domains:remove <app> <host>')
    .description('stop routing a custom hostname to APP')
    .action(async (app: string, host: string) => {
      await io.client().call('DELETE', appPath(app, `/domains/${encodeURIComponent(host.toLowerCase())}`));
      io.out(`${STEP}${host} no longer routes to ${app}\n`);
    });

  program
    .command('ps:placement <app> [constraints...]')
    .description(
      "where the app's replicas may run under --scheduler swarm (node.labels.zone==b, node.hostname==n2, node.role!=manager); applied with the next release or ps:restart; without constraints, the placement now",
    )
    .option('--clear', 'let the replicas run on any node again')
    .action(async (app: string, constraints: string[], opts: { clear?: boolean }) => {
      if (constraints.length === 0 && !opts.clear) {
        const now = await io.client().call<string[]>('GET', appPath(app, '/placement'));
        io.out(now.length ? now.join('\n') + '\n' : `${app} runs on any node\n`);
        return;
      }
      if (constraints.length && opts.clear) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give constraints or --clear, not both');
      const { placement, scheduler } = await io.client().call<{ placement: string[]; scheduler: string }>('PUT', appPath(app, '/placement'), {
        placement: constraints,
      });
      io.out(
        `${STEP}${app} runs ${placement.length ? `on nodes where ${placement.join(' and ')}` : 'on any node'}; applied with the next release (or: paas ps:restart ${app})\n`,
      );
      if (scheduler !== 'swarm') io.out(`       this daemon runs the ${scheduler} scheduler, on one host: placement applies under --scheduler swarm\n`);
    });

  program
    .command('resources <app>')
    .description("show an app's memory and CPU limits per process type")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const resources = await io.client().call<Resources>('GET', appPath(app, '/resources'));
      const rows = Object.entries(resources).map(([process, limits]) => ({ process, ...limits }));
      printList(io, rows, opts.json, ['TYPE', 'MEMORY', 'CPUS'], (r) => [r.process, ...formatResources(r)]);
    });

  program
    .command('resources:set <app> <type>')
    .description('limit the memory and CPUs of a process type; applied with the next release (or ps:restart)')
    .option('--memory <size>', 'memory limit: 512m, 1g, ... ("none" removes it)')
    .option('--cpus <n>', 'CPU limit: 0.5, 2, ... ("none" removes it)')
    .action(async (app: string, type: string, opts: { memory?: string; cpus?: string }) => {
      if (opts.memory === undefined && opts.cpus === undefined) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give --memory and/or --cpus');
      const resources = await io.client().call<Resources>('PUT', appPath(app, '/resources'), { process: type, memory: opts.memory, cpus: opts.cpus });
      const [memory, cpus] = formatResources(resources[type] ?? {});
      io.out(
        `${STEP}${app} ${type}: memory ${memory || 'unlimited'}, cpus ${cpus || 'unlimited'}; applied with the next release (or: paas ps:restart ${app})\n`,
      );
    });

  program
    .command('storage:list <app>')
    .alias('storage')
    .description("list an app's persistent volumes")
    .option('--json', 'print JSON')
    .action(async (app: string, opts: { json?: boolean }) => {
      const mounts = await io.client().call<MountRow[]>('GET', appPath(app, '/storage'));
      printList(io, mounts, opts.json, ['NAME', 'PATH', 'VOLUME', 'CREATED'], (m) => [m.name, m.path, m.volume, m.createdAt]);
    });

  program
    .command('storage:mount <app> <mount>')
    .description('mount a persistent volume NAME:/path into every container of APP; kept across deploys and rollbacks')
    .action(async (app: string, mount: string) => {
      const row = await io.client().call<MountRow>('POST', appPath(app, '/storage'), { mount });
      io.out(`${STEP}Volume ${row.name} mounts at ${row.path} in ${app}; applied with the next release (or: paas ps:restart ${app})\n`);
    });

  program
    .command('storage:unmount <app> <name>')
    .description('stop mounting a volume (its data is kept unless --delete-data)')
    .option('--delete-data', 'also delete the volume and its data')
    .action(async (app: string, name: string, opts: { deleteData?: boolean }) => {
      await io.client().call('DELETE', appPath(app, `/storage/${encodeURIComponent(name)}`), { deleteData: opts.deleteData ?? false });
      io.out(`${STEP}Volume ${name} unmounted from ${app}${opts.deleteData ? ' and deleted' : ' (data kept)'}; applied with the next release\n`);
    });

  program
    .command('run:detached <app> <command...>')
    .description("run a one-off command in the background in a new container of APP's current release; its output goes to paas logs (app[run.N])")
    .action(async (app: string, command: string[]) => {
      const { dyno } = await io.client().call<{ dyno: string }>('POST', appPath(app, '/run-detached'), { command });
      io.out(
        `${STEP}Running ${command.join(' ')} on ${app}... up, ${dyno}\n       Run paas logs ${app} -d ${dyno} to see its output, paas ps:kill ${app} ${dyno} to stop it\n`,
      );
    });

  program
    .command('ps:kill <app> <dyno>')
    .description('stop one dyno: a one-off (run.1234) for good, or a replica (web.1, or every web), which is then replaced')
    .action(async (app: string, dyno: string) => {
      const { stopped } = await io.client().call<{ stopped: string[] }>('POST', appPath(app, '/ps/kill'), { dyno });
      io.out(`${STEP}Stopped ${stopped.join(', ')} of ${app}\n`);
    });

  program
    .command('ps:exec <app> [command...]')
    .description('run a command inside a running replica of APP (default web.1, a shell): paas ps:exec APP --dyno worker.1 -- CMD')
    .option('-d, --dyno <dyno>', 'the replica to enter (web.1, worker.2)', 'web.1')
    .option('--no-tty', 'no terminal even when standard input is one')
    .action(async (app: string, command: string[], opts: { dyno: string; tty: boolean }) => {
      const argv = command.length ? command : ['/bin/sh'];
      io.setExit(await io.run({ app, command: argv, dyno: opts.dyno, tty: opts.tty && io.stdinIsTty }));
    });

  program
    .command('run <app> <command...>')
    .description("run a one-off command in a new container of APP's current release: paas run APP -- CMD ARGS")
    .option('--no-tty', 'no terminal even when standard input is one')
    .action(async (app: string, command: string[], opts: { tty: boolean }) => {
      io.setExit(await io.run({ app, command, tty: opts.tty && io.stdinIsTty }));
    });
}
