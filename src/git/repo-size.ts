// How much a repository holds on disk: every file under it, a push's quarantined objects included.
import fs from 'node:fs/promises';
import path from 'node:path';

/** The bytes of every file under `dir` (links not followed); a file that vanishes meanwhile counts as 0. */
export async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await diskBytes(full);
    else if (entry.isFile()) total += (await fs.stat(full).catch(() => ({ size: 0 }))).size;
  }
  return total;
}
