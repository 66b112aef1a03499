// A read-mostly fs for isomorphic-git that also sees a push in progress: while pre-receive runs, git keeps the
// pushed objects in a quarantine directory (GIT_OBJECT_DIRECTORY) until the hook accepts them.
import fs from 'node:fs';
import path from 'node:path';

type Promises = typeof fs.promises;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR';
}

/**
 * An fs whose reads under `<repo>/objects/` look in `quarantine` first and then in the repository's own object
 * store; directory listings are the union of both. Without a quarantine it is the plain fs.
 */
export function quarantineFs(repo: string, quarantine: string | undefined): { promises: Promises } {
  if (!quarantine) return fs;
  const objects = path.join(repo, 'objects') + path.sep;
  const inQuarantine = (p: string) => (p.startsWith(objects) ? path.join(quarantine, p.slice(objects.length)) : undefined);
  const firstFound =
    <T>(read: (p: string) => Promise<T>) =>
    async (p: string, ...rest: unknown[]): Promise<T> => {
      const q = inQuarantine(String(p));
      if (q) {
        try {
          return await (read as (p: string, ...r: unknown[]) => Promise<T>)(q, ...rest);
        } catch (err) {
          if (!isMissing(err)) throw err;
        }
      }
      return (read as (p: string, ...r: unknown[]) => Promise<T>)(String(p), ...rest);
    };
  return {
    promises: {
      ...fs.promises,
      readFile: firstFound(fs.promises.readFile) as Promises['readFile'],
      stat: firstFound(fs.promises.stat) as Promises['stat'],
      lstat: firstFound(fs.promises.lstat) as Promises['lstat'],
      readdir: (async (p: string) => {
        const names = new Set<string>();
        for (const dir of [inQuarantine(String(p)), String(p)]) {
          if (!dir) continue;
          try {
            for (const name of await fs.promises.readdir(dir)) names.add(name);
          } catch (err) {
            if (!isMissing(err)) throw err;
          }
        }
        if (names.size === 0 && !fs.existsSync(String(p))) return fs.promises.readdir(String(p));
        return [...names];
      }) as Promises['readdir'],
    },
  };
}
