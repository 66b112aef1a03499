// The `paas` command line in a terminal: `server` and `stack:build` run here; every other command asks the
// daemon, over its unix socket or, with PAAS_API_URL and PAAS_API_TOKEN, a remote daemon's TCP API.
import fs from 'node:fs';
import readline from 'node:readline/promises';
import { Option } from 'commander';
import { adminSocketPath, loadConfig, type ConfigFlags } from '../config.js';
import { httpClient, type ApiTarget } from '../api/client.js';
import { asPaasError, PaasError } from '../errors.js';
import { ERROR, lineSink, logToFile } from '../log.js';
import { buildProgram, withAppArgument } from '../commands/program.js';
import { APP_ENV, appOfRemote, type AppSources } from '../commands/app-arg.js';
import type { CliIo } from '../commands/io.js';
import { colourLines, wantsColour } from '../commands/colour.js';
import { gitRemoteUrl, inGitRepo, openInBrowser, setGitRemote } from './local-git.js';
import { runAttached } from './run-attached.js';

interface RootFlags {
  dataDir?: string;
  apiUrl?: string;
  token?: string;
  apiCa?: string;
}

let flags: RootFlags = {};

// A reader that went away (`paas ci:show APP 3 | head -1`) ends the CLI quietly, as other commands do.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

function target(): ApiTarget {
  if (flags.apiUrl) {
    if (!flags.token)
      throw new PaasError(
        'PAAS_ERR_UNAUTHENTICATED',
        'a remote API needs a token: --token or PAAS_API_TOKEN (make one on the server with: paas tokens:create NAME)',
      );
    return { url: flags.apiUrl, token: flags.token, ca: flags.apiCa ? fs.readFileSync(flags.apiCa) : undefined };
  }
  return { socketPath: adminSocketPath(loadConfig({ dataDir: flags.dataDir })) };
}

const io: CliIo = {
  client: () => httpClient(target()),
  out: (text) => void process.stdout.write(typeof text === 'string' && wantsColour(Boolean(process.stdout.isTTY), process.env) ? colourLines(text) : text),
  err: (text) => void process.stderr.write(wantsColour(Boolean(process.stderr.isTTY), process.env) ? colourLines(text) : text),
  async readStdin() {
    if (process.stdin.isTTY) throw new PaasError('PAAS_ERR_INVALID_KEY', 'pipe the public key in: paas keys:add NAME < ~/.ssh/id_ed25519.pub');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  async readFile(file) {
    try {
      const text = fs.readFileSync(file, 'utf8');
      if (text.length > 64 * 1024) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${file} is over 64 KB`);
      return text;
    } catch (err) {
      if (err instanceof PaasError) throw err;
      throw new PaasError('PAAS_ERR_INVALID_INPUT', `cannot read ${file}: ${(err as Error).message}`);
    }
  },
  stdinIsTty: Boolean(process.stdin.isTTY),
  async prompt(question) {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
  setExit: (code) => void (process.exitCode = code),
  run: (request) => runAttached(target(), request),
  setGitRemote,
  inGitRepo,
  openUrl: openInBrowser,
};

const program = buildProgram(io, { exitOverride: false })
  .addOption(new Option('--data-dir <dir>', 'data directory of the local daemon').env('PAAS_DATA_DIR'))
  .addOption(new Option('--api-url <url>', "a remote daemon's API (https://HOST:PORT)").env('PAAS_API_URL'))
  .addOption(new Option('--token <token>', 'API token for --api-url').env('PAAS_API_TOKEN'))
  .addOption(new Option('--api-ca <file>', 'CA certificate to trust for --api-url').env('PAAS_API_CA'))
  .hook('preAction', (root) => {
    flags = root.opts<RootFlags>();
  });

program
  .command('server')
  .description('run the daemon: SSH git gateway, build queue worker, HTTP router and admin API')
  .addOption(new Option('--ssh-port <port>', 'SSH gateway port (default 2222)').env('PAAS_SSH_PORT'))
  .addOption(new Option('--http-port <port>', 'HTTP router port (default 80)').env('PAAS_HTTP_PORT'))
  .addOption(new Option('--domain <domain>', 'apps answer at APP.<domain> (default localhost)').env('PAAS_DOMAIN'))
  .addOption(new Option('--api-port <port>', 'also serve the API on this TCP port (tokens required)').env('PAAS_API_PORT'))
  .addOption(new Option('--https-port <port>', 'HTTPS router port (default 443)').env('PAAS_HTTPS_PORT'))
  .addOption(new Option('--router <kind>', 'data plane: haproxy (default; traffic survives the daemon) or node (in-process)').env('PAAS_ROUTER'))
  .addOption(new Option('--scheduler <kind>', 'where apps run: docker (default; this engine) or swarm (the Swarm this engine manages)').env('PAAS_SCHEDULER'))
  .action(async (opts: ConfigFlags) => {
    const { startServer } = await import('../server.js');
    const config = loadConfig({ ...opts, dataDir: flags.dataDir });
    if (config.logFile) logToFile(config.logFile, config.logMaxBytes);
    const server = await startServer(config);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });

program
  .command('stack:build')
  .description(
    'build the local base image paas/stack:bookworm (also tagged debian:bookworm and debian:bookworm-slim), and install HAProxy 3.0 for the data plane',
  )
  .option('--force', 'rebuild even when the image exists')
  .addOption(new Option('--mirror <url>', 'Debian mirror for debootstrap').env('PAAS_DEBIAN_MIRROR').default('http://deb.debian.org/debian'))
  .action(async (opts: { force?: boolean; mirror: string }) => {
    const { createDocker, pingDocker } = await import('../docker/client.js');
    const { buildStack } = await import('../stack/build-stack.js');
    const docker = createDocker();
    await pingDocker(docker);
    const out = lineSink((line) => io.out(line + '\n'));
    await buildStack(docker, out, { mirror: opts.mirror, force: opts.force ?? false });
    const { installHaproxy } = await import('../router/haproxy/haproxy-install.js');
    await installHaproxy(docker, out);
  });

/** The app git remote `name` of the current repository points at, as Heroku infers it from its `heroku` remote. */
function remoteApp(name: string): string | undefined {
  const url = gitRemoteUrl(name);
  return url === undefined ? undefined : appOfRemote(url);
}

/** The root options before the command (`--data-dir DIR`, `--api-url=URL`), else their environment variables. */
function rootFlags(argv: string[]): RootFlags {
  const named: Record<string, keyof RootFlags> = { '--data-dir': 'dataDir', '--api-url': 'apiUrl', '--token': 'token', '--api-ca': 'apiCa' };
  const found: RootFlags = {
    dataDir: process.env.PAAS_DATA_DIR || undefined,
    apiUrl: process.env.PAAS_API_URL || undefined,
    token: process.env.PAAS_API_TOKEN || undefined,
    apiCa: process.env.PAAS_API_CA || undefined,
  };
  for (let i = 0; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const key = named[flag];
    if (key) found[key] = inline ?? argv[++i];
  }
  return found;
}

/**
 * Where the app of a command comes from besides -a (see placeApp). The apps the caller may use are asked of the
 * daemon only when the app could come from elsewhere too, to tell `paas config shop` from `paas rollback v1`.
 */
async function appSources(): Promise<AppSources> {
  const env = process.env[APP_ENV] || undefined;
  const sources: AppSources = { remote: remoteApp, env };
  if (env === undefined && remoteApp('paas') === undefined && !args.some((a) => a === '-r' || a.startsWith('--remote'))) return sources;
  // The root options are read by commander only when it parses: the daemon is found by them now, as it will be then.
  flags = rootFlags(args);
  // Unknown when the daemon cannot be asked (the command itself then says why).
  const apps = await Promise.resolve()
    .then(() => io.client().call<{ name: string }[]>('GET', '/apps'))
    .then((list) => new Set(list.map((a) => a.name)))
    .catch(() => undefined);
  return { ...sources, usable: (name) => apps?.has(name) };
}

const version = (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
/**
 * `paas --version` (before any command). Not commander's version option: that one would also take the --version
 * of a command (`services:create --version 17`), since root options are read after the command too.
 */
function asksVersion(args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-v' || arg === '--version') return true;
    if (!arg.startsWith('-')) return false;
    const option = program.options.find((o) => o.long === arg.split('=')[0] || o.short === arg);
    if (option && (option.required || option.optional) && !arg.includes('=')) i++;
  }
  return false;
}
program.addHelpText(
  'after',
  [
    '',
    "Which app a command means: -a/--app APP; else -r/--remote REMOTE (that git remote's app); else a first argument",
    "naming an app you may use; else $PAAS_CLI_APP; else the app of this repository's paas remote. When the app",
    "comes from -r, $PAAS_CLI_APP or the remote, every argument is the command's own: paas rollback v1, paas run ls -la.",
    '',
    'Print the version with paas --version (or -v).',
  ].join('\n'),
);

const args = process.argv.slice(2);
Promise.resolve()
  .then(async () => {
    if (asksVersion(args)) io.out(`${version}\n`);
    else await program.parseAsync(withAppArgument(program, args, await appSources()), { from: 'user' });
  })
  .catch((err: unknown) => {
    const error = asPaasError(err);
    process.stderr.write(`${ERROR}${error.message}\n`);
    process.exit(error.exitCode);
  });
