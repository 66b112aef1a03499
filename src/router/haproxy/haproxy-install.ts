// HAProxy 3.0 LTS on any Debian host: Debian trixie's package, relocated under /opt/paas/haproxy-3.0 with the
// libraries it links against (trixie's glibc, OpenSSL 3.5 and the rest), its ELF interpreter and library path
// pointed there (patchelf), so it runs on a bookworm host beside bookworm's own libraries, as a host process: the
// master outlives the daemon and re-executes itself on reloads exactly as a packaged HAProxy does.
//
// Why not a container: the data plane's master socket, pid file, access-log FIFO and seamless reloads (-sf, -x)
// are host files and processes the daemon supervises; a relocated binary keeps all of that unchanged and needs no
// registry. Made once by `paas stack:build` (bin/setup) from the trixie stack image, with apt inside it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DockerClient } from '../../docker/client.js';
import { buildImage, dockerfileContext } from '../../docker/images.js';
import { LABEL } from '../../docker/names.js';
import { PaasError } from '../../errors.js';
import type { LineSink } from '../../log.js';
import { ensureSuiteStack, STACK_IMAGE } from '../../stack/build-stack.js';

export const HAPROXY_HOME = '/opt/paas/haproxy-3.0';

/** The HAProxy the data plane runs: PAAS_HAPROXY_BIN when set (a packaged 3.0 elsewhere), else the relocated 3.0. */
export function haproxyBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.PAAS_HAPROXY_BIN || path.join(HAPROXY_HOME, 'sbin', 'haproxy');
}

/** Pure: whether a /proc/PID/cmdline is an HAProxy's (its program named haproxy, wherever it lives). */
export function isHaproxyCmdline(cmdline: string): boolean {
  return path.basename(cmdline.split('\0')[0] ?? '') === 'haproxy';
}

// Run inside the trixie image at build time; nothing in it comes from a user.
const RELOCATE = `set -eu
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy patchelf >/dev/null
d=${HAPROXY_HOME}
mkdir -p $d/sbin $d/lib
cp /usr/sbin/haproxy $d/sbin/haproxy
for lib in $(ldd /usr/sbin/haproxy | awk '$2 == "=>" { print $3 } $1 ~ /ld-linux/ { print $1 }'); do cp -L "$lib" $d/lib/; done
patchelf --set-interpreter $d/lib/ld-linux-x86-64.so.2 --force-rpath --set-rpath $d/lib $d/sbin/haproxy
$d/sbin/haproxy -v | head -n 1
rm -rf /var/lib/apt/lists/*`;

const IMAGE = { repo: 'paas/haproxy', tag: '3.0' };

async function runs(binary: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(binary, ['-v'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => resolve(code === 0 ? /HAProxy version (\S+)/.exec(out)?.[1] : undefined));
  });
}

/** The version of the HAProxy the data plane would run, when it runs. */
export function haproxyVersion(): Promise<string | undefined> {
  return runs(haproxyBinary());
}

/** Makes /opt/paas/haproxy-3.0 unless it runs already (or `force`). */
export async function installHaproxy(docker: DockerClient, out: LineSink, options: { force?: boolean } = {}): Promise<string> {
  const present = options.force ? undefined : await runs(haproxyBinary());
  if (present) {
    out.step(`HAProxy ${present} present (${haproxyBinary()})`);
    return present;
  }
  await ensureSuiteStack(docker, 'trixie', out);
  out.step(`Installing HAProxy 3.0 LTS from Debian trixie into ${HAPROXY_HOME}`);
  const dockerfile = `FROM ${STACK_IMAGE.repo}:trixie\nRUN ${JSON.stringify(['/bin/sh', '-c', RELOCATE])}\n`;
  const imageId = await buildImage(
    docker,
    dockerfileContext(dockerfile),
    { tag: `${IMAGE.repo}:${IMAGE.tag}`, labels: { [LABEL.role]: 'haproxy' } },
    (event) => {
      const line = (event.stream ?? '').trim();
      if (line.startsWith('HAProxy version')) out.detail(line);
    },
  );
  // Copied out of a container of that image, unpacked beside the target and renamed into place.
  const parent = path.dirname(HAPROXY_HOME);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, '.haproxy-'));
  const container = await docker.createContainer({ Image: imageId, Cmd: ['true'], Labels: { [LABEL.role]: 'haproxy' } });
  try {
    const archive = await container.getArchive({ path: HAPROXY_HOME });
    await new Promise<void>((resolve, reject) => {
      const tar = spawn('tar', ['-x', '-C', staging], { stdio: ['pipe', 'ignore', 'pipe'] });
      let err = '';
      tar.stderr.on('data', (d: Buffer) => (err += d.toString()));
      tar.on('error', reject);
      tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar: ${err.trim()}`))));
      (archive as NodeJS.ReadableStream).pipe(tar.stdin);
    });
    fs.rmSync(HAPROXY_HOME, { recursive: true, force: true });
    fs.renameSync(path.join(staging, path.basename(HAPROXY_HOME)), HAPROXY_HOME);
  } finally {
    await container.remove({ force: true }).catch(() => {});
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const version = await runs(haproxyBinary());
  if (!version) throw new PaasError('PAAS_ERR_ROUTER', `HAProxy in ${HAPROXY_HOME} does not run after its install`);
  out.step(`HAProxy ${version} installed`);
  return version;
}
