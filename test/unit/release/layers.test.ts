import test from 'ava';
import { compareLayers, formatBytes, layersLine } from '../../../src/release/layers.js';
import { layersWithSizes } from '../../../src/docker/layers.js';

test('layer sizes come from the history entries that made layers, in order', (t) => {
  const history = [
    { CreatedBy: '/bin/sh -c #(nop)  LABEL paas.release=2', Size: 0 },
    { CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]', Size: 0 },
    { CreatedBy: '/bin/sh -c #(nop) COPY file:abc in /www/index.html ', Size: 14 },
    { CreatedBy: '/bin/sh -c #(nop) WORKDIR /www', Size: 0 },
    { CreatedBy: '', Size: 177_000_000 },
  ];
  t.deepEqual(layersWithSizes(['sha256:base', 'sha256:workdir', 'sha256:copy'], history), [
    { digest: 'sha256:base', size: 177_000_000 },
    { digest: 'sha256:workdir', size: 0 },
    { digest: 'sha256:copy', size: 14 },
  ]);
  t.deepEqual(
    layersWithSizes(['sha256:a'], history).map((l) => l.size),
    [-1],
    'unknown rather than wrong',
  );
});

test("each step's layer count, when the host has it, pairs sizes exactly, whatever the steps wrote", (t) => {
  const history = [
    { CreatedBy: '/bin/sh -c #(nop)  CMD ["node","server.js"]', Size: 0, Layers: 4 },
    { CreatedBy: '/bin/sh -c #(nop) COPY dir:app in /srv ', Size: 212_000, Layers: 4 },
    { CreatedBy: '/bin/sh -c rm -rf /tmp/cache', Size: 0, Layers: 3 },
    { CreatedBy: '/bin/sh -c #(nop) WORKDIR /srv', Size: 0, Layers: 2 },
    { CreatedBy: '/bin/sh -c mkdir /srv', Size: 0, Layers: 2 },
    { CreatedBy: '', Size: 177_000_000, Layers: 1 },
  ];
  // mkdir and rm made layers of 0 bytes (a folder, a whiteout), WORKDIR none: the counts say which.
  t.deepEqual(
    layersWithSizes(['sha256:base', 'sha256:mkdir', 'sha256:rm', 'sha256:app'], history).map((l) => l.size),
    [177_000_000, 0, 0, 212_000],
  );
});

test('BuildKit’s history (instructions as written, metadata steps included) pairs its layers too', (t) => {
  const history = [
    { CreatedBy: 'CMD ["sh" "-c" "exec busybox httpd -f -p ${PORT:-8080}"]', Size: 0 },
    { CreatedBy: 'EXPOSE map[8080/tcp:{}]', Size: 0 },
    { CreatedBy: 'RUN |2 APP_ENV=production RELEASE_NOTE=x /bin/sh -c mkdir -p /srv/public', Size: 45 },
    { CreatedBy: 'WORKDIR /srv', Size: 0 },
    { CreatedBy: 'ARG RELEASE_NOTE', Size: 0 },
    { CreatedBy: 'ARG APP_ENV=development', Size: 0 },
    { CreatedBy: '', Size: 177_000_000 },
  ];
  t.deepEqual(layersWithSizes(['sha256:base', 'sha256:workdir', 'sha256:run'], history), [
    { digest: 'sha256:base', size: 177_000_000 },
    { digest: 'sha256:workdir', size: 0 },
    { digest: 'sha256:run', size: 45 },
  ]);
});

test('a step that wrote nothing leaves no layer, and the sizes still pair', (t) => {
  const history = [
    { CreatedBy: '/bin/sh -c #(nop)  CMD ["node","server.js"]', Size: 0 },
    { CreatedBy: '/bin/sh -c #(nop) COPY dir:app in /srv ', Size: 212_000 },
    { CreatedBy: '/bin/sh -c #(nop) WORKDIR /srv', Size: 0 },
    { CreatedBy: '/bin/sh -c npm ci', Size: 48_000_000 },
    { CreatedBy: '/bin/sh -c #(nop) WORKDIR /srv', Size: 0 },
    { CreatedBy: '/bin/sh -c mkdir /srv', Size: 0 },
    { CreatedBy: '', Size: 177_000_000 },
  ];
  // Without the steps' images, by position: none of the empty steps made a layer, so sizes pair in order.
  t.deepEqual(
    layersWithSizes(['sha256:base', 'sha256:deps', 'sha256:app'], history).map((l) => l.size),
    [177_000_000, 48_000_000, 212_000],
  );
  // One of them did, which one cannot be told: the layers outside them still get their sizes.
  t.deepEqual(
    layersWithSizes(['sha256:base', 'sha256:x', 'sha256:deps', 'sha256:app'], history).map((l) => l.size),
    [177_000_000, -1, -1, 212_000],
  );
});

test('the deploy line says when a new layer has no known size, never "0 B" for content', (t) => {
  const diff = (sizes: number[]) =>
    compareLayers(
      [],
      sizes.map((size, i) => ({ digest: `d${i}`, size })),
    );
  t.is(layersLine(diff([1_400_000, 212_000])), 'Layers: 0 reused, 2 new (1.6 MB)');
  t.is(layersLine(diff([1_400_000, -1])), 'Layers: 0 reused, 2 new (1.4 MB + 1 of unknown size)');
  t.is(layersLine(diff([-1])), 'Layers: 0 reused, 1 new (size unknown)');
});

test('a code-only change shares every layer but the last', (t) => {
  const v1 = [
    { digest: 'base', size: 100 },
    { digest: 'deps', size: 50 },
    { digest: 'app1', size: 3 },
  ];
  const v2 = [
    { digest: 'base', size: 100 },
    { digest: 'deps', size: 50 },
    { digest: 'app2', size: 212_000 },
  ];
  t.deepEqual(compareLayers(v1, v2), { reused: 2, added: [v2[2]!], removed: [v1[2]!], newBytes: 212_000 });
  t.is(compareLayers([], v1).reused, 0);
});

test('sizes read like docker prints them', (t) => {
  t.is(formatBytes(999), '999 B');
  t.is(formatBytes(212_000), '212 KB');
  t.is(formatBytes(1_400_000), '1.4 MB');
  t.is(formatBytes(-1), 'unknown size');
});
