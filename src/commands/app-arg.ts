// Pure: Heroku's ways of naming the app, turned into the positional APP every app command takes:
// `-a APP` / `--app APP` anywhere before `--` (for `run`, before the command to run), or, when APP is left out,
// the app of the current repository's `paas` git remote.
import { PaasError } from '../errors.js';
import { APP_NAME } from '../input/patterns.js';

export interface CommandShape {
  /** The command's first argument is the app. */
  takesApp: boolean;
  /** How many positional arguments it needs at least. */
  required: number;
  /** Its options that take a value (`-n`, `--num`, ...), so that their values are not counted as positionals. */
  valued: Set<string>;
  /** Everything from the command it runs on (`run APP ls -a`) belongs to that command. */
  runsCommand: boolean;
  /** It has a -r/--remote option of its own (git:remote): not the remote the app comes from. */
  ownsRemote?: boolean;
}

/** Pure: the app an SSH git remote URL names (`ssh://git@host:2222/shop`, `git@host:shop.git`). */
export function appOfRemote(url: string): string | undefined {
  const match = /^(?:ssh:\/\/)?[^@/\s]+@[^:/\s]+(?::\d+)?[:/]([a-z0-9-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match?.[1];
}

/** Where the app of a command can come from besides -a: the environment and the repository's git remotes. */
export interface AppSources {
  /** The app git remote `name` of the current repository points at (undefined: no such remote, or not ours). */
  remote(name: string): string | undefined;
  /** The app the environment names (PAAS_CLI_APP). */
  env?: string | undefined;
  /** Whether the caller may use an app of this name (undefined: not known here). */
  usable?(name: string): boolean | undefined;
}

/** The variable that names the app for every command, as Heroku's HEROKU_APP (the daemon uses none of this name). */
export const APP_ENV = 'PAAS_CLI_APP';

/**
 * Rewrites the arguments after the command name so that the app is the first positional, by one rule for every
 * command: `-a/--app APP`; else `-r/--remote REMOTE` (that remote's app); else a first positional that names an
 * app the caller may use (`paas config shop`); else PAAS_CLI_APP; else the app of the repository's `paas` remote.
 * When the app comes from -r, the variable or the remote, every positional is the command's own (`rollback v1`,
 * `ps:restart web`, `run ls -la`). Anything else is left as it was, for commander to judge.
 */
export function placeApp(args: string[], shape: CommandShape, sources: AppSources): string[] {
  let app: string | undefined;
  let remoteName: string | undefined;
  const rest: string[] = [];
  let positionals = 0;
  let first: string | undefined;
  /** Where the loop put the `--` before the command `run` runs (when it took the first positional for the app). */
  let split: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      positionals += args.length - i - 1;
      break;
    }
    // `run APP ls -la`: from the command to run on, every argument is its own (options too).
    if (shape.runsCommand && !arg.startsWith('-') && positionals === (app === undefined && remoteName === undefined ? 1 : 0)) {
      split = rest.length;
      rest.push('--', ...args.slice(i));
      positionals += args.length - i;
      break;
    }
    const flag = (shape.ownsRemote ? /^(-a|--app)(?:=(.*))?$/ : /^(-a|--app|-r|--remote)(?:=(.*))?$/).exec(arg);
    if (flag && shape.takesApp) {
      const value = flag[2] ?? args[++i];
      const remote = flag[1] === '-r' || flag[1] === '--remote';
      if (value === undefined || value.startsWith('-'))
        throw new PaasError('PAAS_ERR_INVALID_INPUT', `${flag[1]} needs ${remote ? 'a git remote name' : 'an app name'}`);
      if (remote) remoteName = value;
      else app = value;
      continue;
    }
    if (flag && (flag[1] === '-a' || flag[1] === '--app')) throw new PaasError('PAAS_ERR_INVALID_INPUT', `this command takes no app: leave out ${flag[1]}`);
    rest.push(arg);
    if (arg.startsWith('-')) {
      if (shape.valued.has(arg) && i + 1 < args.length) rest.push(args[++i]!);
    } else {
      first ??= arg;
      positionals++;
    }
  }
  if (!shape.takesApp || app !== undefined) return app === undefined ? rest : [app, ...rest];
  if (remoteName !== undefined) {
    app = sources.remote(remoteName);
    if (app === undefined)
      throw new PaasError(
        'PAAS_ERR_INVALID_INPUT',
        `no git remote ${JSON.stringify(remoteName)} pointing at an app of this server in this repository: see git remote -v`,
      );
    return own(app, rest, shape, first, split);
  }
  // A first positional that names an app the caller may use is the app; unknown here, one that could be an app
  // name and is not needed by the command itself is taken as one (as before PAAS_CLI_APP and -r).
  const known = first !== undefined && APP_NAME.test(first) ? sources.usable?.(first) : false;
  const firstIsApp = known ?? (first !== undefined && APP_NAME.test(first) && positionals >= shape.required);
  if (firstIsApp) return rest;
  const inferred = sources.env ?? sources.remote('paas');
  return inferred === undefined ? rest : own(inferred, rest, shape, first, split);
}

/**
 * `app` first, and every positional the command's own: for `run`, the command to run starts at the first
 * positional (`run ls -la /www`), not where the loop guessed it did (after an app it took `ls` for).
 */
function own(app: string, rest: string[], shape: CommandShape, first: string | undefined, split: number | undefined): string[] {
  if (shape.runsCommand && first !== undefined) {
    if (split !== undefined) rest.splice(split, 1);
    if (!rest.slice(0, rest.indexOf(first)).includes('--')) rest.splice(rest.indexOf(first), 0, '--');
  }
  return [app, ...rest];
}
