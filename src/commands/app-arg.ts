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
}

/** Pure: the app an SSH git remote URL names (`ssh://git@host:2222/shop`, `git@host:shop.git`). */
export function appOfRemote(url: string): string | undefined {
  const match = /^(?:ssh:\/\/)?[^@/\s]+@[^:/\s]+(?::\d+)?[:/]([a-z0-9-]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match?.[1];
}

/**
 * Rewrites the arguments after the command name: `-a shop logs` style app options become the first positional;
 * with none and too few positionals, `remoteApp()` (the `paas` remote's app) is put there. Anything else is left
 * as it was, for commander to judge.
 */
export function placeApp(args: string[], shape: CommandShape, remoteApp: () => string | undefined): string[] {
  let app: string | undefined;
  const rest: string[] = [];
  let positionals = 0;
  let first: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      positionals += args.length - i - 1;
      break;
    }
    // `run APP ls -la`: from the command to run on, every argument is its own (options too).
    if (shape.runsCommand && !arg.startsWith('-') && positionals === (app === undefined ? 1 : 0)) {
      rest.push('--', ...args.slice(i));
      positionals += args.length - i;
      break;
    }
    const flag = /^(-a|--app)(?:=(.*))?$/.exec(arg);
    if (flag) {
      const value = flag[2] ?? args[++i];
      if (value === undefined || value.startsWith('-')) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${flag[1]} needs an app name`);
      if (!shape.takesApp) throw new PaasError('PAAS_ERR_INVALID_INPUT', `this command takes no app: leave out ${flag[1]}`);
      app = value;
      continue;
    }
    rest.push(arg);
    if (arg.startsWith('-')) {
      if (shape.valued.has(arg) && i + 1 < args.length) rest.push(args[++i]!);
    } else {
      first ??= arg;
      positionals++;
    }
  }
  // Too few positionals, or a first one that cannot be an app (`ps:scale web=2`): the app was left out.
  const leftOut = positionals < shape.required || (first !== undefined && !APP_NAME.test(first));
  if (app === undefined && shape.takesApp && leftOut) {
    app = remoteApp();
    // `run ls -la` in the repository: the first positional starts the command to run.
    if (app !== undefined && shape.runsCommand && first !== undefined && !rest.includes('--')) rest.splice(rest.indexOf(first), 0, '--');
  }
  return app === undefined ? rest : [app, ...rest];
}
