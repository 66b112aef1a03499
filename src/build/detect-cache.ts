// Detection remembered per daemon for the bundled buildpacks: their bin/detect and bin/release look only at the
// names at the app's root and read a few files (DETECT_INPUTS), so a commit that changes none of those detects as
// the commit before it did, without a container. A custom buildpack may read anything: never cached.
import crypto from 'node:crypto';
import type { Detected } from './detect-buildpack.js';

/** The files the bundled buildpacks' detect and release scripts read (any other root file counts by name only). */
export const DETECT_INPUTS = ['package.json', 'yarn.lock', '.yarnrc.yml', 'go.mod', '.godir', '.gitattributes'];
const SYMLINK = '120000';
const LIMIT = 500;

/** Pure: the key of a detection: the buildpacks tried, and the root's names and modes with the ids of what is read. */
export function detectKey(order: readonly string[], root: readonly { path: string; mode: string; oid: string }[]): string {
  const hash = crypto.createHash('sha256').update(order.join(',')).update('\0');
  for (const e of [...root].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const read = DETECT_INPUTS.includes(e.path) || e.mode === SYMLINK;
    hash.update(`${e.mode} ${e.path} ${read ? e.oid : ''}\0`);
  }
  return hash.digest('hex');
}

/** The last LIMIT detections by key (oldest forgotten first). */
export class DetectCache {
  private readonly entries = new Map<string, Detected>();

  async get(key: string, detect: () => Promise<Detected>): Promise<Detected> {
    const known = this.entries.get(key);
    if (known) {
      this.entries.delete(key);
      this.entries.set(key, known);
      return known;
    }
    const detected = await detect();
    this.entries.set(key, detected);
    if (this.entries.size > LIMIT) this.entries.delete(this.entries.keys().next().value!);
    return detected;
  }
}
