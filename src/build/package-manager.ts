// Pure: which package manager installs a Node app's dependencies, at which version, as Heroku decides it: the one
// package.json's `packageManager` names (at that version), else the one whose lock file the app commits (yarn,
// pnpm; npm otherwise), at the version `engines` asks for, else the newest of the line that reads that lock file.
// Corepack is not used: its own downloads check signatures this host cannot reach; the named version comes from
// the npm registry by version instead.
import semver from 'semver';
import { PaasError } from '../errors.js';
import type { Packument, PackumentVersion } from './registry.js';

export type PackageManagerKind = 'npm' | 'yarn' | 'yarn-berry' | 'pnpm';

export interface AppPackageFiles {
  packageJson: { packageManager?: unknown; engines?: Record<string, unknown> };
  has: (file: string) => boolean;
  yarnLock?: string | undefined;
  pnpmLock?: string | undefined;
}

export interface PackageManagerChoice {
  kind: PackageManagerKind;
  /** The registry package holding it (npm itself comes with the runtime). */
  registryName?: 'yarn' | '@yarnpkg/cli-dist' | 'pnpm';
  /** A version or a range to resolve against the registry. */
  wanted: string;
  why: string;
  /** The lock file it installs from (frozen), when the app has one. */
  lockFile?: string;
}

const NPM_LOCKS = ['package-lock.json', 'npm-shrinkwrap.json'];

function parsePackageManagerField(value: unknown): { name: string; version: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(npm|yarn|pnpm)@(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)(?:\+[a-z0-9]+\.[0-9a-f]+)?$/.exec(value.trim());
  if (!match) {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `package.json packageManager ${JSON.stringify(value).slice(0, 80)} is not NAME@VERSION (npm, yarn or pnpm, e.g. "pnpm@9.12.0")`,
    );
  }
  return { name: match[1]!, version: match[2]! };
}

/** A yarn.lock written by yarn 2 or later (berry) has a __metadata section; classic's does not. */
export function isBerryLock(yarnLock: string): boolean {
  return /^__metadata:/m.test(yarnLock);
}

/** The pnpm line that reads a pnpm-lock.yaml's lockfileVersion (9.0: pnpm 9 and later; 6.x: pnpm 8; 5.x: pnpm 7). */
export function pnpmLineFor(pnpmLock: string): string {
  const version = /^lockfileVersion:\s*['"]?([0-9.]+)['"]?/m.exec(pnpmLock)?.[1];
  const major = version ? Number(version.split('.')[0]) : 9;
  if (major >= 9) return '>=9';
  if (major >= 6) return '8.x';
  return '7.x';
}

function engine(files: AppPackageFiles, name: string): string | undefined {
  const value = files.packageJson.engines?.[name];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

export function choosePackageManager(files: AppPackageFiles): PackageManagerChoice {
  const named = parsePackageManagerField(files.packageJson.packageManager);
  const berry = files.yarnLock !== undefined && isBerryLock(files.yarnLock);
  const lockOf = (kind: PackageManagerKind): string | undefined =>
    kind === 'npm'
      ? NPM_LOCKS.find((f) => files.has(f))
      : kind === 'pnpm'
        ? files.pnpmLock !== undefined
          ? 'pnpm-lock.yaml'
          : undefined
        : files.yarnLock !== undefined
          ? 'yarn.lock'
          : undefined;
  const withLock = (choice: PackageManagerChoice): PackageManagerChoice => {
    const lock = lockOf(choice.kind);
    return lock ? { ...choice, lockFile: lock } : choice;
  };
  if (named) {
    const why = `packageManager ${named.name}@${named.version}`;
    if (named.name === 'npm') return withLock({ kind: 'npm', wanted: named.version, why });
    if (named.name === 'pnpm') return withLock({ kind: 'pnpm', registryName: 'pnpm', wanted: named.version, why });
    if (semver.major(named.version) >= 2) return withLock({ kind: 'yarn-berry', registryName: '@yarnpkg/cli-dist', wanted: named.version, why });
    return withLock({ kind: 'yarn', registryName: 'yarn', wanted: named.version, why });
  }
  const locks = [
    ...NPM_LOCKS.filter((f) => files.has(f)).slice(0, 1),
    ...(files.yarnLock !== undefined ? ['yarn.lock'] : []),
    ...(files.pnpmLock !== undefined ? ['pnpm-lock.yaml'] : []),
  ];
  if (locks.length > 1) {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `the app commits ${locks.join(' and ')}: keep the lock file of the package manager you use and delete the other (or name it in package.json "packageManager")`,
    );
  }
  if (files.yarnLock !== undefined) {
    const range = engine(files, 'yarn');
    if (berry)
      return withLock({
        kind: 'yarn-berry',
        registryName: '@yarnpkg/cli-dist',
        wanted: range ?? '*',
        why: range ? `engines.yarn ${range}` : 'yarn.lock (yarn 2+)',
      });
    if (range && semver.minVersion(range) && semver.major(semver.minVersion(range)!) >= 2) {
      return withLock({ kind: 'yarn-berry', registryName: '@yarnpkg/cli-dist', wanted: range, why: `engines.yarn ${range}` });
    }
    return withLock({ kind: 'yarn', registryName: 'yarn', wanted: range ?? '1.x', why: range ? `engines.yarn ${range}` : 'yarn.lock' });
  }
  if (files.pnpmLock !== undefined) {
    const range = engine(files, 'pnpm');
    return withLock({
      kind: 'pnpm',
      registryName: 'pnpm',
      wanted: range ?? pnpmLineFor(files.pnpmLock),
      why: range ? `engines.pnpm ${range}` : 'pnpm-lock.yaml',
    });
  }
  return withLock({ kind: 'npm', wanted: '', why: '' });
}

/** The newest stable version of `choice` in the registry that matches what it wants and runs on `nodeVersion`. */
export function resolvePackageManager(choice: PackageManagerChoice, doc: Packument, nodeVersion: string): string {
  const stable = Object.values(doc.versions).filter((v) => semver.valid(v.version) && !semver.prerelease(v.version));
  if (semver.valid(choice.wanted)) {
    if (!doc.versions[choice.wanted]) throw new PaasError('PAAS_ERR_BUILD_FAILED', `${choice.why}: no such version is published (${choice.registryName})`);
    return choice.wanted;
  }
  const matching = stable.filter((v) => semver.satisfies(v.version, choice.wanted));
  const runs = matching.filter((v) => !v.engines?.node || semver.satisfies(nodeVersion, v.engines.node, { loose: true }));
  const best = semver.rsort(runs.map((v) => v.version))[0];
  if (!best) {
    const newest = semver.rsort(matching.map((v) => v.version))[0];
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      newest
        ? `${choice.why} asks for ${choice.kind.replace('-berry', '')} ${choice.wanted}, whose newest (${newest}) does not run on Node.js ${nodeVersion}: raise engines.node`
        : `${choice.why}: no published ${choice.registryName} matches ${choice.wanted}`,
    );
  }
  return best;
}

/** What the failed install printed, as one line saying what to change when it is a lock file out of date. */
export function installFailureLine(kind: PackageManagerKind, lockFile: string | undefined, lines: string[]): string | undefined {
  const text = lines.join('\n');
  const outOfDate =
    /can only install packages when your package\.json and package-lock\.json|are in sync|Missing: .* from lock file/.test(text) ||
    /Your lockfile needs to be updated, but yarn was run with `--frozen-lockfile`/.test(text) ||
    /YN0028|The lockfile would have been (modified|created) by this install/.test(text) ||
    /ERR_PNPM_OUTDATED_LOCKFILE|ERR_PNPM_LOCKFILE_CONFIG_MISMATCH/.test(text);
  if (!outOfDate || !lockFile) return undefined;
  const command = kind === 'npm' ? 'npm install' : kind === 'pnpm' ? 'pnpm install' : 'yarn install';
  return `${lockFile} does not match package.json: run \`${command}\` and commit ${lockFile}`;
}

/** The native build a pnpm release hands over to (pnpm 12 on): its npm package only downloads it at install. */
export const PNPM_NATIVE = '@pnpm/exe.linux-x64';

/**
 * Pure: what to unpack for the chosen version and which file in it is the command: the package's own bin entry,
 * or, for a pnpm that ships as a native binary, that binary's package (fetched and checked like any other, since
 * its own installer refuses packages without a registry signature here).
 */
export function packageManagerBinary(kind: PackageManagerKind, entry: PackumentVersion): { native: boolean; bin: string } {
  const name = kind === 'pnpm' ? 'pnpm' : 'yarn';
  if (kind === 'pnpm' && entry.optionalDependencies?.[PNPM_NATIVE]) return { native: true, bin: 'pnpm' };
  const bin = typeof entry.bin === 'string' ? entry.bin : (entry.bin?.[name] ?? Object.values(entry.bin ?? {})[0]);
  if (!bin) throw new PaasError('PAAS_ERR_BUILD_FAILED', `${name} ${entry.version} names no command in its package`);
  return { native: false, bin: bin.replace(/^\.\//, '') };
}
