// The SSH gateway (ssh2 server): public-key auth against the store, then git pushes into each app's bare repo
// and paas commands, each for the key's caller (an admin, or a collaborator on some apps).
import crypto, { randomUUID } from 'node:crypto';
import ssh2, { type AuthContext, type ServerChannel } from 'ssh2';
import type { Services } from '../services.js';
import { adminSocketPath } from '../config.js';
import { fingerprint } from '../keys.js';
import { findKeyByFingerprint, type KeyRow } from '../store/keys.js';
import { findApp } from '../store/apps.js';
import { createApp } from '../apps.js';
import { ensureRepo } from '../git/repos.js';
import { parseExecCommand, type ExecCommand } from './exec-command.js';
import { serveCommand, type Terminal } from './serve-command.js';
import { callerFor } from '../auth/caller.js';
import { authorizeLogged } from '../api/dispatch.js';
import { runReceivePack } from './receive-pack.js';
import { loadHostKey } from './host-key.js';
import { asPaasError } from '../errors.js';
import { STEP, ERROR, daemonLog } from '../log.js';

const MAX_PUSH_BYTES = 1024 * 1024 * 1024;

async function authenticate(services: Services, ctx: AuthContext): Promise<KeyRow | undefined> {
  if (ctx.method !== 'publickey') return undefined;
  const key = await findKeyByFingerprint(services.db, fingerprint(ctx.key.data));
  if (!key) return undefined;
  const stored = ssh2.utils.parseKey(key.publicKey);
  const parsed = Array.isArray(stored) ? stored[0] : stored;
  if (!parsed || parsed instanceof Error) return undefined;
  if (!crypto.timingSafeEqual(parsed.getPublicSSH(), ctx.key.data)) return undefined;
  // Without a signature the client only asks whether the key would do; with one, it must verify.
  if (ctx.signature && parsed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) !== true) return undefined;
  return key;
}

function refuse(channel: ServerChannel, message: string, code = 128): void {
  channel.stderr.write(`${ERROR}${message}\n`);
  channel.exit(code);
  channel.end();
}

/** Serves one exec request: a `git push` (receive-pack), or a paas command. */
async function serveExec(
  services: Services,
  key: KeyRow,
  command: string,
  gitProtocol: string | undefined,
  channel: ServerChannel,
  terminal: Terminal | undefined,
): Promise<void> {
  let parsed: ExecCommand;
  try {
    parsed = parseExecCommand(command);
  } catch (err) {
    const error = asPaasError(err);
    return refuse(channel, error.message, error.exitCode);
  }
  if (parsed.kind === 'command') return serveCommand(services, callerFor(key), parsed.argv, channel, terminal);
  return servePush(services, key, parsed.app, gitProtocol, channel);
}

/** Serves one `git push`: checks the key may push to the app, creates it for an admin when new, then runs receive-pack under the app's lock. */
async function servePush(services: Services, key: KeyRow, app: string, gitProtocol: string | undefined, channel: ServerChannel): Promise<void> {
  try {
    authorizeLogged(callerFor(key), 'app', app, `push ${app}`);
  } catch (err) {
    return refuse(channel, asPaasError(err).message);
  }
  try {
    if (!(await findApp(services.db, app))) {
      if (key.role !== 'admin') return refuse(channel, `app "${app}" does not exist`);
      channel.stderr.write(`${STEP}Creating app ${app}\n`);
      // Another first push may create it meanwhile: then this one pushes to it.
      await createApp(services, app).catch((err: unknown) => {
        if (asPaasError(err).code !== 'PAAS_ERR_APP_EXISTS') throw err;
      });
    }
    const repo = await ensureRepo(services.config.dataDir, services.config.installDir, app);
    const locks = services.pushLocks;
    if (locks.isHeld(app)) channel.stderr.write(`${STEP}Another push to ${app} is in progress; waiting for it to finish\n`);
    const session = randomUUID();
    const release = await locks.acquire(app, session, key.name, key.role === 'admin');
    try {
      const env: Record<string, string> = {
        PAAS_INSTALL_DIR: services.config.installDir,
        PAAS_SOCKET: adminSocketPath(services.config),
        PAAS_APP: app,
        PAAS_SESSION: session,
      };
      if (gitProtocol && /^[a-z0-9=:.,-]{1,100}$/i.test(gitProtocol)) env.GIT_PROTOCOL = gitProtocol;
      const code = await runReceivePack(channel, { repo, env, maxInputBytes: MAX_PUSH_BYTES });
      daemonLog('push.done', { app, key: key.name, exit: code });
      channel.exit(code);
      channel.end();
    } finally {
      release();
    }
  } catch (err) {
    refuse(channel, asPaasError(err).message, 1);
  }
}

/** Starts the gateway on `port` and resolves once it listens. */
export async function startSshGateway(services: Services, port: number): Promise<ssh2.Server> {
  const server = new ssh2.Server({ hostKeys: [loadHostKey(services.config.dataDir)] }, (client) => {
    let user: KeyRow | undefined;
    client.on('authentication', (ctx) => {
      authenticate(services, ctx).then(
        (key) => {
          if (key) {
            user = key;
            ctx.accept();
          } else ctx.reject(['publickey']);
        },
        () => ctx.reject(['publickey']),
      );
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let gitProtocol: string | undefined;
        session.on('env', (accept, _reject, info) => {
          if (info.key === 'GIT_PROTOCOL') gitProtocol = info.val;
          accept?.();
        });
        let terminal: { rows: number; cols: number; resize?: (rows: number, cols: number) => void } | undefined;
        session.on('pty', (accept, _reject, info) => {
          terminal = { rows: info.rows, cols: info.cols };
          accept?.();
        });
        session.on('window-change', (accept, _reject, info) => {
          if (terminal) {
            terminal.rows = info.rows;
            terminal.cols = info.cols;
            terminal.resize?.(info.rows, info.cols);
          }
          accept?.();
        });
        session.on('shell', (accept) => refuse(accept(), 'interactive shells are not supported: use git push, or a command (try: help)'));
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          // A client that goes away mid-write makes the channel emit 'error': never unheard, never the daemon's end.
          channel.on('error', () => undefined);
          channel.stderr.on('error', () => undefined);
          const t = terminal;
          const tty = t ? { rows: t.rows, cols: t.cols, onResize: (handler: (rows: number, cols: number) => void) => void (t.resize = handler) } : undefined;
          serveExec(services, user!, info.command, gitProtocol, channel, tty).catch((err: unknown) => {
            daemonLog('ssh.error', { key: user?.name, error: err instanceof Error ? err.stack : err });
            channel.destroy();
          });
        });
      });
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  return server;
}
