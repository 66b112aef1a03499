// Pure: what an SSH exec string asks for: `git-receive-pack '<app>'` (a push; the app name is checked here),
// or a command of the CLI's tree (`config:set myapp KEY=VAL`), split into arguments like a shell would but
// with no expansion of any kind.
import { split } from 'shlex';
import { checkAppName } from '../input/app-name.js';
import { PaasError } from '../errors.js';

export type ExecCommand = { kind: 'receive-pack'; app: string } | { kind: 'command'; argv: string[] };

const MAX_COMMAND = 256 * 1024;

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

/** Parses an exec request; throws PAAS_ERR_INVALID_APP_NAME or PAAS_ERR_INVALID_INPUT. */
export function parseExecCommand(command: string): ExecCommand {
  const match = /^git[- ]receive-pack +(.+)$/.exec(command.trim());
  if (match) return { kind: 'receive-pack', app: appFromRepoPath(unquote(match[1]!)) };
  if (command.length > MAX_COMMAND) throw new PaasError('PAAS_ERR_INVALID_INPUT', 'command over 256 KB');
  let argv: string[];
  try {
    argv = split(command);
  } catch (err) {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `cannot read the command: ${(err as Error).message} (check its quotes)`);
  }
  if (argv.length === 0) throw new PaasError('PAAS_ERR_UNKNOWN_COMMAND', 'no command given: this server takes git push, and paas commands (try: help)');
  return { kind: 'command', argv };
}
