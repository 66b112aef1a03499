import test from 'ava';
import { newKeyPair } from '../_ssh-keys.js';
import { parsePublicKey } from '../../src/keys.js';

test('an OpenSSH public key line is parsed and fingerprinted like ssh-keygen -l', (t) => {
  const pair = newKeyPair('me@laptop');
  const key = parsePublicKey(pair.public + '\n');
  t.is(key.type, 'ssh-ed25519');
  t.regex(key.fingerprint, /^SHA256:[A-Za-z0-9+/]{43}$/);
  t.true(pair.public.startsWith(key.publicKey));
});

test('private keys, garbage and several lines are refused', (t) => {
  const pair = newKeyPair();
  for (const text of [pair.private, 'ssh-ed25519 notbase64', '', `${pair.public}\n${pair.public}`]) {
    const error = t.throws(() => parsePublicKey(text));
    t.is((error as { code?: string }).code, 'PAAS_ERR_INVALID_KEY');
  }
});
