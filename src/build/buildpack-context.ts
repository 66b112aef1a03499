// The build contexts of a buildpack build: a generated Dockerfile with the buildpack folder (runtime image) or
// the pushed tree under app/ (app image), as one tar stream (nothing is extracted on the host).
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';

function addFolder(pack: tar.Pack, dir: string, prefix: string): void {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const stat = fs.statSync(full);
    const entryName = `${prefix}${name}`;
    if (stat.isDirectory()) {
      pack.entry({ name: entryName + '/', type: 'directory', mode: 0o755 });
      addFolder(pack, full, entryName + '/');
    } else if (stat.isFile()) {
      pack.entry({ name: entryName, mode: stat.mode & 0o777 }, fs.readFileSync(full));
    }
  }
}

/** Packs Dockerfile, buildpack/ (when given) and app/<tree> (when given: a tar stream of the commit). */
export function buildpackContext(dockerfile: string, buildpackDir: string | undefined, tree: Readable | undefined): Readable {
  const pack = tar.pack();
  const output = new PassThrough();
  pack.pipe(output);
  pack.entry({ name: 'Dockerfile', mode: 0o644 }, dockerfile);
  if (buildpackDir) {
    pack.entry({ name: 'buildpack/', type: 'directory', mode: 0o755 });
    addFolder(pack, buildpackDir, 'buildpack/');
  }
  if (!tree) {
    pack.finalize();
    return output;
  }
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    if (!['file', 'directory', 'symlink', 'link'].includes(header.type ?? 'file')) {
      stream.on('end', next);
      stream.resume();
      return;
    }
    const renamed = { ...header, name: `app/${header.name}` };
    if (renamed.linkname && header.type === 'link') renamed.linkname = `app/${header.linkname}`;
    stream.pipe(pack.entry(renamed, (err) => next(err ?? undefined)));
  });
  extract.on('finish', () => pack.finalize());
  extract.on('error', (err) => output.destroy(err));
  tree.on('error', (err) => output.destroy(err));
  tree.pipe(extract);
  return output;
}
