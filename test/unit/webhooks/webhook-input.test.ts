import test from 'ava';
import { checkWebhookEvents, checkWebhookUrl, isPrivateAddress, signature } from '../../../src/webhooks/webhook-input.js';

test('webhook URLs are http(s) with no credentials in them; events are release, build, ci', (t) => {
  t.is(checkWebhookUrl('https://hooks.example.com/paas?x=1').host, 'hooks.example.com');
  for (const bad of ['ftp://x/', 'file:///etc/passwd', 'https://user:pw@x/', 'not a url'])
    t.throws(() => checkWebhookUrl(bad), { message: /is not a URL|a webhook URL is http/ });
  t.deepEqual(checkWebhookEvents(undefined), ['release', 'build', 'ci']);
  t.deepEqual(checkWebhookEvents('build, release,build'), ['build', 'release']);
  t.throws(() => checkWebhookEvents('deploy'), { message: 'unknown webhook event "deploy": use release, build, ci' });
});

test('a delivery is signed with HMAC-SHA256 over the exact body', (t) => {
  t.is(signature('key', 'The quick brown fox jumps over the lazy dog'), 'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  t.not(signature('s3cret', '{"a":1}'), signature('s3cret', '{"a":2}'));
  t.not(signature('s3cret', '{"a":1}'), signature('other', '{"a":1}'));
});

test("private addresses: the host, the apps' networks, link-local metadata, mapped IPv4", (t) => {
  for (const address of [
    '127.0.0.1',
    '10.231.4.2',
    '172.17.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '0.0.0.0',
    'nonsense',
  ])
    t.true(isPrivateAddress(address), address);
  for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700::1111']) t.false(isPrivateAddress(address), address);
});
