// CLI commands for an app's cron jobs (app.json `cron`, as Dokku reads it): list, run one now, suspend, resume.
import type { Command } from 'commander';
import type { CronJobRow } from '../store/cron-jobs.js';
import { STEP } from '../log.js';
import { appPath, printList, streamToOut, type CliIo } from './io.js';

type CronView = CronJobRow & { state: string; nextRunAt: string | null };

export function registerCronCommands(program: Command, io: CliIo): void {
  program
    .command('cron:list <app>')
    .description("APP's cron jobs (app.json cron): id, schedule (UTC), command, state, next and last run")
    .option('--json', 'print JSON: an array of entries with id, command, schedule, state and the last run')
    .action(async (app: string, opts: { json?: boolean }) => {
      const jobs = await io.client().call<CronView[]>('GET', appPath(app, '/cron'));
      printList(io, jobs, opts.json, ['ID', 'SCHEDULE', 'COMMAND', 'STATE', 'NEXT RUN', 'LAST RUN', 'LAST EXIT', 'RUNS'], (j) => [
        j.id,
        j.schedule,
        j.command,
        j.state,
        j.nextRunAt,
        j.lastStartedAt ? `${j.lastStartedAt} (${j.lastOutcome})` : '',
        j.lastExitCode,
        j.runs,
      ]);
    });

  program
    .command('cron:run <app> <id>')
    .description('run a cron job of APP now, in a one-off container of its release, and print its output')
    .action(async (app: string, id: string) => {
      await streamToOut(io, appPath(app, `/cron/${encodeURIComponent(id)}/run`), {});
    });

  for (const suspended of [true, false])
    program
      .command(`cron:${suspended ? 'suspend' : 'resume'} <app> <id>`)
      .description(
        suspended ? 'stop running a cron job on its schedule (until cron:resume; deploys keep it suspended)' : 'run a suspended cron job on its schedule again',
      )
      .action(async (app: string, id: string) => {
        await io.client().call('POST', appPath(app, `/cron/${encodeURIComponent(id)}/${suspended ? 'suspend' : 'resume'}`));
        io.out(`${STEP}Cron job ${id} of ${app} ${suspended ? 'suspended' : 'resumed'}\n`);
      });
}
