// Test helper: SSH key pairs made by the real ssh-keygen, as users make them (ssh2's own generator now and then
// writes ed25519 keys that neither ssh2 nor OpenSSH can read).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function newKeyPair(comment = 'test@example'): { private: string; public: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-key-'));
  const file = path.join(dir, 'id');
  const result = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  if (result.status !== 0) throw new Error(`ssh-keygen failed: ${result.stderr}`);
  const pair = { private: fs.readFileSync(file, 'utf8'), public: fs.readFileSync(file + '.pub', 'utf8').trim() };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}
