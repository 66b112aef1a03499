import test from 'ava';
import { checkWebhookEvents, checkWebhookUrl, isPrivateAddress, signature } from '../../../src/webhooks/webhook-input.js';

test('webhook URLs are http(s) with no credentials in them; events are release, build, ci, promote', (t) => {
  t.is(checkWebhookUrl('https://hooks.example.com/paas?x=1').host, 'hooks.example.com');
  for (const bad of ['ftp://x/', 'file:///etc/passwd', 'https://user:pw@x/', 'not a url'])
    t.throws(() => checkWebhookUrl(bad), { message: /is not a URL|a webhook URL is http/ });
  t.deepEqual(checkWebhookEvents(undefined), ['release', 'build', 'ci', 'promote']);
  t.deepEqual(checkWebhookEvents('build, release,build'), ['build', 'release']);
  t.throws(() => checkWebhookEvents('deploy'), { message: 'unknown webhook event "deploy": use release, build, ci, promote' });
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
    '192.0.2.7',
    '198.51.100.1',
    '203.0.113.200',
    '198.19.255.1',
    '192.0.0.170',
    '64:ff9b::8.8.8.8',
    '2001:db8::5',
    '2002:808:808::1',
    '::ffff:10.1.2.3',
    '100.100.0.1',
    '255.255.255.255',
    '240.0.0.1',
  ])
    t.true(isPrivateAddress(address), address);
  for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700::1111']) t.false(isPrivateAddress(address), address);
  // The host's own addresses, whatever their range, in either spelling.
  t.true(isPrivateAddress('93.184.216.34', ['10.0.0.1', '93.184.216.34']));
  t.true(isPrivateAddress('2606:4700:0::1111', ['2606:4700::1111']));
  t.false(isPrivateAddress('93.184.216.35', ['93.184.216.34']));
});
