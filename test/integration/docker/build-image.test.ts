// The classic builder's cache is every image on the engine. Deleting an image (with its untagged parents) while
// another build has just matched one of those parents made that build fail with "unknown parent image ID"; CI saw
// it when one test's app was removed during another's push. The build must go through instead.
import test from 'ava';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import { createDocker } from '../../../src/docker/client.js';
import { buildImage, findImage } from '../../../src/docker/images.js';

const docker = createDocker();
const id = randomBytes(6).toString('hex');
const first = `paas-test-build-${id}:first`;
const second = `paas-test-build-${id}:second`;

test.after.always(async () => {
  for (const ref of [first, second])
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
});

function* zeros(size: number): Generator<Buffer> {
  const chunk = Buffer.alloc(1 << 20);
  for (let left = size; left > 0; left -= chunk.length) yield left >= chunk.length ? chunk : chunk.subarray(0, left);
}

/** A context with a Dockerfile and one file of `size` bytes (zeros), streamed. */
function context(dockerfile: string, file: string, size: number): () => Readable {
  return () => {
    const pack = tarStream.pack();
    pack.entry({ name: 'Dockerfile' }, dockerfile);
    const entry = pack.entry({ name: file, size }, () => pack.finalize());
    Readable.from(zeros(size)).pipe(entry);
    return pack as unknown as Readable;
  };
}

test('a build whose cached step is deleted by another image removal mid-build builds again and succeeds', async (t) => {
  // Both builds share their first two steps; the second reuses the first's RUN step from the cache, then copies a
  // large file. The first image is removed (pruning that shared step's image, which nothing else holds) as soon as
  // the second build reports the cache hit, while its copy is still going.
  const shared = `FROM debian:bookworm-slim\nRUN echo ${id} > /marker\n`;
  await buildImage(docker, context(`${shared}COPY small /small\n`, 'small', 10), { tag: first, labels: {} }, () => undefined);

  const lines: string[] = [];
  let removal: Promise<unknown> | undefined;
  const built = await buildImage(docker, context(`${shared}COPY big /big\n`, 'big', 128 << 20), { tag: second, labels: {} }, (event) => {
    if (event.stream) lines.push(event.stream.trim());
    if (!removal && /Using cache/.test(event.stream ?? '')) removal = docker.getImage(first).remove();
  });
  await removal;

  t.truthy(await findImage(docker, second));
  t.true((await docker.getImage(built).inspect()).Size >= 128 << 20, 'the image holds the file the second build copied');
  t.falsy(await findImage(docker, first));
  t.true(
    lines.some((l) => /deleted meanwhile.*building again/.test(l)),
    `the build was told why it started again; its output was:\n${lines.join('\n')}`,
  );
});
