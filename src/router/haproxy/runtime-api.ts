// HAProxy's Runtime API over its admin (or master) socket: one command per connection, answered as text.
import net from 'node:net';
import { PaasError } from '../../errors.js';

/**
 * Sends one command (with an optional multi-line payload, the `<<` form) and resolves with the answer.
 * Commands are built from names the daemon made (app names, replica ids, paths), never from raw user text.
 */
export function runtimeCommand(socket: string, command: string, payload?: string, timeoutMs = 10_000): Promise<string> {
  if (/[\n;]/.test(command)) return Promise.reject(new PaasError('PAAS_ERR_INTERNAL', `refused HAProxy command with a separator: ${command.slice(0, 80)}`));
  return new Promise((resolve, reject) => {
    const conn = net.createConnection(socket);
    const chunks: Buffer[] = [];
    conn.setTimeout(timeoutMs, () => conn.destroy(new Error(`HAProxy did not answer "${command.split(' ').slice(0, 3).join(' ')}" in ${timeoutMs} ms`)));
    conn.on('connect', () => conn.end(payload === undefined ? `${command}\n` : `${command} <<\n${payload.trim()}\n\n`));
    conn.on('data', (d: Buffer) => chunks.push(d));
    conn.on('error', (err) => reject(new PaasError('PAAS_ERR_ROUTER', `HAProxy runtime API: ${err.message}`, { cause: err })));
    conn.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** Pure: whether an answer reports a failure (the Runtime API answers errors as text, not codes). */
export function isFailure(answer: string): boolean {
  return /^(Unknown command|No such|Can't|Cannot|Require|Failed|Error|Invalid|Unexpected|Not found|'[^']*' (?:is|does)|Server [^ ]+ not found|No ongoing)/im.test(
    answer.trim(),
  );
}

/** Runs `command` and throws when HAProxy reports a failure. */
export async function runtimeCheck(socket: string, command: string, payload?: string): Promise<string> {
  const answer = await runtimeCommand(socket, command, payload);
  if (isFailure(answer))
    throw new PaasError('PAAS_ERR_ROUTER', `HAProxy refused "${command.split(' ').slice(0, 3).join(' ')}": ${answer.trim().split('\n')[0]}`);
  return answer;
}

export interface ServerStat {
  backend: string;
  server: string;
  /** Sessions on the server now: requests in flight, WebSockets open. */
  current: number;
  status: string;
}

/** Pure: the servers in a `show stat` CSV answer (backend and frontend summary lines left out). */
export function parseServerStats(csv: string): ServerStat[] {
  const [header, ...rows] = csv.trim().split('\n');
  if (!header?.startsWith('# ')) return [];
  const cols = header.slice(2).split(',');
  const at = (name: string) => cols.indexOf(name);
  const [px, sv, scur, status] = [at('pxname'), at('svname'), at('scur'), at('status')];
  return rows
    .map((r) => r.split(','))
    .filter((f) => f[sv] !== 'FRONTEND' && f[sv] !== 'BACKEND' && f[px] !== undefined)
    .map((f) => ({ backend: f[px]!, server: f[sv]!, current: Number(f[scur] || 0), status: f[status] ?? '' }));
}
