import test from 'ava';
import { currentLts, resolveNodeVersion, resolveNpmVersion } from '../../../src/build/node-version.js';

const dist = { tarball: 'https://r/x.tgz', integrity: 'sha512-AAAA' };
const node = {
  versions: Object.fromEntries(['18.20.0', '20.17.0', '20.18.0', '22.1.0', '23.0.0', '24.0.0'].map((v) => [v, { version: v, dist }])),
  time: { '18.20.0': '2024-03-01', '20.17.0': '2024-08-21', '20.18.0': '2024-10-03', '22.1.0': '2024-05-01', '23.0.0': '2024-10-16', '24.0.0': '2025-05-06' },
};

test('old Node pins are installed as pushed: Node 8 and 12 resolve to their newest releases', (t) => {
  const old = { ...node, versions: { ...node.versions, '8.17.0': { version: '8.17.0', dist }, '12.22.12': { version: '12.22.12', dist } } };
  t.is(resolveNodeVersion('8.x', old, new Date()), '8.17.0');
  t.is(resolveNodeVersion('12.x', old, new Date()), '12.22.12');
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

const npm = {
  versions: Object.fromEntries(
    [
      ['5.10.0', undefined],
      ['6.13.4', undefined],
      ['6.14.16', undefined],
      ['6.14.18', undefined],
      ['10.8.2', '^18.17.0 || >=20.5.0'],
      ['11.3.0', '^20.17.0 || >=22.9.0'],
      ['11.6.2', '^20.17.0 || >=22.9.0'],
      ['11.7.0', '^20.17.0 || >=22.9.0'],
      ['12.1.0', '^22.14.0 || >=24'],
      ['12.2.0-pre', '>=20'],
    ].map(([version, engines]) => [version!, { version: version!, ...(engines ? { engines: { node: engines } } : {}), dist }]),
  ),
};

test('npm is the one the Node.js release shipped with, as on Heroku, not the newest that runs', (t) => {
  t.deepEqual(resolveNpmVersion('12.22.12', npm), { version: '6.14.16', why: 'bundled with Node.js 12.22.12' });
  t.deepEqual(resolveNpmVersion('8.17.0', npm), { version: '6.13.4', why: 'bundled with Node.js 8.17.0' });
  t.is(resolveNpmVersion('18.20.8', npm).version, '10.8.2');
});

test('a Node.js newer than the table gets the newest npm of the last known line, never the next npm major', (t) => {
  const chosen = resolveNpmVersion('26.3.0', npm);
  t.is(chosen.version, '11.7.0');
  t.regex(chosen.why, /npm 11\.x/);
});

test('engines.npm pins npm; a pin that matches nothing is one line', (t) => {
  t.deepEqual(resolveNpmVersion('8.17.0', npm, '5.x'), { version: '5.10.0', why: 'engines.npm 5.x' });
  t.throws(() => resolveNpmVersion('8.17.0', npm, '4.x'), { message: 'package.json engines.npm "4.x" matches no published npm version' });
});
