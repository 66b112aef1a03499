// The SSH door for commands: `ssh -p 2222 git@HOST config:set myapp KEY=VAL` runs the same command tree as the
// CLI, in-process, as the key's caller; output goes to the channel and the exit status back to ssh.
import type { ServerChannel } from 'ssh2';
import { CommanderError } from 'commander';
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { localClient } from '../api/local-client.js';
import { buildProgram, withAppArgument } from '../commands/program.js';
import type { CliIo } from '../commands/io.js';
import { PaasError, asPaasError } from '../errors.js';
import { ERROR, daemonLog } from '../log.js';
import { startAttached } from '../api/run-upgrade.js';
import { colourLines } from '../commands/colour.js';
import { clientSink } from '../api/client-sink.js';

export interface Terminal {
  rows: number;
  cols: number;
  /** Registers the handler of window-size changes. */
  onResize(handler: (rows: number, cols: number) => void): void;
}

/** Reads one line typed on the channel's terminal, echoing it (the client's terminal is in raw mode). */
function readLine(channel: ServerChannel, question: string): Promise<string> {
  channel.write(question);
  return new Promise((resolve) => {
    let line = '';
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          channel.off('data', onData);
          channel.write('\r\n');
          return resolve(line);
        }
        if (char === '\x7f' || char === '\b') line = line.slice(0, -1);
        else if (char === '\x03') {
          channel.off('data', onData);
          return resolve('');
        } else if (char >= ' ') {
          line += char;
          channel.write(char);
        }
      }
    };
    channel.on('data', onData);
    channel.once('end', () => resolve(line));
  });
}

function readAll(channel: ServerChannel): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    channel.on('data', (chunk: Buffer) => chunks.push(chunk));
    channel.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Runs `argv` (already split, never through a shell) for `caller`; ends the channel with the exit status. */
export async function serveCommand(services: Services, caller: Caller, argv: string[], channel: ServerChannel, terminal: Terminal | undefined): Promise<void> {
  const out = clientSink(channel, `ssh ${argv[0] ?? ''}`, undefined, [channel.stderr]);
  const errSink = clientSink(channel.stderr, `ssh ${argv[0] ?? ''}`, (chunk) => channel.stderr.write(chunk), [channel]);
  let exit = 0;
  const io: CliIo = {
    client: () => localClient(services, caller, out.signal),
    // On a terminal (ssh -t) the house prefixes are coloured, as on the CLI's.
    out: (text) => out.write(terminal && typeof text === 'string' ? colourLines(text) : text),
    err: (text) => errSink.write(terminal ? colourLines(text) : text),
    readStdin: () => readAll(channel),
    readFile: async () => {
      throw new PaasError(
        'PAAS_ERR_INVALID_INPUT',
        'this command reads files from your machine: run it with the paas CLI (PAAS_API_URL and a token for a remote server)',
      );
    },
    stdinIsTty: terminal !== undefined,
    ...(terminal ? { prompt: (question: string) => readLine(channel, question) } : {}),
    setExit: (code) => void (exit = code),
    async run(request) {
      const attached = await startAttached(services, caller, request, {
        tty: request.tty,
        size: terminal,
        stdout: (chunk) => out.write(chunk),
        stderr: (chunk) => errSink.write(chunk),
        signal: out.signal,
      });
      channel.on('data', (chunk: Buffer) => attached.write(chunk));
      channel.on('end', () => attached.endInput());
      terminal?.onResize((rows, cols) => attached.resize(rows, cols));
      return attached.exit;
    },
  };
  try {
    const program = buildProgram(io, { exitOverride: true });
    // Over SSH there is no repository to infer the app from: -a/--app or the positional.
    await program.parseAsync(withAppArgument(program, argv, { remote: () => undefined }), { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) exit = err.exitCode;
    else {
      const error = asPaasError(err);
      if (error.code === 'PAAS_ERR_INTERNAL') daemonLog('ssh.command.error', { caller: caller.name, error: err instanceof Error ? err.stack : err });
      errSink.write(`${ERROR}${error.message}\n`);
      exit = error.exitCode;
    }
  }
  daemonLog('ssh.command', { caller: caller.name, command: argv[0], exit });
  if (out.gone) return;
  channel.exit(exit);
  channel.end();
}
