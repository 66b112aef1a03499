import test from 'ava';
import semver from 'semver';
import { BUNDLED_NPM, bundledNpm } from '../../../src/build/npm-bundled.js';

test('every Node.js major from 0.8 to the table’s last has the npm it shipped with', (t) => {
  const majors = new Set(BUNDLED_NPM.map(([node]) => (semver.major(node) === 0 ? `0.${semver.minor(node)}` : String(semver.major(node)))));
  for (let major = 4; major <= 25; major++) t.true(majors.has(String(major)), `Node ${major}`);
  t.deepEqual(bundledNpm('14.21.3'), { npm: '6.14.18', exact: true });
  t.deepEqual(bundledNpm('16.5.0'), { npm: '7.10.0', exact: true }, 'within a major: the row at or before it');
  t.deepEqual(bundledNpm('0.10.48'), { npm: '2.15.1', exact: true });
  t.deepEqual(bundledNpm('27.0.0'), { npm: '^11.6.2', exact: false });
});

test('the table is in order, one row per release, each a valid version', (t) => {
  for (const [node, npm] of BUNDLED_NPM) t.truthy(semver.valid(node) && semver.valid(npm), `${node} ${npm}`);
  const nodes = BUNDLED_NPM.map(([node]) => node);
  t.deepEqual([...nodes].sort(semver.compare), nodes);
});
