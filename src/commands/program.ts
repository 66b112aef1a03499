// The `paas` command tree shared by every door: the terminal CLI and SSH commands (`ssh git@HOST config:set ...`).
import { Command } from 'commander';
import { ERROR } from '../log.js';
import type { CliIo } from './io.js';
import { registerAppCommands } from './commands-apps.js';
import { registerOperateCommands } from './commands-operate.js';
import { registerAccessCommands } from './commands-access.js';
import { registerCertCommands } from './commands-certs.js';
import { registerServiceCommands } from './commands-services.js';
import { registerNodeCommands } from './commands-nodes.js';
import { registerPipelineCommands } from './commands-pipelines.js';
import { registerCronCommands } from './commands-cron.js';
import { registerPortsCommands } from './commands-ports.js';
import { placeApp, type AppSources, type CommandShape } from './app-arg.js';
import { completionScript } from './completion.js';

/** Heroku's and Dokku's words for what has another name here (typed from habit, answered with ours). */
const HABITS: Record<string, string> = {
  enter: 'ps:exec APP --dyno web.1 (a shell in a running replica)',
  'ps:enter': 'ps:exec APP --dyno web.1',
  'ps:report': 'ps APP',
  'apps:report': 'apps:info APP',
  'config:show': 'config APP',
  'ps:rebuild': 'ps:restart APP',
  'releases:rollback': 'rollback APP [vN]',
  'domains:report': 'domains APP',
  addons: 'services',
  'addons:create': 'services:create KIND NAME, then services:link APP NAME',
  'addons:destroy': 'services:destroy NAME --confirm NAME',
  'pg:psql': 'services:connect NAME',
  'pg:info': 'services:info NAME',
  'pg:backups:capture': 'services:backup NAME',
  'pg:backups:restore': 'services:restore NAME BACKUP',
  'pg:upgrade': 'services:upgrade NAME --version VERSION',
  'postgres:create': 'services:create postgres NAME',
  'postgres:link': 'services:link APP NAME',
  'postgres:connect': 'services:connect NAME',
  'redis:create': 'services:create redis NAME',
  'redis:link': 'services:link APP NAME',
  'mysql:create': 'services:create mysql NAME',
  'git:set': 'apps:deploy-branch APP BRANCH',
  create: 'apps:create APP',
  destroy: 'apps:destroy APP',
  info: 'apps:info APP',
  'pipelines:setup': 'pipelines:create NAME, then pipelines:add APP --pipeline NAME --stage STAGE',
  promote: 'pipelines:promote APP',
  'cron:report': 'cron:list APP',
  'scheduler:jobs': 'cron:list APP (jobs come from app.json cron)',
};

/**
 * Pure: commander's error text as the house's one error line, e.g.
 * `error: unknown command 'conifg:set'\n(Did you mean config:set?)` -> `${ERROR}unknown command "conifg:set", did you mean "config:set"?`
 */
export function errorLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  let message = (lines[0] ?? 'error').replace(/^error: /, '').replace(/'([^']*)'/g, '"$1"');
  const habit = /^unknown command "([^"]+)"$/.exec(message)?.[1];
  if (habit && Object.hasOwn(HABITS, habit)) return `${ERROR}${message}: here it is "paas ${HABITS[habit]}"\n`;
  const suggestion = lines.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l)?.[1]).find(Boolean);
  if (suggestion) message += `, did you mean "${suggestion}"?`;
  return `${ERROR}${message}\n`;
}

/** The help's topics, by command name (the first that matches); the rest are under "Other:". */
const TOPICS: [RegExp, string][] = [
  [/^(apps|git:|open$|docker-options|buildpacks|builds|releases|rollback|ci)/, 'Apps, builds and releases:'],
  [/^config/, 'Config vars:'],
  [/^(ps|run|logs|maintenance|resources|storage|cron)/, 'Processes, logs and resources:'],
  [/^(pipelines|reviewapps)/, 'Pipelines, promotion and review apps:'],
  [/^(domains|certs)/, 'Domains and certificates:'],
  [/^services/, 'Backing services:'],
  [/^(keys|tokens|whoami|events|webhooks)/, 'Access, webhooks and the audit trail:'],
  [/^nodes/, 'Cluster (Docker Swarm):'],
];

/** Pure: the help topic of a command. */
export function helpTopic(name: string): string {
  return TOPICS.find(([pattern]) => pattern.test(name))?.[1] ?? 'Other:';
}

/** The command tree writing to `io`; `exitOverride` makes commander throw instead of exiting (the SSH door). */
export function buildProgram(io: CliIo, options: { exitOverride: boolean; name?: string }): Command {
  const program = new Command(options.name ?? 'paas')
    .description('A self-hosted git-push PaaS: git push paas main deploys your app.')
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(errorLine(text)),
    })
    .showSuggestionAfterError(true)
    .helpCommand(true);
  if (options.exitOverride) program.exitOverride();
  registerAppCommands(program, io);
  registerOperateCommands(program, io);
  registerCertCommands(program, io);
  registerServiceCommands(program, io);
  registerCronCommands(program, io);
  registerPortsCommands(program, io);
  registerPipelineCommands(program, io);
  registerNodeCommands(program, io);
  registerAccessCommands(program, io);
  program
    .command('completion <shell>')
    .description('print a completion script for bash or zsh: eval "$(paas completion bash)"')
    .action((shell: string) => {
      const commands = program.commands.map((c) => ({ name: c.name(), options: c.options.flatMap((o) => [o.long ?? '', o.short ?? '']).filter(Boolean) }));
      io.out(completionScript(shell, [...commands, { name: 'help', options: [] }]));
    });
  for (const command of program.commands) {
    command.helpGroup(helpTopic(command.name()));
    // A missing argument or a bad option: the one-line error, then how the command is called.
    command.showHelpAfterError(`       usage: ${options.name ?? 'paas'} ${command.name()} ${command.usage()}`);
  }
  return program;
}

/** The flags of a command's options that take a value (`-n`, `--num`). */
function valuedFlags(command: Command): Set<string> {
  return new Set(command.options.flatMap((o) => (o.required || o.optional ? [o.short, o.long].filter((f): f is string => Boolean(f)) : [])));
}

/** The shape `placeApp` needs of a command: does it take the app first, how many positionals, which options take values. */
function shapeOf(command: Command): CommandShape {
  const args = command.registeredArguments;
  return {
    // apps:create names a new app: never the repository's.
    takesApp: args[0]?.name() === 'app' && command.name() !== 'apps:create',
    required: args.filter((a) => a.required).length,
    valued: valuedFlags(command),
    runsCommand: ['run', 'run:detached', 'ps:exec'].includes(command.name()),
    ownsRemote: command.options.some((o) => o.long === '--remote'),
  };
}

/**
 * The user's arguments (no `node` and script) with Heroku's `-a APP` / `--app APP`, or the app of the repository's
 * `paas` remote, made the app positional of the command they are for. Root options (`--data-dir DIR`) stay first.
 */
export function withAppArgument(program: Command, args: string[], sources: AppSources): string[] {
  const rootValued = valuedFlags(program);
  let i = 0;
  while (i < args.length && args[i]!.startsWith('-')) i += rootValued.has(args[i]!) ? 2 : 1;
  const name = args[i];
  const command = program.commands.find((c) => c.name() === name || c.aliases().includes(name ?? ''));
  // Commands with an --app option of their own (keys:add --app, tokens:create --app: an access scope) keep it.
  if (!command || command.options.some((o) => o.long === '--app' || o.short === '-a')) return args;
  return [...args.slice(0, i + 1), ...placeApp(args.slice(i + 1), shapeOf(command), sources)];
}
