// Pure: health checks from app.json (Dokku's schema) and the defaults, and how a check judges an answer.
import { PaasError } from '../errors.js';

export interface HttpCheck {
  name: string;
  path: string;
  /** Text the body must contain. */
  content?: string;
  /** 200 for declared checks; undefined for the default check, which takes any status below 500. */
  expectStatus?: number;
  /** Tries before failing; 0 means: until the deploy deadline. */
  attempts: number;
  timeoutSeconds: number;
  waitSeconds: number;
  initialDelaySeconds: number;
  port?: number;
}

export interface HealthPlan {
  http: HttpCheck[];
  /** The container must stay up this long after it started (absent: the server's default, PAAS_CHECKS_UPTIME). */
  uptimeSeconds?: number;
  /**
   * With HTTP checks and no declared uptime, an answer is evidence: once the checks pass, a replica still running
   * and answering again this long after its first good answer is healthy before its uptime window ends (0: never).
   */
  confirmSeconds?: number;
}

/** How long after its first good answer a replica must still run and answer again, when answers are evidence. */
export const CONFIRM_SECONDS = 0.5;

/** A rollback target already ran healthy as a release, so its containers are watched for at most this long. */
export const ROLLBACK_UPTIME_SECONDS = 1;

/** The check a web process gets when app.json declares none: any status below 500 on /, until the deadline. */
export function defaultWebCheck(): HttpCheck {
  return { name: 'default', path: '/', attempts: 0, timeoutSeconds: 5, waitSeconds: 0.1, initialDelaySeconds: 0 };
}

/** The plan of `process`: the declared one, else the default (HTTP for web, uptime only for the others). */
export function planFor(process: string, declared: Record<string, HealthPlan>, uptimeSeconds: number): Required<HealthPlan> {
  const plan = declared[process];
  const confirm = (http: HttpCheck[], declaredUptime?: number) => (http.length && declaredUptime === undefined ? Math.min(CONFIRM_SECONDS, uptimeSeconds) : 0);
  if (plan) return { http: plan.http, uptimeSeconds: plan.uptimeSeconds ?? uptimeSeconds, confirmSeconds: confirm(plan.http, plan.uptimeSeconds) };
  const http = process === 'web' ? [defaultWebCheck()] : [];
  return { http, uptimeSeconds, confirmSeconds: confirm(http) };
}

/** A JSON syntax error as "FILE line N: message". */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? NaN);
    const line = Number.isNaN(position) ? undefined : text.slice(0, position).split('\n').length;
    throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `${file}${line ? ` line ${line}` : ''}: ${message.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

function num(value: unknown, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json ${where} must be a number of 0 or more`);
  }
  return value;
}

/** Reads app.json's `healthchecks` ({ "web": [ { "path": "/health", "content": "ok", "attempts": 3, ... } ] }). */
export function parseHealthchecks(appJson: unknown): Record<string, HealthPlan> {
  const section = (appJson as { healthchecks?: unknown } | undefined)?.healthchecks;
  if (section === undefined) return {};
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new PaasError('PAAS_ERR_INVALID_APP_JSON', 'app.json healthchecks must map process types to lists of checks');
  }
  const plans: Record<string, HealthPlan> = {};
  for (const [process, checks] of Object.entries(section)) {
    if (!Array.isArray(checks)) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json healthchecks.${process} must be a list`);
    const plan: HealthPlan = { http: [] };
    checks.forEach((raw: Record<string, unknown>, i: number) => {
      const where = `healthchecks.${process}[${i}]`;
      if (typeof raw !== 'object' || raw === null) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json ${where} must be an object`);
      if (raw.type !== undefined && !['startup', 'readiness', 'liveness'].includes(String(raw.type))) {
        throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json ${where}.type must be startup, readiness or liveness`);
      }
      if (raw.type === 'liveness') return;
      if (raw.uptime !== undefined) plan.uptimeSeconds = num(raw.uptime, 0, `${where}.uptime`);
      if (raw.command !== undefined) throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json ${where}: command checks are not supported; use path`);
      if (raw.path === undefined) return;
      if (typeof raw.path !== 'string' || !raw.path.startsWith('/')) {
        throw new PaasError('PAAS_ERR_INVALID_APP_JSON', `app.json ${where}.path must start with "/"`);
      }
      plan.http.push({
        name: typeof raw.name === 'string' ? raw.name : `${process} check ${i + 1}`,
        path: raw.path,
        ...(typeof raw.content === 'string' ? { content: raw.content } : {}),
        expectStatus: 200,
        attempts: Math.max(1, Math.floor(num(raw.attempts, 5, `${where}.attempts`))),
        timeoutSeconds: num(raw.timeout, 5, `${where}.timeout`),
        waitSeconds: num(raw.wait, 5, `${where}.wait`),
        initialDelaySeconds: num(raw.initialDelay, 0, `${where}.initialDelay`),
        ...(raw.port !== undefined ? { port: num(raw.port, 0, `${where}.port`) } : {}),
      });
    });
    plans[process] = plan;
  }
  return plans;
}

/** Why an answer fails `check`, or undefined when it passes. */
export function judgeAnswer(check: HttpCheck, status: number, body: string): string | undefined {
  if (check.expectStatus === undefined) {
    return status < 500 ? undefined : `GET ${check.path} returned ${status}, expected a status below 500`;
  }
  if (status !== check.expectStatus) return `GET ${check.path} returned ${status}, expected ${check.expectStatus}`;
  if (check.content !== undefined && !body.includes(check.content)) {
    return `GET ${check.path} returned ${status} without the expected content ${JSON.stringify(check.content)}`;
  }
  return undefined;
}
