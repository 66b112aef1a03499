// The gateway's host key: generated on first start, kept in the data dir.
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';

/**
 * ssh2's generator now and then (about 4 in 1000) writes an ed25519 key with a short public part that neither its
 * own parser nor OpenSSH accepts;
 * generate again until the key parses.
 */
function generateParsableKeyPair(): { private: string; public: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    if (!(ssh2.utils.parseKey(pair.private) instanceof Error) && !(ssh2.utils.parseKey(pair.public) instanceof Error)) return pair;
  }
  throw new Error('could not generate an SSH host key');
}

/** Reads DATA_DIR/ssh_host_ed25519_key, creating it (mode 0600) when missing. */
export function loadHostKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'ssh_host_ed25519_key');
  if (!fs.existsSync(file)) {
    const pair = generateParsableKeyPair();
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, pair.private, { mode: 0o600 });
    fs.writeFileSync(file + '.pub', pair.public + '\n');
  }
  return fs.readFileSync(file);
}
