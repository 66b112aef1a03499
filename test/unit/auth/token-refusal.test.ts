import test from 'ava';
import { tokenRefusal } from '../../../src/auth/tokens.js';
import { parseExpiresIn } from '../../../src/input/token-expiry.js';

const row = { name: 'ci', role: 'admin' as const, apps: [], createdAt: '2026-12-01T00:00:00.000Z' };
const at = new Date('2026-12-07T12:00:00.000Z');

test('a refused token is told apart: unknown, revoked (when) or expired (when), each saying what to do', (t) => {
  t.regex(tokenRefusal(undefined, at)!, /^that API token is not one of this server: make one with paas tokens:create NAME/);
  t.is(
    tokenRefusal({ ...row, revokedAt: '2026-12-05T10:00:00.000Z' }, at),
    'that API token (ci) was revoked at 2026-12-05T10:00:00.000Z: ask an admin for a new one (paas tokens:create NAME on the server)',
  );
  t.regex(tokenRefusal({ ...row, expiresAt: '2026-12-07T11:59:59.000Z' }, at)!, /^that API token \(ci\) expired at 2026-12-07T11:59:59\.000Z: make a new one/);
  t.is(tokenRefusal({ ...row, expiresAt: '2026-12-07T12:00:01.000Z' }, at), undefined, 'accepted until it expires');
  t.is(tokenRefusal(row, at), undefined);
  t.regex(
    tokenRefusal({ ...row, expiresAt: '2026-12-01T00:00:00.000Z', revokedAt: '2026-11-30T00:00:00.000Z' }, at)!,
    /revoked/,
    'revoked says more than expired',
  );
});

test('--expires-in takes minutes, hours or days, from a minute to two years', (t) => {
  t.is(parseExpiresIn('30m'), 1800);
  t.is(parseExpiresIn(' 12h '), 43_200);
  t.is(parseExpiresIn('730d'), 730 * 86400);
  for (const bad of ['0m', '731d', '5y', '1.5h', '', '-1d', '12'])
    t.throws(() => parseExpiresIn(bad), { message: /--expires-in .*: use minutes, hours or days from 1m to 730d/ });
});
