// Pure: Dokku's `docker-options:add APP build "--build-arg NAME[=VALUE]"` and `"--target STAGE"`, the Docker
// options a build takes here. A NAME without a value is read from the app's config at build time, so a secret set
// with config:set reaches the build only when the app opts in by naming it.
import { PaasError } from '../errors.js';
import { checkConfigKey, checkConfigValue } from './config-vars.js';

export type BuildArg =
  | {
      name: string;
      /** Absent: the value comes from the app's config var of the same name. */
      value?: string;
    }
  | {
      /** The stage of a multi-stage Dockerfile to build (`--target`). */
      target: string;
    };

type NamedArg = Extract<BuildArg, { name: string }>;
const isNamed = (arg: BuildArg): arg is NamedArg => 'name' in arg;

/** The stage `--target` names, when one does. */
export function buildTarget(args: BuildArg[]): string | undefined {
  return args.flatMap((a) => ('target' in a ? [a.target] : []))[0];
}

const PHASES = ['build', 'deploy', 'run'];

/** Checks the phase Dokku names (build, deploy, run); only build options are taken. */
export function checkPhase(phase: string): 'build' {
  if (phase === 'build') return phase;
  if (PHASES.includes(phase))
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `docker-options for the ${phase} phase are not taken here: set limits with ps:resources, volumes with storage:mount, variables with config:set`,
    );
  throw new PaasError(
    'PAAS_ERR_INVALID_INPUT',
    `unknown phase ${JSON.stringify(phase.slice(0, 30))}: use build, as in docker-options:add APP build "--build-arg NAME=VALUE"`,
  );
}

/** Parses `--build-arg NAME`, `--build-arg NAME=VALUE` or `--build-arg=NAME=VALUE`; anything else is refused. */
export function parseBuildOption(option: string): BuildArg {
  const target = /^--target(?:=|\s+)(\S*)$/.exec(option.trim());
  if (target) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(target[1]!)) {
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `--target ${JSON.stringify(target[1]!.slice(0, 40))} is not a stage name (letters, digits, _ . -)`);
    }
    return { target: target[1]! };
  }
  const match = /^--build-arg(?:=|\s+)([\s\S]*)$/.exec(option.trim());
  if (!match) {
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `only --build-arg and --target are taken as build options, not ${JSON.stringify(option.trim().split(/\s+/)[0]?.slice(0, 40))}: docker-options:add APP build "--build-arg NAME=VALUE"`,
    );
  }
  const arg = match[1]!;
  const eq = arg.indexOf('=');
  if (eq < 0) return { name: checkConfigKey(arg.trim()) };
  const name = checkConfigKey(arg.slice(0, eq));
  return { name, value: checkConfigValue(name, arg.slice(eq + 1)) };
}

/** How an option is shown and stored: `--build-arg NAME` or `--build-arg NAME=VALUE`. */
export function formatBuildOption(arg: BuildArg): string {
  if (!isNamed(arg)) return `--target ${arg.target}`;
  return arg.value === undefined ? `--build-arg ${arg.name}` : `--build-arg ${arg.name}=${arg.value}`;
}

/** The build arguments for Docker: given values, and named config vars read from `config`; a missing one is refused. */
export function resolveBuildArgs(app: string, args: BuildArg[], config: Record<string, string>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const arg of args.filter(isNamed)) {
    const value = arg.value ?? config[arg.name];
    if (value === undefined)
      throw new PaasError(
        'PAAS_ERR_BUILD_FAILED',
        `the build arg ${arg.name} is taken from config, but ${app} has no ${arg.name}: paas config:set ${app} ${arg.name}=VALUE, or docker-options:remove ${app} build "--build-arg ${arg.name}"`,
      );
    resolved[arg.name] = value;
  }
  return resolved;
}

/** The list with `arg` added; an arg of the same name is replaced, as a second --build-arg NAME would override it. */
export function withBuildArg(args: BuildArg[], arg: BuildArg): BuildArg[] {
  const same = (a: BuildArg) => (isNamed(arg) ? isNamed(a) && a.name === arg.name : !isNamed(a));
  return [...args.filter((a) => !same(a)), arg];
}

/** The list without the arg `option` names (by its name; a value given with it must match too). */
export function withoutBuildArg(app: string, args: BuildArg[], option: BuildArg): BuildArg[] {
  const kept = args.filter((a) =>
    isNamed(option)
      ? !isNamed(a) || a.name !== option.name || (option.value !== undefined && a.value !== option.value)
      : isNamed(a) || a.target !== option.target,
  );
  if (kept.length === args.length)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${app} has no build option ${formatBuildOption(option)}: see paas docker-options:report ${app}`);
  return kept;
}
