// `paas stack:build`: the local base image, made with debootstrap and imported through the Engine API (no registry).
import { LABEL } from '../docker/names.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DockerClient } from '../docker/client.js';
import { buildImage, dockerfileContext, findImage, importImage, tagImage } from '../docker/images.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';

/** The Debian releases images are built on: bookworm (the stack's) and trixie, for newer service versions. */
export type DebianSuite = 'bookworm' | 'trixie';

export const STACK_IMAGE = { repo: 'paas/stack', tag: 'bookworm' };
/** Where debootstrap fetches Debian from unless told otherwise (`--mirror`, PAAS_DEBIAN_MIRROR). */
export const DEFAULT_MIRROR = 'http://deb.debian.org/debian';
/** Familiar names the stack is also tagged under, so ordinary Dockerfiles build without a registry. */
export const STACK_ALIASES = [
  { repo: 'debian', tag: 'bookworm' },
  { repo: 'debian', tag: 'bookworm-slim' },
];
/** Packages added to minbase: CA certificates for TLS, busybox for small tools (httpd, wget, nc). */
export const STACK_PACKAGES = ['ca-certificates', 'busybox'];
const HOST_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * The layer buildpack apps run on, over the base: what Heroku's stack carries for apps that bring no runtime of
 * their own or whose runtime links against it (Node.js needs libatomic; .null apps run python3; native modules
 * want libstdc++, OpenSSL, zlib, libpq, SQLite, libxml2, libyaml, libffi). Built once, shared by every buildpack
 * app; a change to the list is a new version, so `stack:build` builds it again.
 */
export const APPS_STACK_PACKAGES = [
  'libatomic1',
  'libstdc++6',
  'libgomp1',
  'libssl3',
  'openssl',
  'zlib1g',
  'libpq5',
  'libsqlite3-0',
  'libxml2',
  'libyaml-0-2',
  'libffi8',
  'python3',
  'tzdata',
  'curl',
  'procps',
  'netbase',
  'xz-utils',
];
export const APPS_STACK_IMAGE = { repo: 'paas/stack', tag: 'bookworm-apps-1' };

/** Pure: the Dockerfile of the apps layer. */
export function appsStackDockerfile(): string {
  return [
    `FROM ${STACK_IMAGE.repo}:${STACK_IMAGE.tag}`,
    `RUN apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${APPS_STACK_PACKAGES.join(' ')} && rm -rf /var/lib/apt/lists/*`,
    '',
  ].join('\n');
}

async function buildAppsStack(docker: DockerClient, out: LineSink): Promise<void> {
  const ref = `${APPS_STACK_IMAGE.repo}:${APPS_STACK_IMAGE.tag}`;
  if (await findImage(docker, ref)) return void out.step(`Apps stack ${ref} exists; reusing it`);
  out.step(`Building the apps stack ${ref} (${APPS_STACK_PACKAGES.join(', ')})`);
  try {
    await buildImage(docker, dockerfileContext(appsStackDockerfile()), { tag: ref, labels: { [LABEL.stack]: 'apps' } }, (event) => {
      const line = event.stream?.trim();
      if (line && /^(Step|Setting up|E:)/.test(line)) out.detail(line);
    });
  } catch (err) {
    throw new PaasError('PAAS_ERR_STACK_BUILD_FAILED', `apps stack build failed: ${(err as Error).message}`, { cause: err });
  }
}

/** The debootstrap argv for the stack's root filesystem. */
export function debootstrapArgs(dir: string, mirror: string, suite: DebianSuite = 'bookworm'): string[] {
  return ['--variant=minbase', `--include=${STACK_PACKAGES.join(',')}`, suite, dir, mirror];
}

/** Which debootstrap lines are worth showing: its phases and problems, not one line per package. */
export function debootstrapProgress(line: string): boolean {
  if (/^[EW]: /.test(line)) return true;
  return /^I: /.test(line) && !/^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) \S+( \S+)?$/.test(line);
}

function run(command: string, args: string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const take = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-2000);
      for (const line of text.split('\n')) if (debootstrapProgress(line)) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${tail.trim().split('\n').pop()}`))));
  });
}

/** Copies the host's CA bundle into the root filesystem, so TLS through an intercepting proxy works in builds. */
function carryHostCaBundle(root: string): void {
  if (!fs.existsSync(HOST_CA_BUNDLE)) return;
  fs.copyFileSync(HOST_CA_BUNDLE, path.join(root, 'etc/ssl/certs/ca-certificates.crt'));
  fs.mkdirSync(path.join(root, 'usr/local/share/ca-certificates'), { recursive: true });
  fs.copyFileSync(HOST_CA_BUNDLE, path.join(root, 'usr/local/share/ca-certificates/paas-host-bundle.crt'));
}

/** Bootstraps Debian `suite` (minbase and the stack's packages) and imports it as `repo:tag`. */
async function bootstrapImage(docker: DockerClient, out: LineSink, suite: DebianSuite, mirror: string, image: { repo: string; tag: string }): Promise<void> {
  const ref = `${image.repo}:${image.tag}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-stack-'));
  const root = path.join(dir, 'root');
  try {
    out.step(`Bootstrapping Debian ${suite} (minbase + ${STACK_PACKAGES.join(', ')}) from ${mirror}`);
    await run('debootstrap', debootstrapArgs(root, mirror, suite), (line) => out.detail(line));
    fs.rmSync(path.join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
    fs.mkdirSync(path.join(root, 'var/cache/apt/archives/partial'), { recursive: true });
    carryHostCaBundle(root);
    out.step(`Importing the root filesystem as ${ref}`);
    const tar = spawn('tar', ['-C', root, '--numeric-owner', '-cf', '-', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await importImage(docker, tar.stdout, image.repo, image.tag);
  } catch (err) {
    throw new PaasError('PAAS_ERR_STACK_BUILD_FAILED', `stack build failed: ${(err as Error).message}`, { cause: err });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The base image of another Debian suite (paas/stack:trixie, for newer service versions), bootstrapped the first
 * time something needs it, from the mirror `PAAS_DEBIAN_MIRROR` names (Debian's own by default).
 */
export async function ensureSuiteStack(docker: DockerClient, suite: DebianSuite, out: LineSink): Promise<void> {
  const image = { repo: STACK_IMAGE.repo, tag: suite };
  if (await findImage(docker, `${image.repo}:${image.tag}`)) return;
  await bootstrapImage(docker, out, suite, process.env.PAAS_DEBIAN_MIRROR ?? DEFAULT_MIRROR, image);
}

/**
 * Builds paas/stack:bookworm unless it exists (or `force`), then makes sure the familiar tags point at it.
 * Resolves with the image id.
 */
export async function buildStack(docker: DockerClient, out: LineSink, options: { mirror: string; force?: boolean }): Promise<string> {
  const ref = `${STACK_IMAGE.repo}:${STACK_IMAGE.tag}`;
  let image = options.force ? undefined : await findImage(docker, ref);
  if (image) {
    out.step(`Stack image ${ref} exists (${image.Id.slice(7, 19)}); reusing it`);
  } else {
    await bootstrapImage(docker, out, 'bookworm', options.mirror, STACK_IMAGE);
    image = await findImage(docker, ref);
  }
  if (!image) throw new PaasError('PAAS_ERR_STACK_BUILD_FAILED', `stack image ${ref} is missing after import`);
  for (const alias of STACK_ALIASES) {
    const existing = await findImage(docker, `${alias.repo}:${alias.tag}`);
    if (existing?.Id !== image.Id) await tagImage(docker, image.Id, alias.repo, alias.tag);
  }
  await buildAppsStack(docker, out);
  out.step(`Stack ready: ${[ref, ...STACK_ALIASES.map((a) => `${a.repo}:${a.tag}`), `${APPS_STACK_IMAGE.repo}:${APPS_STACK_IMAGE.tag}`].join(', ')}`);
  return image.Id;
}
