// The gateway's host key: generated on first start, kept in the data dir.
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';

/** Reads DATA_DIR/ssh_host_ed25519_key, creating it (mode 0600) when missing. */
export function loadHostKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'ssh_host_ed25519_key');
  if (!fs.existsSync(file)) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, pair.private, { mode: 0o600 });
    fs.writeFileSync(file + '.pub', pair.public + '\n');
  }
  return fs.readFileSync(file);
}
