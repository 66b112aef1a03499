import test from 'ava';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { contextFilter, filterTar } from '../../../src/build/context.js';

function tarOf(files: Record<string, string>): Readable {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  return pack as unknown as Readable;
}

async function namesIn(stream: Readable): Promise<string[]> {
  const extract = tar.extract();
  const names: string[] = [];
  extract.on('entry', (header, entry, next) => {
    names.push(header.name);
    entry.on('end', next);
    entry.resume();
  });
  const done = new Promise((resolve, reject) => {
    extract.on('finish', () => resolve(undefined));
    extract.on('error', reject);
  });
  stream.pipe(extract);
  await done;
  return names.sort();
}

test('.dockerignore patterns leave files out of the context, Dockerfile and .dockerignore always go', async (t) => {
  const keep = contextFilter('# comment\nsecret.txt\n*.md\nnode_modules\nDockerfile\n.dockerignore\n!KEEP.md\n');
  const files = {
    Dockerfile: 'FROM x',
    '.dockerignore': 'secret.txt',
    'index.html': 'hi',
    'secret.txt': 's',
    'README.md': 'r',
    'KEEP.md': 'k',
    'node_modules/a/index.js': 'x',
    'src/app.js': 'y',
  };
  t.deepEqual(await namesIn(filterTar(tarOf(files), keep)), ['.dockerignore', 'Dockerfile', 'KEEP.md', 'index.html', 'src/app.js']);
});

test('without a .dockerignore everything goes', async (t) => {
  t.deepEqual(await namesIn(filterTar(tarOf({ a: '1', 'b/c': '2' }), contextFilter(undefined))), ['a', 'b/c']);
});
