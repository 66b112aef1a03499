import test from 'ava';
import { certViews } from '../../../src/tls/cert-view.js';
import { dueHosts, needsRenewal } from '../../../src/tls/cert-info.js';
import { appHostnames } from '../../../src/tls/hostnames.js';
import { ChallengeStore } from '../../../src/tls/challenges.js';
import { httpsLocation } from '../../../src/router/proxy.js';
import type { CertRow } from '../../../src/store/certificates.js';

const now = new Date('2026-11-22T00:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000).toISOString();
const row = (host: string, fields: Partial<CertRow>): CertRow => ({
  host,
  app: 'shop',
  source: 'acme',
  certPem: 'PEM',
  keyPem: 'KEY',
  issuer: 'Pebble',
  notAfter: days(90),
  error: null,
  errorAt: null,
  updatedAt: now.toISOString(),
  ...fields,
});

test('certificates are renewed 30 days ahead, missing ones at once, hand-installed ones never', (t) => {
  t.true(needsRenewal(null, now, 30));
  t.true(needsRenewal(new Date(days(29)), now, 30));
  t.false(needsRenewal(new Date(days(31)), now, 30));
  const certs = [
    row('a.example.com', { notAfter: days(10) }),
    row('b.example.com', {}),
    row('c.example.com', { source: 'manual', notAfter: days(1) }),
    row('d.example.com', { certPem: null, notAfter: null, error: 'boom' }),
  ];
  t.deepEqual(dueHosts(['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com'], certs, now, 30), [
    'a.example.com',
    'd.example.com',
    'e.example.com',
  ]);
});

test('certs shows each hostname with its status and last failure, never a key', (t) => {
  const views = certViews(
    ['a.example.com', 'b.example.com', 'new.example.com'],
    [
      row('a.example.com', { notAfter: days(10), error: 'renewal failed', errorAt: now.toISOString() }),
      row('b.example.com', { certPem: null, notAfter: null, error: 'NXDOMAIN' }),
    ],
    now,
    30,
  );
  t.deepEqual(
    views.map((v) => [v.host, v.status, v.error]),
    [
      ['a.example.com', 'expiring', 'renewal failed'],
      ['b.example.com', 'failed', 'NXDOMAIN'],
      ['new.example.com', 'none', null],
    ],
  );
  t.false(JSON.stringify(views).includes('KEY'));
});

test("an app's certificate hostnames leave out names under localhost", (t) => {
  t.deepEqual(appHostnames('shop', 'paas.example.com', ['www.shop.com']), ['shop.paas.example.com', 'www.shop.com']);
  t.deepEqual(appHostnames('shop', 'localhost', ['www.shop.com']), ['www.shop.com']);
});

test('challenge answers are served for known tokens only; HTTPS redirects keep path and query', (t) => {
  const challenges = new ChallengeStore();
  challenges.set('tok', 'tok.thumb');
  t.is(challenges.answer('/.well-known/acme-challenge/tok'), 'tok.thumb');
  t.is(challenges.answer('/.well-known/acme-challenge/other'), undefined);
  t.true(ChallengeStore.isChallengePath('/.well-known/acme-challenge/other'));
  t.false(ChallengeStore.isChallengePath('/index.html'));
  challenges.delete('tok');
  t.is(challenges.answer('/.well-known/acme-challenge/tok'), undefined);
  t.is(httpsLocation('Shop.Example.com:8080', '/a?b=1', 443), 'https://shop.example.com/a?b=1');
  t.is(httpsLocation('shop.example.com', '/', 8443), 'https://shop.example.com:8443/');
});
