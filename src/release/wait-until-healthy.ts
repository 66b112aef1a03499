// Runs a process's health plan against a new container: HTTP checks, Docker's HEALTHCHECK, and the uptime check.
import http from 'node:http';
import http2 from 'node:http2';
import { PaasError } from '../errors.js';
import { judgeAnswer, type HealthPlan, type HttpCheck } from '../input/healthchecks.js';

const MAX_BODY = 64 * 1024;

/** Why nothing answered: the address could not be reached at all, or it was but nothing listened on the port. */
export type NoAnswer = { unreachable: boolean };

/** Pure: whether a connection error means the address itself is out of reach (not merely a closed port). */
export function isUnreachable(code: string | undefined): boolean {
  return code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT';
}

/** One GET in HTTP/2 without TLS (prior knowledge), as the router speaks to an h2c app. */
function probeH2c(url: string, timeoutMs: number): Promise<{ status: number; body: string } | NoAnswer> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const session = http2.connect(`http://${target.host}`);
    const timer = setTimeout(() => (session.destroy(), resolve({ unreachable: false })), timeoutMs);
    const done = (answer: { status: number; body: string } | NoAnswer) => {
      clearTimeout(timer);
      session.close();
      resolve(answer);
    };
    session.on('error', (err: NodeJS.ErrnoException) => done({ unreachable: isUnreachable(err.code) }));
    const req = session.request({ ':path': `${target.pathname}${target.search}` });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (headers) => (status = Number(headers[':status'] ?? 0)));
    req.on('data', (chunk: string) => {
      if (body.length < MAX_BODY) body += chunk;
    });
    req.on('end', () => done({ status, body }));
    req.on('error', () => done({ unreachable: false }));
  });
}

/** One HTTP GET; resolves with status and (the start of) the body, or how it failed when nothing answered. */
export function probe(url: string, timeoutMs: number, protocol?: 'h2c'): Promise<{ status: number; body: string } | NoAnswer> {
  if (protocol === 'h2c') return probeH2c(url, timeoutMs);
  return new Promise((resolve) => {
    try {
      const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < MAX_BODY) body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', () => resolve({ unreachable: false }));
      });
      let connected = false;
      req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
      // A timeout before the connection was made: no route answered (a SYN unanswered); after it, the app is slow.
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: connected ? 'ANSWER_TIMEOUT' : 'CONNECT_TIMEOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => resolve({ unreachable: isUnreachable(err.code) }));
    } catch {
      // A container that died before it got an address gives no valid URL.
      resolve({ unreachable: false });
    }
  });
}

export interface ContainerHealth {
  running: boolean;
  exitCode: number;
  /** Docker's HEALTHCHECK status when the image declares one. */
  health?: string;
}

export interface HealthTarget {
  /** The container's address on the paas network. */
  ip: string;
  port: number;
  startedAt: number;
  state: () => Promise<ContainerHealth>;
  /** h2c: checked in HTTP/2 without TLS, as the router will speak to it. */
  protocol?: 'h2c';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function exitedError(target: HealthTarget): Promise<void> {
  const state = await target.state();
  if (!state.running) throw new PaasError('PAAS_ERR_UNHEALTHY', `container exited with code ${state.exitCode}`);
}

async function runHttpCheck(target: HealthTarget, check: HttpCheck, deadline: number): Promise<void> {
  const port = check.port ?? target.port;
  const url = `http://${target.ip}:${port}${check.path}`;
  let lastFailure: string | undefined;
  let unreachable = false;
  for (let attempt = 1; check.attempts === 0 || attempt <= check.attempts; attempt++) {
    const answer = await probe(url, check.timeoutSeconds * 1000, target.protocol);
    if ('status' in answer) {
      lastFailure = judgeAnswer(check, answer.status, answer.body);
      if (!lastFailure) return;
    } else unreachable = answer.unreachable;
    await exitedError(target);
    if (Date.now() > deadline) break;
    await sleep(check.waitSeconds * 1000);
  }
  const waited = Math.round((Date.now() - target.startedAt) / 1000);
  if (lastFailure) throw new PaasError('PAAS_ERR_UNHEALTHY', lastFailure);
  throw new PaasError(
    'PAAS_ERR_UNHEALTHY',
    unreachable
      ? `the daemon could not reach the replica's address ${target.ip} (no route, or a route on the host shadows the app network) after ${waited} s`
      : `no answer on port ${port} after ${waited} s`,
  );
}

/** Pure: whether a replica that passed its HTTP checks at `answeredAt` has given enough evidence to count as healthy. */
export function confirmedByAnswers(plan: Required<HealthPlan>, answeredAt: number | undefined, now: number): boolean {
  return plan.confirmSeconds > 0 && answeredAt !== undefined && now - answeredAt >= plan.confirmSeconds * 1000;
}

/** Whether the first HTTP check still gets a good answer (the replica did not fall over after its first). */
async function answersAgain(target: HealthTarget, check: HttpCheck): Promise<boolean> {
  const answer = await probe(`http://${target.ip}:${check.port ?? target.port}${check.path}`, check.timeoutSeconds * 1000, target.protocol);
  return 'status' in answer && judgeAnswer(check, answer.status, answer.body) === undefined;
}

/**
 * Resolves once the container passes `plan`; throws PAAS_ERR_UNHEALTHY saying what was seen
 * (`GET / returned 404, expected 200`, `container exited with code 1`, `no answer on port 5000 after 60 s`).
 * The uptime window counts from the start, alongside the HTTP checks; with `confirmSeconds`, a replica that answered
 * them, still runs that long after and answers again is healthy before the window ends.
 */
export async function waitUntilHealthy(target: HealthTarget, plan: Required<HealthPlan>, deadlineMs: number): Promise<void> {
  const deadline = target.startedAt + deadlineMs;
  for (const check of plan.http) {
    if (check.initialDelaySeconds > 0) await sleep(check.initialDelaySeconds * 1000);
    await runHttpCheck(target, check, deadline);
  }
  const answeredAt = plan.http.length ? Date.now() : undefined;
  let confirmed = false;
  for (;;) {
    const state = await target.state();
    if (!state.running) throw new PaasError('PAAS_ERR_UNHEALTHY', `container exited with code ${state.exitCode}`);
    if (state.health === 'unhealthy') throw new PaasError('PAAS_ERR_UNHEALTHY', 'the image HEALTHCHECK reported unhealthy');
    const healthy = state.health === undefined || state.health === 'healthy';
    const upLongEnough = Date.now() - target.startedAt >= plan.uptimeSeconds * 1000;
    if (healthy && upLongEnough) return;
    if (healthy && !confirmed && confirmedByAnswers(plan, answeredAt, Date.now())) {
      // Evidence: it answered, runs on and answers again. Otherwise the whole window decides.
      if (await answersAgain(target, plan.http[0]!)) {
        if ((await target.state()).running) return;
      }
      confirmed = true;
    }
    if (Date.now() > deadline) {
      throw new PaasError('PAAS_ERR_UNHEALTHY', `the image HEALTHCHECK did not report healthy after ${Math.round(deadlineMs / 1000)} s`);
    }
    await sleep(100);
  }
}
