// `paas run` over the HTTP door: POST /apps/APP/run upgraded to a framed duplex connection (see run-frames.ts).
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { PaasError, asPaasError } from '../errors.js';
import { ERROR } from '../log.js';
import { getApp } from '../store/apps.js';
import { checkRunCommand, execInReplica, parseDynoName, startOneOff } from '../release/one-off.js';
import { checkConnectAllowed, startServiceClient } from '../backing/service-connect.js';
import type { Attached, AttachedIo } from '../docker/attach.js';
import type { RunRequest } from '../commands/io.js';
import { authorizeLogged } from './dispatch.js';
import { FRAME, FrameDecoder, encodeFrame } from './run-frames.js';
import { clientSink } from './client-sink.js';
import { APP } from './route-helpers.js';

const RUN_PATH = new RegExp(`^/apps/${APP}/run$`);
const CONNECT_PATH = /^\/services\/([a-z0-9-]{1,63})\/connect$/;

/** The request a client sends in the x-paas-run header (base64url JSON). */
export interface RunHeader {
  command: string[];
  /** ps:exec: the running replica to execute the command in (web.1). */
  dyno?: string;
  tty: boolean;
  rows?: number;
  cols?: number;
}

function refuse(socket: Duplex, error: PaasError): void {
  socket.end(`HTTP/1.1 ${error.httpStatus} Refused\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify({ error: error.toJSON() })}`);
}

function readHeader(value: string | string[] | undefined, needsCommand: boolean): RunHeader {
  try {
    const raw = JSON.parse(Buffer.from(String(value ?? ''), 'base64url').toString('utf8')) as Partial<RunHeader>;
    const size = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n > 0 && n < 10_000 ? n : undefined);
    return {
      command: needsCommand ? checkRunCommand(raw.command) : [],
      ...(needsCommand && raw.dyno !== undefined ? { dyno: parseDynoName(raw.dyno) } : {}),
      tty: raw.tty === true,
      ...(size(raw.rows) ? { rows: size(raw.rows)! } : {}),
      ...(size(raw.cols) ? { cols: size(raw.cols)! } : {}),
    };
  } catch (err) {
    throw err instanceof PaasError ? err : new PaasError('PAAS_ERR_INVALID_INPUT', 'the x-paas-run header is not base64url JSON');
  }
}

/** Refuses a run of an app the caller may not use, or of an unknown app (the same checks on every door). */
export async function checkRunAllowed(services: Services, caller: Caller, request: RunRequest): Promise<void> {
  if ('service' in request) return checkConnectAllowed(services, caller, request.service);
  authorizeLogged(caller, 'app', request.app, `run ${request.app}`);
  await getApp(services.db, request.app);
}

/** Starts what `request` attaches to, for `caller`: an app's one-off container, or a service's client. */
export async function startAttached(services: Services, caller: Caller, request: RunRequest, io: AttachedIo): Promise<Attached> {
  await checkRunAllowed(services, caller, request);
  if ('service' in request) return startServiceClient(services, caller, request.service, io);
  return request.dyno ? execInReplica(services, request.app, request.dyno, request.command, io) : startOneOff(services, request.app, request.command, io);
}

/** The request an upgrade's path and header stand for. */
function requestOf(req: http.IncomingMessage): RunRequest & { rows?: number; cols?: number } {
  const path = (req.url ?? '').split('?')[0]!;
  const app = RUN_PATH.exec(path)?.[1];
  const service = CONNECT_PATH.exec(path)?.[1];
  if ((!app && !service) || req.headers.upgrade !== 'paas-run') throw new PaasError('PAAS_ERR_UNKNOWN_COMMAND', `no such API route: upgrade ${req.url}`);
  const { command, ...header } = readHeader(req.headers['x-paas-run'], Boolean(app));
  return app ? { ...header, app, command } : { ...header, service: service! };
}

export function serveRunUpgrade(services: Services, caller: Caller, req: http.IncomingMessage, socket: Duplex): void {
  // Node takes its own error listener off an upgraded socket: the sink puts one back before anything waits.
  const sink = clientSink(socket, `run ${req.url}`);
  void (async () => {
    let upgraded = false;
    try {
      const run = requestOf(req);
      await checkRunAllowed(services, caller, run);
      sink.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: paas-run\r\nconnection: Upgrade\r\n\r\n');
      upgraded = true;
      const attached = await startAttached(services, caller, run, {
        tty: run.tty,
        size: run.rows && run.cols ? { rows: run.rows, cols: run.cols } : undefined,
        stdout: (chunk) => sink.write(encodeFrame(FRAME.stdout, chunk)),
        stderr: (chunk) => sink.write(encodeFrame(FRAME.stderr, chunk)),
        signal: sink.signal,
      });
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const frame of decoder.push(chunk)) {
            if (frame.type === FRAME.stdin) attached.write(frame.payload);
            else if (frame.type === FRAME.stdinEnd) attached.endInput();
            else if (frame.type === FRAME.resize) attached.resize(frame.payload.readUInt16BE(0), frame.payload.readUInt16BE(2));
          }
        } catch {
          socket.destroy();
        }
      });
      const exit = await attached.exit;
      if (!sink.gone) socket.end(encodeFrame(FRAME.exit, String(exit)));
    } catch (err) {
      const error = asPaasError(err);
      if (socket.destroyed || socket.writableEnded) return;
      if (!upgraded) return refuse(socket, error);
      socket.write(encodeFrame(FRAME.stderr, `${ERROR}${error.message}\n`));
      socket.end(encodeFrame(FRAME.exit, '1'));
    }
  })();
}
