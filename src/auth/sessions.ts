// The dashboard's sign-ins: an API token exchanged for a random session id (kept in an HttpOnly, SameSite=Strict
// cookie) and a CSRF token every change must carry. In memory: a daemon restart signs everyone out. A session
// stands for its token, looked up again on every request, so deleting the token ends its sessions at once.
import crypto from 'node:crypto';
import { parse, serialize } from 'cookie';

export const SESSION_COOKIE = 'paas_session';

export interface Session {
  tokenHash: string;
  csrf: string;
  expiresAt: number;
}

/** Idle sessions end after this long. */
const IDLE_MS = 12 * 60 * 60 * 1000;
/** At most this many sessions are kept; the one used longest ago goes first. */
const MAX_SESSIONS = 1000;

export class DashboardSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session for the token with hash `tokenHash`: its id (for the cookie) and CSRF token. */
  open(tokenHash: string): { id: string; csrf: string } {
    const id = crypto.randomBytes(32).toString('base64url');
    const csrf = crypto.randomBytes(32).toString('base64url');
    this.sessions.set(id, { tokenHash, csrf, expiresAt: this.now() + IDLE_MS });
    if (this.sessions.size > MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    return { id, csrf };
  }

  /** The live session of `id` (its idle time starts again), or undefined. */
  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    // Re-inserted: the map's order is the order of last use.
    this.sessions.delete(id);
    session.expiresAt = this.now() + IDLE_MS;
    this.sessions.set(id, session);
    return session;
  }

  close(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }
}

/** The session id a request's Cookie header carries, if any. */
export function sessionIdOf(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** The Set-Cookie header that stores `id` (an empty id clears it). */
export function sessionCookie(id: string, secure: boolean): string {
  return serialize(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'strict', path: '/', secure, ...(id ? {} : { maxAge: 0 }) });
}

/** Whether `given` is the session's CSRF token (compared in constant time). */
export function csrfMatches(session: Session, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(session.csrf);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
