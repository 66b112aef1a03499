// The terminal side of `paas run`: the upgraded connection's frames to stdout/stderr, stdin and resizes back,
// the terminal in raw mode while a TTY is attached. Resolves with the container's exit status.
import { upgrade, type ApiTarget } from '../api/client.js';
import { FRAME, FrameDecoder, encodeFrame } from '../api/run-frames.js';
import type { RunRequest } from '../commands/io.js';

export async function runAttached(target: ApiTarget, request: RunRequest): Promise<number> {
  const header = {
    command: 'app' in request ? request.command : [],
    ...('app' in request && request.dyno ? { dyno: request.dyno } : {}),
    tty: request.tty,
    rows: process.stdout.rows,
    cols: process.stdout.columns,
  };
  const path = 'app' in request ? `/apps/${encodeURIComponent(request.app)}/run` : `/services/${encodeURIComponent(request.service)}/connect`;
  const socket = await upgrade(target, path, {
    'x-paas-run': Buffer.from(JSON.stringify(header)).toString('base64url'),
  });
  const stdin = process.stdin;
  const raw = request.tty && stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const onInput = (chunk: Buffer) => socket.write(encodeFrame(FRAME.stdin, chunk));
  const onEnd = () => socket.write(encodeFrame(FRAME.stdinEnd));
  const onResize = () => {
    const size = Buffer.alloc(4);
    size.writeUInt16BE(process.stdout.rows ?? 24, 0);
    size.writeUInt16BE(process.stdout.columns ?? 80, 2);
    socket.write(encodeFrame(FRAME.resize, size));
  };
  stdin.on('data', onInput);
  stdin.on('end', onEnd);
  process.stdout.on('resize', onResize);
  try {
    return await new Promise<number>((resolve) => {
      let exit = 1;
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        for (const frame of decoder.push(chunk)) {
          if (frame.type === FRAME.stdout) process.stdout.write(frame.payload);
          else if (frame.type === FRAME.stderr) process.stderr.write(frame.payload);
          else if (frame.type === FRAME.exit) exit = Number(frame.payload.toString('utf8'));
        }
      });
      socket.on('close', () => resolve(exit));
      socket.on('error', () => resolve(exit));
    });
  } finally {
    stdin.off('data', onInput);
    stdin.off('end', onEnd);
    process.stdout.off('resize', onResize);
    if (raw) stdin.setRawMode(false);
    stdin.pause();
  }
}
