// An attached container (a one-off run): stdin in, stdout and stderr out (one raw stream with a TTY), its exit
// status back; killed when the caller goes away, removed afterwards whatever happened.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import type { DockerClient } from './client.js';
import { streamClosed } from './containers.js';

export interface AttachedIo {
  tty: boolean;
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  /** Terminal size at the start (TTY only). */
  size?: { rows: number; cols: number } | undefined;
  signal: AbortSignal;
}

export interface Attached {
  /** Sends input to the container's stdin. */
  write(chunk: Buffer): void;
  /** Closes the container's stdin (end of input). */
  endInput(): void;
  resize(rows: number, cols: number): void;
  /** The exit status, once the container stopped and its output is flushed. */
  exit: Promise<number>;
}

/** Creates, attaches and starts a container from `spec`. */
export async function runAttached(docker: DockerClient, spec: Docker.ContainerCreateOptions, io: AttachedIo): Promise<Attached> {
  const container = await docker.createContainer({
    ...spec,
    Tty: io.tty,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
  });
  const remove = () => container.remove({ force: true, v: true }).catch(() => undefined);
  let stream: Duplex;
  try {
    stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
    if (io.tty) stream.on('data', (chunk: Buffer) => io.stdout(chunk));
    else {
      const sink = (write: (c: Buffer) => void) => ({ write: (chunk: Buffer) => (write(chunk), true) }) as unknown as NodeJS.WritableStream;
      docker.modem.demuxStream(stream, sink(io.stdout), sink(io.stderr));
    }
    await container.start();
  } catch (err) {
    await remove();
    throw err;
  }
  const resize = (rows: number, cols: number) => void container.resize({ h: rows, w: cols }).catch(() => undefined);
  if (io.tty && io.size) resize(io.size.rows, io.size.cols);
  const kill = () => void container.kill().catch(() => undefined);
  io.signal.addEventListener('abort', kill, { once: true });
  const ended = streamClosed(stream);
  const exit = (async () => {
    try {
      const result = (await container.wait()) as { StatusCode: number };
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
      return result.StatusCode;
    } finally {
      io.signal.removeEventListener('abort', kill);
      stream.destroy();
      await remove();
    }
  })();
  return {
    write: (chunk) => void stream.write(chunk),
    // On a terminal, end of input is ^D, as a real one sends; half-closing the hijacked stream instead can make
    // Docker drop output the container has not written yet.
    endInput: () => (io.tty ? void stream.write(Buffer.from([4])) : stream.end()),
    resize,
    exit,
  };
}

/** Runs `command` inside the running container `id` (docker exec), attached like a one-off; the container stays. */
export async function execAttached(docker: DockerClient, id: string, command: string[], io: AttachedIo): Promise<Attached> {
  const exec = await docker.getContainer(id).exec({ Cmd: command, Tty: io.tty, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: io.tty })) as Duplex;
  if (io.tty) stream.on('data', (chunk: Buffer) => io.stdout(chunk));
  else {
    const sink = (write: (c: Buffer) => void) => ({ write: (chunk: Buffer) => (write(chunk), true) }) as unknown as NodeJS.WritableStream;
    docker.modem.demuxStream(stream, sink(io.stdout), sink(io.stderr));
  }
  const resize = (rows: number, cols: number) => void exec.resize({ h: rows, w: cols }).catch(() => undefined);
  if (io.tty && io.size) resize(io.size.rows, io.size.cols);
  // The caller gone: its command loses its input and output (a shell on a terminal gets its hang-up).
  const hangUp = () => stream.destroy();
  io.signal.addEventListener('abort', hangUp, { once: true });
  const exit = (async () => {
    try {
      await streamClosed(stream);
      for (let i = 0; i < 50; i++) {
        const state = (await exec.inspect()) as { Running: boolean; ExitCode: number | null };
        if (!state.Running) return state.ExitCode ?? 1;
        await new Promise((r) => setTimeout(r, 100));
      }
      return 1;
    } finally {
      io.signal.removeEventListener('abort', hangUp);
      stream.destroy();
    }
  })();
  return {
    write: (chunk) => void stream.write(chunk),
    endInput: () => (io.tty ? void stream.write(Buffer.from([4])) : stream.end()),
    resize,
    exit,
  };
}
