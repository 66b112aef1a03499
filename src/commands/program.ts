// The `paas` command tree shared by every door: the terminal CLI and SSH commands (`ssh git@HOST config:set ...`).
import { Command } from 'commander';
import { ERROR } from '../log.js';
import type { CliIo } from './io.js';
import { registerAppCommands } from './commands-apps.js';
import { registerOperateCommands } from './commands-operate.js';
import { registerAccessCommands } from './commands-access.js';
import { registerCertCommands } from './commands-certs.js';

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
  const suggestion = lines.map((l) => /^\(Did you mean (.+)\?\)$/.exec(l)?.[1]).find(Boolean);
  if (suggestion) message += `, did you mean "${suggestion}"?`;
  return `${ERROR}${message}\n`;
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
  registerAccessCommands(program, io);
  return program;
}
