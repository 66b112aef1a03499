import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { loadHostKey } from '../../../src/ssh/host-key.js';

test('the host key is made once, parses, and is kept across starts', (t) => {
  for (let i = 0; i < 200; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-hostkey-'));
    const key = loadHostKey(dir);
    t.false(ssh2.utils.parseKey(key) instanceof Error);
    if (i === 0) {
      t.deepEqual(loadHostKey(dir), key, 'the same key on the next start');
      t.is(fs.statSync(path.join(dir, 'ssh_host_ed25519_key')).mode & 0o777, 0o600);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
