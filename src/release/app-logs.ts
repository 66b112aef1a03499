// `paas logs APP [-f] [--process TYPE | --dyno TYPE.N] [-n N]`: the runtime output of an app's containers, each line marked
// with its process and replica like Heroku's `app[web.1]:`, with the kept output of replicas already gone and the
// deploy steps (store/log-history.ts); with -f it follows on, and containers of later
// releases (a redeploy, a restart) are picked up as they start, without reconnecting.
import { LABEL } from '../docker/names.js';
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import { PROCESS_TYPE } from '../input/patterns.js';
import { printedLine, sourceOf } from '../docker/logs.js';
import { isOneOff } from '../docker/container-spec.js';
import type { RoutedRequest } from '../ports/data-plane.js';
import { DYNO_ID_LENGTH, readDynos, readHistory } from '../store/log-history.js';

export interface LogsRequest {
  follow: boolean;
  process: string | null;
  tail: number;
  /** Heroku's --source: app (the containers' output), router (its request lines), or null for both. */
  source: 'app' | 'router' | null;
}

export function checkLogsRequest(body: unknown): LogsRequest {
  const raw = (body ?? {}) as { follow?: unknown; process?: unknown; tail?: unknown; source?: unknown };
  const tail = raw.tail ?? 100;
  if (typeof tail !== 'number' || !Number.isInteger(tail) || tail < 0 || tail > 100_000)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'tail must be a number of lines from 0 to 100000');
  const process = raw.process ?? null;
  if (process !== null && (typeof process !== 'string' || !PROCESS_TYPE.test(process.replace(/\.\d{1,10}$/, ''))))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'process must be a process type such as web, or one replica such as web.1');
  const source = raw.source ?? null;
  if (source !== null && source !== 'app' && source !== 'router') throw new PaasError('PAAS_ERR_INVALID_INPUT', 'source must be app or router');
  if (source === 'router' && process !== null)
    throw new PaasError('PAAS_ERR_INVALID_INPUT', 'router lines have no process type: give --source router or --process, not both');
  return { follow: raw.follow === true, process, tail, source };
}

/**
 * Pure: one router line as Heroku's `heroku[router]` prints it: `TIME paas[router]: at=info method=GET path="/"
 * host=... fwd="..." dyno=web.1 service=3ms status=200 bytes=224`; a 5xx is at=error, and a request that ended
 * early says how in `desc`.
 */
export function formatRouterLine(request: RoutedRequest, dyno: string | undefined): string {
  const fields = [
    `at=${request.status >= 500 ? 'error' : 'info'}`,
    `method=${request.method}`,
    `path=${JSON.stringify(request.path)}`,
    `host=${request.host}`,
    `fwd=${JSON.stringify(request.client)}`,
    `dyno=${dyno ?? 'none'}`,
    `service=${request.totalMs}ms`,
    `status=${request.status}`,
    `bytes=${request.bytes}`,
    ...(request.retries > 0 ? [`retries=${request.retries}`] : []),
    ...(request.ended ? [`desc=${JSON.stringify(request.ended)}`] : []),
  ];
  return `${request.time} paas[router]: ${fields.join(' ')}`;
}

/**
 * Pure: whether a line of the app's history belongs in the logs asked for: `app[TYPE.N]` lines unless only the
 * router's are asked for (and of TYPE when one is), `paas[deploy]` lines when all sources and types are.
 */
export function historyWanted(text: string, request: Pick<LogsRequest, 'process' | 'source'>): boolean {
  const source = /^\S+ (app|paas)\[([^\]]*)\]:/.exec(text);
  if (!source) return false;
  if (source[1] === 'paas') return request.source === null && request.process === null;
  return request.source !== 'router' && (request.process === null || source[2] === request.process || source[2]!.startsWith(`${request.process}.`));
}

/**
 * Pure: whether a container's output belongs in the logs asked for: release processes and one-offs, not tests, and
 * not one-offs with a terminal (their raw output is the user's session).
 */
export function wanted(labels: Record<string, string>, process: string | null): boolean {
  if (!labels[LABEL.release] && !isOneOff(labels)) return false;
  if (labels[LABEL.tty] === 'true') return false;
  if (process === null || labels[LABEL.process] === process) return true;
  // One replica (Heroku's --dyno web.1).
  return `${labels[LABEL.process]}.${labels[LABEL.replica]}` === process;
}

/**
 * Writes the last `tail` lines (the containers' output and the router's request lines, merged by time), then with
 * `follow` every new line of running containers, of containers that start later, and of the router, until `signal`
 * aborts.
 */
export async function streamAppLogs(
  services: Pick<Services, 'config' | 'scheduler' | 'dataPlane'>,
  app: string,
  request: LogsRequest,
  write: (line: string) => void,
  signal: AbortSignal,
): Promise<number> {
  const { scheduler, dataPlane } = services;
  const appLines = request.source !== 'router';
  const routerLines = request.source !== 'app' && request.process === null && dataPlane.routerLog !== undefined;
  const labelsOf = new Map<string, Record<string, string>>();
  let removed: Map<string, string> | undefined;
  const dynoOf = (replica: string | undefined) => {
    if (!replica) return undefined;
    for (const [id, labels] of labelsOf) if (id.startsWith(replica)) return sourceOf(labels);
    // A replica removed since: its name was remembered when it went (read once, when first needed).
    removed ??= readDynos(services.config.dataDir, app);
    return removed.get(replica.slice(0, DYNO_ID_LENGTH));
  };
  const followed = new Set<string>();
  const follows: Promise<void>[] = [];
  const follow = (id: string, labels: Record<string, string>, tail: number | undefined) => {
    labelsOf.set(id, labels);
    if (!appLines || followed.has(id) || !wanted(labels, request.process)) return;
    followed.add(id);
    follows.push(scheduler.followLogs(id, tail, (line) => write(printedLine(sourceOf(labels), line)), signal).catch(() => undefined));
  };
  // Subscribe first, so that a replica starting while the history is read is not missed.
  const watching = request.follow ? await scheduler.watchLogSources(app, (s) => follow(s.id, s.labels, undefined), signal) : undefined;

  const all = await scheduler.logSources(app);
  for (const s of all) labelsOf.set(s.id, s.labels);
  const sources = appLines ? all.filter((s) => wanted(s.labels, request.process)) : [];
  // Running replicas print their own history when followed (no gap between history and new lines).
  const settled = watching ? sources.filter((s) => !s.running) : sources;
  const history = await Promise.all(
    settled.map(async (s) =>
      (await scheduler.logLines(s.id, request.tail).catch(() => [])).map((line) => ({ time: line.time, text: printedLine(sourceOf(s.labels), line) })),
    ),
  );
  let routed: Promise<void> = Promise.resolve();
  if (routerLines) {
    // The router's history arrives in one batch, before any line it follows.
    const routerHistory = await new Promise<RoutedRequest[]>((resolve, reject) => {
      routed = dataPlane.routerLog!(
        app,
        { tail: request.tail, follow: request.follow },
        { history: resolve, request: (r) => write(formatRouterLine(r, dynoOf(r.replica))) },
        signal,
      ).catch(reject);
    });
    history.push(routerHistory.map((r) => ({ time: r.time, text: formatRouterLine(r, dynoOf(r.replica)) })));
  }
  // Kept lines of replicas that are gone and of deploys (they never overlap the live containers' lines).
  history.push(readHistory(services.config.dataDir, app).filter((line) => historyWanted(line.text, request)));
  const merged = history
    .flat()
    .sort((a, b) => a.time.localeCompare(b.time))
    .slice(-request.tail);
  for (const { text } of merged) write(text);
  if (!watching) return 0;

  for (const s of sources) if (s.running) follow(s.id, s.labels, request.tail);
  await watching.closed;
  await Promise.all([...follows, routed.catch(() => undefined)]);
  return 0;
}
