import test from 'ava';
import { currentLts, resolveNodeVersion, resolveNpmVersion } from '../../../src/build/node-version.js';

const dist = { tarball: 'https://r/x.tgz', integrity: 'sha512-AAAA' };
const node = {
  versions: Object.fromEntries(['18.20.0', '20.17.0', '20.18.0', '22.1.0', '23.0.0', '24.0.0'].map((v) => [v, { version: v, dist }])),
  time: { '18.20.0': '2024-03-01', '20.17.0': '2024-08-21', '20.18.0': '2024-10-03', '22.1.0': '2024-05-01', '23.0.0': '2024-10-16', '24.0.0': '2025-05-06' },
};

test('an engines.node older than the oldest installable Node is one line naming what to pin', (t) => {
  const old = { ...node, versions: { ...node.versions, '4.9.1': { version: '4.9.1', dist } } };
  t.throws(() => resolveNodeVersion('4.x', old, new Date()), {
    message:
      'package.json engines.node "4.x" asks for Node.js 4.9.1; the oldest this buildpack installs is 14.x: pin engines.node to ">=14", or bring your own Node.js in a Dockerfile',
  });
});

test('engines.node is resolved by semver against the published versions', (t) => {
  t.is(resolveNodeVersion('20.x', node, new Date('2025-01-01')), '20.18.0');
  t.is(resolveNodeVersion('>=18 <21', node, new Date('2025-01-01')), '20.18.0');
  t.throws(() => resolveNodeVersion('>=99', node, new Date()), {
    message: 'package.json engines.node ">=99" matches no published Node.js version (newest: 24.0.0)',
  });
  t.throws(() => resolveNodeVersion('not a range!', node, new Date()), { message: /is not a semver range/ });
});

test('without engines.node the current LTS is the newest even major released over six months ago', (t) => {
  t.is(currentLts(Object.keys(node.versions), node.time, new Date('2025-01-01')), '22.1.0');
  t.is(currentLts(Object.keys(node.versions), node.time, new Date('2025-12-01')), '24.0.0');
  t.is(resolveNodeVersion(undefined, node, new Date('2025-01-01')), '22.1.0');
});

test('npm is the newest version whose engines accept the Node.js version', (t) => {
  const npm = {
    versions: {
      '10.9.0': { version: '10.9.0', engines: { node: '^18.17.0 || >=20.5.0' }, dist },
      '11.6.0': { version: '11.6.0', engines: { node: '^20.17.0 || >=22.9.0' }, dist },
      '12.0.0-pre': { version: '12.0.0-pre', engines: { node: '>=20' }, dist },
    },
  };
  t.is(resolveNpmVersion('20.18.0', npm), '11.6.0');
  t.is(resolveNpmVersion('18.20.0', npm), '10.9.0');
});
