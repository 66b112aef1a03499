// The admin API client used by the CLI and the pre-receive hook, over the daemon's unix socket.
import http from 'node:http';
import { PaasError, isErrorCode } from '../errors.js';

function request(socketPath: string, method: string, path: string, body?: unknown): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = http.request(
      {
        socketPath,
        method,
        path,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      resolve,
    );
    req.on('error', (err) =>
      reject(
        new PaasError('PAAS_ERR_DAEMON_UNAVAILABLE', `cannot reach the paas daemon at ${socketPath} (is "paas server" running?)`, { cause: err }),
      ),
    );
    req.end(payload);
  });
}

async function readAll(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Calls the admin API and resolves with its JSON answer; an error answer becomes a PaasError with its code. */
export async function callApi<T>(socketPath: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(socketPath, method, path, body);
  const text = await readAll(res);
  const json = text ? JSON.parse(text) : undefined;
  if ((res.statusCode ?? 500) >= 400) {
    const error = json?.error;
    throw new PaasError(isErrorCode(error?.code) ? error.code : 'PAAS_ERR_INTERNAL', error?.message ?? `daemon answered ${res.statusCode}`);
  }
  return json as T;
}

/** Calls a streaming (NDJSON) route, handing each parsed line to `onEntry`. */
export async function streamApi(socketPath: string, path: string, body: unknown, onEntry: (entry: Record<string, unknown>) => void): Promise<void> {
  const res = await request(socketPath, 'POST', path, body);
  if ((res.statusCode ?? 500) >= 400) {
    const json = JSON.parse((await readAll(res)) || '{}');
    throw new PaasError(isErrorCode(json?.error?.code) ? json.error.code : 'PAAS_ERR_INTERNAL', json?.error?.message ?? `daemon answered ${res.statusCode}`);
  }
  let buffered = '';
  for await (const chunk of res) {
    buffered += (chunk as Buffer).toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) onEntry(JSON.parse(line));
    }
  }
}
