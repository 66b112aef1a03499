// Pure: what an SSH exec string asks for: `git-receive-pack '<app>'` or `rollback APP [vN]`; the app name is checked here.
import { checkAppName } from '../app-name.js';
import { PaasError } from '../errors.js';

export type ExecCommand = { kind: 'receive-pack'; app: string } | { kind: 'rollback'; app: string; version?: string };

/** Removes one level of single quotes as git's ssh transport adds them; anything quoted otherwise stays as is. */
function unquote(arg: string): string {
  const inner = arg.slice(1, -1);
  if (arg.length >= 2 && arg.startsWith("'") && arg.endsWith("'") && !inner.includes("'")) return inner;
  return arg;
}

/** The app of a repository path: leading "/" and trailing ".git" are optional. */
export function appFromRepoPath(repoPath: string): string {
  return checkAppName(repoPath.replace(/^\//, '').replace(/\.git$/, ''));
}

/** Parses an exec request; throws PAAS_ERR_UNKNOWN_COMMAND or PAAS_ERR_INVALID_APP_NAME for anything else. */
export function parseExecCommand(command: string): ExecCommand {
  const rollback = /^rollback +(\S+)(?: +(\S+))?$/.exec(command.trim());
  if (rollback) return { kind: 'rollback', app: checkAppName(rollback[1]!), ...(rollback[2] ? { version: rollback[2] } : {}) };
  const match = /^git[- ]receive-pack +(.+)$/.exec(command.trim());
  if (!match) {
    const shown = command.length > 60 ? command.slice(0, 60) + '...' : command;
    throw new PaasError('PAAS_ERR_UNKNOWN_COMMAND', `unknown command ${JSON.stringify(shown)}: this server takes git push, and: rollback APP [vN]`);
  }
  return { kind: 'receive-pack', app: appFromRepoPath(unquote(match[1]!)) };
}
