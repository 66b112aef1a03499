// API clients: over HTTP (the daemon's unix socket, or a remote daemon's TCP API with a token), and in-process
// (the SSH door), behind one interface so the CLI's commands run the same through every door.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { PaasError, isErrorCode } from '../errors.js';

export interface ApiClient {
  /** Calls a route and resolves with its JSON answer; an error answer becomes a PaasError with its code. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Calls a streaming route, handing each line to `onEntry` ({line} ... then {exit}). */
  stream(path: string, body: unknown, onEntry: (entry: Record<string, unknown>) => void): Promise<void>;
  /** GETs a route that answers with a file's bytes, handing each chunk to `onChunk`. */
  download(path: string, onChunk: (chunk: Buffer) => void): Promise<void>;
}

/** Where the HTTP client connects: the local unix socket, or a remote API URL with a token. */
export type ApiTarget = { socketPath: string } | { url: string; token: string; ca?: Buffer | undefined };

export function describeTarget(target: ApiTarget): string {
  return 'socketPath' in target ? target.socketPath : target.url;
}

/** The request options for `path` at `target`. */
export function requestOptions(target: ApiTarget, method: string, path: string, headers: http.OutgoingHttpHeaders): https.RequestOptions {
  if ('socketPath' in target) return { socketPath: target.socketPath, method, path, headers };
  const base = new URL(target.url);
  return {
    protocol: base.protocol,
    hostname: base.hostname,
    port: base.port,
    method,
    path: base.pathname.replace(/\/$/, '') + path,
    headers: { ...headers, authorization: `Bearer ${target.token}` },
    ...(target.ca ? { ca: target.ca } : {}),
  };
}

/** Starts a request; the caller writes the body (or ends it). */
export function openRequest(target: ApiTarget, method: string, path: string, headers: http.OutgoingHttpHeaders = {}): http.ClientRequest {
  const options = requestOptions(target, method, path, headers);
  const req = ('socketPath' in target || options.protocol === 'http:' ? http : https).request(options);
  return req;
}

/**
 * The daemon went away mid-command. Once it had queued the command's job (`accepted`), the job outlives the
 * connection: say it may still happen, and where to see what came of it. When the connection broke before any
 * answer (`undefined`), whether it was queued is unknown, and the message says so.
 */
function lostDaemon(path: string, accepted: boolean | undefined, err: unknown): PaasError {
  if (accepted === false) return new PaasError('PAAS_ERR_DAEMON_UNAVAILABLE', 'lost the connection to the paas daemon', { cause: err });
  const app = /^\/apps\/([a-z0-9-]+)\//.exec(path)?.[1] ?? 'APP';
  const fate = accepted
    ? 'the command was queued: unless it had started, it runs when the daemon is back'
    : 'the daemon may have queued the command before it went: if it did, it runs when the daemon is back';
  return new PaasError('PAAS_ERR_DAEMON_UNAVAILABLE', `lost the connection to the paas daemon; ${fate} (see paas releases ${app} and paas ps ${app})`, {
    cause: err,
  });
}

function unreachable(target: ApiTarget, err: unknown): PaasError {
  const where = describeTarget(target);
  const hint = 'socketPath' in target ? ' (is "paas server" running?)' : '';
  return new PaasError('PAAS_ERR_DAEMON_UNAVAILABLE', `cannot reach the paas daemon at ${where}${hint}: ${(err as Error).message}`, { cause: err });
}

/** Sends a request; `lost` words the error when the daemon took the connection and closed it before answering. */
function send(
  target: ApiTarget,
  method: string,
  path: string,
  body?: unknown,
  lost: (err: unknown) => PaasError = (err) => unreachable(target, err),
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = openRequest(target, method, path, payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {});
    req.on('response', resolve);
    req.on('error', (err) => reject((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? lost(err) : unreachable(target, err)));
    req.end(payload);
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The PaasError an error answer stands for. */
export function errorFromAnswer(status: number | undefined, text: string): PaasError {
  let error: { code?: unknown; message?: unknown } | undefined;
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return new PaasError(
    isErrorCode(error?.code) ? error.code : 'PAAS_ERR_INTERNAL',
    typeof error?.message === 'string' ? error.message : `daemon answered ${status}`,
  );
}

export function httpClient(target: ApiTarget): ApiClient & { target: ApiTarget } {
  return {
    target,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await send(target, method, path, body);
      const text = await readAll(res);
      if ((res.statusCode ?? 500) >= 400) throw errorFromAnswer(res.statusCode, text);
      return (text ? JSON.parse(text) : undefined) as T;
    },
    async download(path, onChunk) {
      const res = await send(target, 'GET', path);
      if ((res.statusCode ?? 500) >= 400) throw errorFromAnswer(res.statusCode, await readAll(res));
      const expected = Number(res.headers['content-length']);
      let received = 0;
      for await (const chunk of res) {
        received += (chunk as Buffer).length;
        onChunk(chunk as Buffer);
      }
      if (Number.isFinite(expected) && received !== expected)
        throw new PaasError('PAAS_ERR_DAEMON_UNAVAILABLE', `lost the connection to the paas daemon after ${received} of ${expected} bytes`);
    },
    async stream(path, body, onEntry) {
      const res = await send(target, 'POST', path, body, (err) => lostDaemon(path, undefined, err));
      if ((res.statusCode ?? 500) >= 400) throw errorFromAnswer(res.statusCode, await readAll(res));
      let buffered = '';
      let ended = false;
      let accepted = false;
      try {
        for await (const chunk of res) {
          buffered += (chunk as Buffer).toString('utf8');
          let newline: number;
          while ((newline = buffered.indexOf('\n')) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            if (!line.trim()) continue;
            const entry = JSON.parse(line) as Record<string, unknown>;
            if (entry.exit !== undefined) ended = true;
            if (entry.accepted === true) accepted = true;
            else onEntry(entry);
          }
        }
      } catch (err) {
        throw lostDaemon(path, accepted, err);
      }
      if (!ended) throw lostDaemon(path, accepted, undefined);
    },
  };
}

/** Opens an upgraded connection (for `run`): resolves with the raw socket once the daemon switches protocols. */
export function upgrade(target: ApiTarget, path: string, headers: http.OutgoingHttpHeaders): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const req = openRequest(target, 'POST', path, { ...headers, connection: 'Upgrade', upgrade: 'paas-run' });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => void readAll(res).then((text) => reject(errorFromAnswer(res.statusCode, text)), reject));
    req.on('error', (err) => reject(unreachable(target, err)));
    req.end();
  });
}
