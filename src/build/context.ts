// The build context: the pushed tree as a tar stream, with .dockerignore applied by @balena/dockerignore.
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import dockerignoreModule, { type Ignore } from '@balena/dockerignore';
import tar from 'tar-stream';

// The package is CommonJS (module.exports = factory) while its types declare a default export.
const dockerignore = (dockerignoreModule as unknown as { default?: () => Ignore }).default ?? (dockerignoreModule as unknown as () => Ignore);

/** Files Docker always sends, whatever .dockerignore says. */
const ALWAYS_SENT = new Set(['Dockerfile', '.dockerignore']);

/** A predicate saying which context paths to keep, from the text of a .dockerignore (absent: keep all). */
export function contextFilter(dockerignoreText: string | undefined): (path: string) => boolean {
  if (!dockerignoreText) return () => true;
  const patterns = dockerignoreText
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const ignore = dockerignore().add(patterns);
  return (path) => {
    const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
    if (clean === '' || ALWAYS_SENT.has(clean)) return true;
    return !ignore.ignores(clean);
  };
}

/** Changes to the context beyond filtering: a file's content replaced (the Dockerfile rewritten), files added. */
export interface ContextEdits {
  replace?: Record<string, string>;
  add?: { name: string; content: string }[];
}

/** Re-packs a tar stream keeping only the entries `keep` accepts (regular files, dirs and links), with `edits`. */
export function filterTar(input: Readable, keep: (path: string) => boolean, edits: ContextEdits = {}): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  const output = new PassThrough();
  extract.on('entry', (header, stream, next) => {
    const wanted = ['file', 'directory', 'symlink', 'link'].includes(header.type ?? 'file') && keep(header.name);
    const replacement = edits.replace?.[header.name.replace(/^\.\//, '')];
    if (!wanted || (replacement !== undefined && (header.type ?? 'file') === 'file')) {
      stream.on('end', () => {
        if (wanted && replacement !== undefined)
          pack.entry({ ...header, size: Buffer.byteLength(replacement) }, replacement, (err) => (err ? next(err) : next()));
        else next();
      });
      stream.resume();
      return;
    }
    const entry = pack.entry(header, (err) => (err ? next(err) : next()));
    stream.pipe(entry);
  });
  extract.on('finish', () => {
    for (const file of edits.add ?? []) pack.entry({ name: file.name, mode: 0o644 }, file.content);
    pack.finalize();
  });
  pipeline(input, extract).catch((err) => output.destroy(err));
  pack.on('error', (err) => output.destroy(err));
  pack.pipe(output);
  return output;
}
