// The dashboard on the TCP API port: its built files at / and /assets/, and sign-in (POST /session takes an API
// token and sets the session cookie; GET /session says who is signed in; DELETE /session signs out). Requests
// with the cookie act for the token's caller; a change must also carry the session's CSRF token.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../store/db.js';
import { PaasError } from '../errors.js';
import { SignInLimiter } from '../auth/sign-in-limiter.js';
import { daemonLog } from '../log.js';
import type { Caller } from '../auth/caller.js';
import { callerForToken, callerForTokenHash, refusalOfToken } from '../auth/tokens.js';
import { csrfMatches, DashboardSessions, sessionCookie, sessionIdOf } from '../auth/sessions.js';

/** Where `npm run build` puts the dashboard (dist/web), beside the compiled daemon (dist/src/api). */
/** The dashboard's icon: a rounded square with an arrow up (a push), in SVG. */
const FAVICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3558d6"/>' +
  '<path d="M16 7l-7 8h5v10h4V15h5z" fill="#fff"/></svg>';

const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/** Sent with every dashboard file: no framing (clickjacking), no inline or foreign scripts, no sniffing. */
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** Whether a browser's request comes from another site's page (its Origin names another host than it asked). */
function crossSite(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

function whoIs(caller: Caller, csrf: string) {
  return { name: caller.name, role: caller.kind, apps: caller.kind === 'admin' ? null : caller.apps, csrf };
}

export class DashboardDoor {
  private readonly sessions = new DashboardSessions();
  private readonly files = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly secure: boolean,
    private readonly limiter: SignInLimiter,
  ) {
    // Only the files the build made are served, by exact name: no path from a request reaches the filesystem.
    if (fs.existsSync(WEB_DIR))
      for (const entry of fs.readdirSync(WEB_DIR, { withFileTypes: true })) if (entry.isFile()) this.files.set(entry.name, path.join(WEB_DIR, entry.name));
  }

  /** Answers the dashboard's own requests (files, sign-in); false for every other request. */
  async serve(req: http.IncomingMessage, res: http.ServerResponse, urlPath: string, readBody: () => Promise<unknown>): Promise<boolean> {
    if (req.method === 'GET' && urlPath === '/favicon.ico') {
      // Browsers ask for it on every page: an icon, not an error in their console.
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400', 'x-content-type-options': 'nosniff' });
      res.end(FAVICON);
      return true;
    }
    if (req.method === 'GET' && (urlPath === '/' || urlPath.startsWith('/assets/'))) {
      const name = urlPath === '/' ? 'index.html' : urlPath.slice('/assets/'.length);
      const file = this.files.get(name);
      if (!file) {
        sendJson(res, 404, {
          error: { code: 'PAAS_ERR_NOT_FOUND', message: urlPath === '/' ? 'the dashboard is not built: npm run build' : `no such file ${name}` },
        });
        return true;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...PAGE_HEADERS });
      res.end(fs.readFileSync(file));
      return true;
    }
    if (urlPath !== '/session') return false;
    const id = sessionIdOf(req.headers.cookie);
    if (req.method === 'POST') {
      // No other site's page may sign a browser in (with a token of its choosing).
      if (crossSite(req)) throw new PaasError('PAAS_ERR_PERMISSION_DENIED', 'sign in from the dashboard itself');
      const source = req.socket.remoteAddress ?? 'unknown';
      await this.limiter.check(source);
      const body = (await readBody()) as { token?: unknown } | undefined;
      const found = typeof body?.token === 'string' ? await callerForToken(this.db, body.token.trim()) : undefined;
      if (!found) {
        if (await this.limiter.failed(source)) daemonLog('auth.refused', { door: 'dashboard', remote: source });
        throw new PaasError('PAAS_ERR_UNAUTHENTICATED', await refusalOfToken(this.db, typeof body?.token === 'string' ? body.token.trim() : ''));
      }
      this.sessions.close(id);
      const opened = this.sessions.open(found.hash);
      daemonLog('dashboard.signed_in', { caller: found.caller.name });
      sendJson(res, 200, whoIs(found.caller, opened.csrf), { 'set-cookie': sessionCookie(opened.id, this.secure) });
      return true;
    }
    if (req.method === 'GET') {
      const signedIn = await this.signedIn(req);
      if (!signedIn) throw new PaasError('PAAS_ERR_UNAUTHENTICATED', 'not signed in');
      sendJson(res, 200, whoIs(signedIn.caller, signedIn.csrf));
      return true;
    }
    if (req.method === 'DELETE') {
      await this.callerOfCookie(req);
      this.sessions.close(id);
      sendJson(res, 200, { ok: true }, { 'set-cookie': sessionCookie('', this.secure) });
      return true;
    }
    return false;
  }

  private async signedIn(req: http.IncomingMessage): Promise<{ caller: Caller; csrf: string } | undefined> {
    const session = this.sessions.find(sessionIdOf(req.headers.cookie));
    const caller = session ? await callerForTokenHash(this.db, session.tokenHash) : undefined;
    return session && caller ? { caller, csrf: session.csrf } : undefined;
  }

  /**
   * The caller a request's session cookie stands for, or undefined without one. A request that changes something
   * must also carry the session's CSRF token in `x-csrf-token` (a page on another site can send neither).
   */
  async callerOfCookie(req: http.IncomingMessage): Promise<Caller | undefined> {
    if (!sessionIdOf(req.headers.cookie)) return undefined;
    const session = this.sessions.find(sessionIdOf(req.headers.cookie));
    const caller = session ? await callerForTokenHash(this.db, session.tokenHash) : undefined;
    if (!session || !caller) throw new PaasError('PAAS_ERR_UNAUTHENTICATED', 'the dashboard session has ended: sign in again');
    if (req.method !== 'GET' && req.method !== 'HEAD' && (crossSite(req) || !csrfMatches(session, req.headers['x-csrf-token']))) {
      daemonLog('auth.refused', { door: 'dashboard', caller: caller.name, reason: 'csrf', path: (req.url ?? '').split('?')[0] });
      throw new PaasError('PAAS_ERR_PERMISSION_DENIED', 'the request lacks the session CSRF token: reload the dashboard');
    }
    return caller;
  }
}
