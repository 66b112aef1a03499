// The one implementation behind every door (CLI over the unix socket, remote CLI over TCP, SSH commands):
// find the route of a request, check the caller may use it, run it. Refusals are logged.
import type { Services } from '../services.js';
import { authorize, type Caller, type Scope } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import { daemonLog } from '../log.js';
import { checkAppName } from '../input/app-name.js';
import { withActor } from '../actor.js';
import { recordEvent } from '../store/events.js';
import { findReviewApp } from '../store/review-apps.js';

/** A route's answer that is a stream of lines ending with an exit status (a job followed live, logs). */
export class Streamed {
  constructor(readonly run: (write: (line: string) => void, signal: AbortSignal) => Promise<number>) {}
}

/** A route's answer that is text of its own format (Prometheus metrics), not JSON. */
export class Text {
  constructor(
    readonly body: string,
    readonly contentType: string,
  ) {}
}

/** A route's answer that is a file's bytes (a backup streamed out), not JSON. */
export class Download {
  constructor(readonly file: string) {}
}

export interface RouteContext {
  services: Services;
  caller: Caller;
  /** The path's captures; for app routes the first is the app name, already checked. */
  params: string[];
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: RegExp;
  scope: Scope;
  handler: (ctx: RouteContext) => Promise<unknown>;
  /**
   * What the audit trail calls a request of this route (names only, never values: config vars by name). Every
   * request that changes something is recorded; without this, as METHOD PATH. `false`: not recorded here (a push
   * is recorded by the push itself).
   */
  audit?: ((ctx: RouteContext) => string) | false;
}

function decodeParam(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `malformed path segment ${JSON.stringify(param.slice(0, 40))}`);
  }
}

/** Pure: the route and its captures for a request, or undefined (throws on a malformed %-escape). */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: match.slice(1).map(decodeParam) };
  }
  return undefined;
}

/** Runs a request for `caller`; throws PaasErrors (unknown route, permission denied, or the handler's own). */
export async function dispatch(services: Services, routes: readonly Route[], caller: Caller, method: string, path: string, body: unknown): Promise<unknown> {
  const found = matchRoute(routes, method, path);
  if (!found) throw new PaasError('PAAS_ERR_UNKNOWN_COMMAND', `no such API route: ${method} ${path}`);
  const { route, params } = found;
  const app = route.scope === 'app' ? checkAppName(params[0] ?? '') : undefined;
  // A collaborator of a review app's parent may use the review app as well.
  if (app && caller.kind === 'collaborator' && !caller.apps.includes(app)) {
    const review = await findReviewApp(services.db, { app });
    if (review && caller.apps.includes(review.parent)) caller = { ...caller, apps: [...caller.apps, app] };
  }
  authorizeLogged(caller, route.scope, app, `${method} ${path}`);
  const context = { services, caller, params, body };
  // The work is done for the caller: the jobs it queues and the releases they make say so.
  const result = await withActor(caller.name, () => route.handler(context));
  if (method !== 'GET' && route.audit !== false) {
    const appOfRoute = app ?? /^\/apps\/([a-z0-9-]+)/.exec(path)?.[1] ?? null;
    await recordEvent(services.db, { actor: caller.name, app: appOfRoute, action: route.audit ? route.audit(context) : `${method} ${path}`, detail: '' }).catch(
      (err: unknown) => daemonLog('audit.error', { error: err }),
    );
  }
  return result instanceof Streamed ? new Streamed((write, signal) => withActor(caller.name, () => result.run(write, signal))) : result;
}

/** `authorize`, with every refusal written to the daemon's log. */
export function authorizeLogged(caller: Caller, scope: Scope, app: string | undefined, what: string): void {
  try {
    authorize(caller, scope, app);
  } catch (err) {
    daemonLog('auth.refused', { caller: caller.name, role: caller.kind, request: what });
    throw err;
  }
}
