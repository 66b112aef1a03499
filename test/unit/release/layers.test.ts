import test from 'ava';
import { compareLayers, formatBytes } from '../../../src/release/layers.js';
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
    layersWithSizes(['sha256:a', 'sha256:b'], history).map((l) => l.size),
    [-1, -1],
    'unknown rather than wrong',
  );
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
