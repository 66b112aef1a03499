import test from 'ava';
import { csrfMatches, DashboardSessions, sessionCookie, sessionIdOf } from '../../../src/auth/sessions.js';

test('a session is found by its id, stands for its token, and ends when closed', (t) => {
  const sessions = new DashboardSessions();
  const { id, csrf } = sessions.open('hash-of-token');
  t.not(id, csrf);
  t.is(sessions.find(id)?.tokenHash, 'hash-of-token');
  t.is(sessions.find('some-other-id'), undefined);
  t.is(sessions.find(undefined), undefined);
  sessions.close(id);
  t.is(sessions.find(id), undefined);
});

test('an idle session expires after 12 hours; using it starts the idle time again', (t) => {
  let now = 0;
  const sessions = new DashboardSessions(() => now);
  const { id } = sessions.open('h');
  now = 11 * 3600_000;
  t.truthy(sessions.find(id));
  now += 11 * 3600_000;
  t.truthy(sessions.find(id), 'used 11 h ago: still live');
  now += 12 * 3600_000;
  t.is(sessions.find(id), undefined);
});

test('the CSRF token must match exactly', (t) => {
  const sessions = new DashboardSessions();
  const { id, csrf } = sessions.open('h');
  const session = sessions.find(id)!;
  t.true(csrfMatches(session, csrf));
  t.false(csrfMatches(session, csrf.slice(1)));
  t.false(csrfMatches(session, undefined));
  t.false(csrfMatches(session, [csrf]));
});

test('the cookie is HttpOnly and SameSite=Strict (Secure over HTTPS); an empty id clears it', (t) => {
  t.regex(sessionCookie('abc', false), /^paas_session=abc; Path=\/; HttpOnly; SameSite=Strict$/);
  t.regex(sessionCookie('abc', true), /; Secure/);
  t.regex(sessionCookie('', false), /Max-Age=0/);
  t.is(sessionIdOf('other=1; paas_session=abc'), 'abc');
  t.is(sessionIdOf(undefined), undefined);
});
