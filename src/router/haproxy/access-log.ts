// Pure: HAProxy's access log lines, as the config's log-format writes them, read back into requests.

import type { RoutedRequest } from '../../ports/data-plane.js';

/** App servers are named after their container: `r-`, the id's first 16 hex digits, `-` and its address. */
export const SERVER_PREFIX = 'r-';

/**
 * The log-format: HAProxy's date for people, then the accept time in epoch seconds and milliseconds for
 * machines, then key=value fields; host and path are quoted (HAProxy writes quotes, spaces and control bytes in
 * them as #22, #20, ...).
 */
export const ACCESS_LOG_FORMAT =
  '%tr ts=%Ts.%ms host=%{+Q}[var(txn.host)] client=%ci method=%HM path=%{+Q}HU status=%ST bytes=%B time=%Tt backend=%b server=%s retries=%rc term=%ts';

/** HAProxy writes a byte it escapes in a log field as # and two hex digits. */
const unescape = (text: string) => text.replace(/#([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const LINE =
  /^\S+ ts=(\d+)\.(\d{3}) host="([^"]*)" client=(\S+) method=(\S+) path="([^"]*)" status=(-?\d+) bytes=(\d+) time=(-?\d+) backend=(\S+) server=(\S+) retries=(\+?-?\d+)(?: term=(\S\S))?$/;

/** The backend's field in a line of `app`, for a quick filter before parsing. */
export function backendField(backend: string): string {
  return ` backend=${backend} `;
}

/** The replica id part of a server name past its prefix (the address after the last `-` has none). */
const replicaOf = (name: string) => (name.lastIndexOf('-') > 0 ? name.slice(0, name.lastIndexOf('-')) : name);

/** Who ended a request early: the first letter of HAProxy's termination state. */
const ENDED_BY: Record<string, string> = {
  C: 'the client closed the connection',
  S: 'the app closed or refused the connection',
  P: 'the router refused the request',
  R: 'the router ran out of resources',
  I: 'the router failed',
  D: 'the app went down',
  K: 'the router cut the connection (its replica left the routes)',
  c: 'the client timed out',
  s: 'the app timed out',
};

/** When: the second letter of the termination state. */
const ENDED_WHILE: Record<string, string> = {
  R: 'before the request was complete',
  Q: 'while it waited for a free replica',
  C: 'while the router connected to the app',
  H: 'before the response headers were complete',
  D: 'during the response',
  L: 'as the response ended',
  T: 'while it was held back',
};

/**
 * Pure: in words, how a request ended early (HAProxy's termination state `ts`, as `%ts` logs it), or undefined
 * when it ended normally or the router answered it itself (a redirect, a page of its own).
 */
export function endedEarly(ts: string | undefined): string | undefined {
  const who = ENDED_BY[ts?.[0] ?? ''];
  if (!ts || !who) return undefined;
  const when = ENDED_WHILE[ts[1] ?? ''];
  return when ? `${who} ${when}` : who;
}

/** One line, or undefined when it is not a request line (HAProxy's own notices go to the same file). */
export function parseAccessLine(line: string): (RoutedRequest & { backend: string }) | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const server = m[11]!;
  const ended = endedEarly(m[13]);
  return {
    time: new Date(Number(m[1]) * 1000 + Number(m[2])).toISOString(),
    host: unescape(m[3]!),
    client: m[4]!,
    method: m[5]!,
    path: unescape(m[6]!),
    status: Number(m[7]),
    bytes: Number(m[8]),
    totalMs: Number(m[9]),
    backend: m[10]!,
    replica: server.startsWith(SERVER_PREFIX) ? replicaOf(server.slice(SERVER_PREFIX.length)) : undefined,
    retries: Math.abs(Number(m[12])),
    ...(ended ? { ended } : {}),
  };
}

/** The last `tail` lines of `text` (a tail of the log file) that `pick` turns into an item, oldest first. */
export function lastLines<T>(text: string, tail: number, pick: (line: string) => T | undefined): T[] {
  const found: T[] = [];
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0 && found.length < tail; i--) {
    const item = pick(lines[i]!);
    if (item !== undefined) found.push(item);
  }
  return found.reverse();
}
