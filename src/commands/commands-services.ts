// CLI commands for backing services (Heroku add-ons, Dokku's postgres/redis/mysql plugins): create, link, info,
// backups, connect, destroy.
import type { Command } from 'commander';
import type { ServiceView } from '../backing/service-lifecycle.js';
import type { BackupView } from '../backing/backup-files.js';
import { formatBytes } from '../release/layers.js';
import { PaasError } from '../errors.js';
import { appPath, printList, streamToOut, type CliIo } from './io.js';

const servicePath = (name: string, rest = '') => `/services/${encodeURIComponent(name)}${rest}`;

/** Pure: an interval in seconds as users write it (6h, 1d). */
const every = (seconds: number) => (seconds % 86400 === 0 ? `${seconds / 86400}d` : seconds % 3600 === 0 ? `${seconds / 3600}h` : `${seconds / 60}m`);

const size = (bytes: number | undefined) => (bytes === undefined ? '' : formatBytes(bytes));

export function registerServiceCommands(program: Command, io: CliIo): void {
  program
    .command('services')
    .description('list backing services (Postgres, Redis, MySQL) with their state and linked apps')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const services = await io.client().call<ServiceView[]>('GET', '/services');
      printList(io, services, opts.json, ['NAME', 'KIND', 'VERSION', 'STATE', 'LINKED APPS'], (s) => [
        s.name,
        s.kind,
        s.version,
        s.state,
        s.linkedApps.join(', '),
      ]);
    });

  program
    .command('services:create <kind> <name>')
    .description('create a service: postgres, redis, mysql or mariadb (its data lives until services:destroy)')
    .option('--version <version>', "the server version (Debian's package decides which exist)")
    .action(async (kind: string, name: string, opts: { version?: string }) => {
      await streamToOut(io, '/services', { kind, name, version: opts.version });
    });

  program
    .command('services:info <name>')
    .description("a service's state, version, size, linked apps, backups and connection URL")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const info = await io.client().call<ServiceView>('GET', servicePath(name));
      if (opts.json) return io.out(JSON.stringify(info, null, 2) + '\n');
      io.out(`=====> ${info.name}\n`);
      const rows: [string, string][] = [
        ['Kind', `${info.kind} ${info.version}`],
        [
          'Upgrades',
          info.upgrades?.length
            ? `${info.upgrades.join(', ')} (paas services:upgrade ${info.name} --version ${info.upgrades.at(-1)})`
            : 'none: the newest here',
        ],
        ['State', info.state],
        ['Data size', size(info.size)],
        ['Linked apps', info.linkedApps.join(', ') || '(none)'],
        ['Backups', String(info.backups?.length ?? 0)],
        ['Backed up', info.backupSchedule ? `every ${every(info.backupSchedule.everySeconds)}, the newest ${info.backupSchedule.keep} kept` : 'when asked'],
        ['Created', info.createdAt],
        ['Exposed', info.exposed ?? 'no (linked apps only)'],
        ['URL', info.url ?? ''],
      ];
      for (const [key, value] of rows) io.out(`${(key + ':').padEnd(14)}${value}\n`);
    });

  program
    .command('services:link <app> <name>')
    .description("give APP the service URL (DATABASE_URL, REDIS_URL) as a new release; the service joins the app's network")
    .option('--as <alias>', 'a second service of a kind: --as ANALYTICS_DB sets ANALYTICS_DB_URL')
    .action(async (app: string, name: string, opts: { as?: string }) => {
      await streamToOut(io, appPath(app, `/services/${encodeURIComponent(name)}/link`), { as: opts.as });
    });

  program
    .command('services:unlink <app> <name>')
    .description('take the service URL away from APP (a new release); the data stays')
    .action(async (app: string, name: string) => {
      await streamToOut(io, appPath(app, `/services/${encodeURIComponent(name)}/unlink`), {});
    });

  program
    .command('services:destroy <name>')
    .description('delete a service, its data and its backups (refused while an app is linked)')
    .option('--confirm <name>', 'the service name again')
    .action(async (name: string, opts: { confirm?: string }) => {
      await io.client().call('DELETE', servicePath(name), { confirm: opts.confirm });
      io.out(`-----> Destroyed ${name}, its data and its backups\n`);
    });

  program
    .command('services:backup <name>')
    .description('write a consistent dump (pg_dump -Fc, RDB, mysqldump --single-transaction) into the data dir')
    .action(async (name: string) => {
      await streamToOut(io, servicePath(name, '/backups'), {});
    });

  program
    .command('services:backups <name>')
    .description("list a service's backups, oldest first")
    .option('--json', 'print JSON')
    .action(async (name: string, opts: { json?: boolean }) => {
      const backups = await io.client().call<BackupView[]>('GET', servicePath(name, '/backups'));
      printList(io, backups, opts.json, ['BACKUP', 'SIZE', 'TAKEN'], (b) => [b.name, size(b.bytes), b.createdAt]);
    });

  program
    .command('services:expose <name> <address>')
    .description(
      "publish the service's port on the host at [ADDRESS:]PORT (default address 127.0.0.1): for tools on the host; its container is replaced, its data stays",
    )
    .action(async (name: string, address: string) => {
      await streamToOut(io, servicePath(name, '/expose'), { address });
    });

  program
    .command('services:unexpose <name>')
    .description("take the service off the host's ports again: linked apps only")
    .action(async (name: string) => {
      await streamToOut(io, servicePath(name, '/expose'), {});
    });

  program
    .command('services:backups:schedule <name>')
    .description('back the service up on a schedule, keeping the newest N backups (--off: only when asked)')
    .option('--every <interval>', 'how often: 30m, 6h, 1d', '1d')
    .option('--keep <n>', 'how many scheduled backups to keep', '7')
    .option('--off', 'stop scheduled backups (the backups there are stay)')
    .action(async (name: string, opts: { every: string; keep: string; off?: boolean }) => {
      await io.client().call('PUT', servicePath(name, '/backup-schedule'), opts.off ? {} : { every: opts.every, keep: Number(opts.keep) });
      io.out(
        opts.off
          ? `-----> Scheduled backups of ${name} are off\n`
          : `-----> ${name} is backed up every ${opts.every}; the newest ${opts.keep} backups are kept\n`,
      );
    });

  program
    .command('services:restore <name> [backup]')
    .description("replace a service's data with a backup's, all or nothing: the newest unless one is named (see services:backups)")
    .action(async (name: string, backup: string | undefined) => {
      await streamToOut(io, servicePath(name, '/restore'), backup === undefined ? {} : { backup });
    });

  program
    .command('services:upgrade <name>')
    .description('move a service to a newer server version by dump and restore (linked apps lose it meanwhile; the dump is kept as a backup)')
    .requiredOption('--version <version>', 'the version to run: see the versions in paas services:info NAME')
    .action(async (name: string, opts: { version: string }) => {
      await streamToOut(io, servicePath(name, '/upgrade'), { version: opts.version });
    });

  program
    .command('services:connect [name]')
    .description("open the service's own client (psql, redis-cli, mariadb) attached to your terminal; with -a APP, the one service linked to APP")
    .option('-a, --app <app>', 'connect to the service linked to this app (when it has one)')
    .option('--no-tty', 'no terminal even when standard input is one (read commands from standard input)')
    .action(async (name: string | undefined, opts: { app?: string; tty: boolean }) => {
      const service = name ?? (await onlyLinkedService(io, opts.app));
      io.setExit(await io.run({ service, tty: opts.tty && io.stdinIsTty }));
    });

  program
    .command('services:export <name> [backup]')
    .description('write a backup (the newest unless named) to standard output: paas services:export mydb > mydb.dump')
    .action(async (name: string, backup: string | undefined) => {
      await io.client().download(servicePath(name, `/backups/${encodeURIComponent(backup ?? 'latest')}`), (chunk) => io.out(chunk));
    });
}

/** The one service linked to `app` (as Heroku's pg:psql finds the app's database), or an error saying what to type. */
async function onlyLinkedService(io: CliIo, app: string | undefined): Promise<string> {
  if (!app) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'name the service (paas services:connect NAME), or the app whose service it is (-a APP)');
  const linked = (await io.client().call<ServiceView[]>('GET', '/services')).filter((s) => s.linkedApps.includes(app));
  if (linked.length === 1) return linked[0]!.name;
  throw new PaasError(
    'PAAS_ERR_INVALID_INPUT',
    linked.length
      ? `${app} has ${linked.length} linked services (${linked.map((s) => s.name).join(', ')}): name one`
      : `${app} has no linked service: paas services:link ${app} NAME`,
  );
}
