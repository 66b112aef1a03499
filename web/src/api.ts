// The dashboard's calls to the daemon: JSON requests (each change carries the session's CSRF token), command
// routes that answer a job's lines as NDJSON, and live streams (server-sent events) of lines.

export interface Who {
  name: string;
  role: 'admin' | 'collaborator';
  apps: string[] | null;
  csrf: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

let csrf = '';

/** Changes carry this token from now on (the one the sign-in answered with). */
export function useCsrf(token: string): void {
  csrf = token;
}

function headers(): Record<string, string> {
  return { 'content-type': 'application/json', 'x-csrf-token': csrf };
}

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return new ApiError(body?.error?.message ?? `${res.status} ${res.statusText}`, res.status);
}

/** Pauses before each new try of a read that met a network error (the daemon restarting, a dropped connection). */
const READ_RETRIES_MS = [300, 1000, 3000];

/**
 * A JSON request to the API; throws ApiError with the daemon's one-line message. A read (GET) that fails on the
 * network is tried again a few times before the page says so; a change is never sent twice.
 */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: headers(), credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) };
  const pauses = method === 'GET' ? [...READ_RETRIES_MS] : [];
  for (;;) {
    let res: Response;
    try {
      res = await fetch(path, init);
    } catch (err) {
      const pause = pauses.shift();
      if (pause === undefined) throw new Error(`the daemon could not be reached (${(err as Error).message}); reload the page to try again`);
      await new Promise((resolve) => setTimeout(resolve, pause));
      continue;
    }
    if (!res.ok) throw await failure(res);
    return (await res.json()) as T;
  }
}

/** Runs a command that queues a job (rollback, restart, scale), passing its lines on; resolves with its exit code. */
export async function runCommand(path: string, body: unknown, onLine: (line: string) => void): Promise<number> {
  const res = await fetch(path, { method: 'POST', headers: headers(), credentials: 'same-origin', body: JSON.stringify(body) });
  if (!res.ok || !res.body) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let exit = 1;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end) || '{}') as { line?: string; exit?: number };
      buffer = buffer.slice(end + 1);
      if (message.line !== undefined) onLine(message.line);
      if (message.exit !== undefined) exit = message.exit;
    }
  }
  return exit;
}

/**
 * Follows a live stream of lines until the returned function is called. The browser reconnects by itself;
 * `onOpen` runs at every (re)connection, so a page can catch up on what it missed meanwhile.
 */
export function live(path: string, onLine: (line: string) => void, onProblem: (problem: string | null) => void, onOpen?: () => void): () => void {
  const source = new EventSource(path);
  source.addEventListener('line', (event) => onLine(JSON.parse((event as MessageEvent<string>).data) as string));
  source.addEventListener('exit', () => source.close());
  source.addEventListener('open', () => (onProblem(null), onOpen?.()));
  source.addEventListener('error', () => onProblem(source.readyState === EventSource.CLOSED ? 'the live stream was refused' : 'reconnecting…'));
  return () => source.close();
}
