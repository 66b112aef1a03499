// The dependency layer of a buildpack build: bin/install-deps runs in a container from the runtime image with only
// the manifest files and the app's build cache (DATA_DIR/cache/APP, kept across builds, deleted with the app)
// mounted, and the container is committed as one layer. It is reused while runtime and manifests are unchanged.
import { LABEL } from '../docker/names.js';
import crypto from 'node:crypto';
import fs from 'node:fs';
import tar from 'tar-stream';
import type { DockerClient } from '../docker/client.js';
import { commitContainer, findImage } from '../docker/images.js';
import { runStreaming } from '../docker/containers.js';
import { depsImageName } from '../docker/names.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';

/** Pure: the deps image's name: one per app, runtime image and manifest contents. */
export function depsImageRef(app: string, runtimeImageId: string, manifests: { name: string; content: Buffer }[]): string {
  const hash = crypto.createHash('sha256').update(runtimeImageId);
  for (const m of manifests) hash.update('\0' + m.name + '\0').update(m.content);
  return depsImageName(app, hash.digest('hex').slice(0, 16));
}

function manifestTar(manifests: { name: string; content: Buffer }[]): NodeJS.ReadableStream {
  const pack = tar.pack();
  pack.entry({ name: 'app/', type: 'directory', mode: 0o755 });
  for (const m of manifests) pack.entry({ name: `app/${m.name}`, mode: 0o644 }, m.content);
  pack.finalize();
  return pack as unknown as NodeJS.ReadableStream;
}

/** The deps image for these manifests, built when missing; resolves with its reference. */
export async function ensureDepsImage(
  docker: DockerClient,
  options: {
    app: string;
    runtimeImageId: string;
    manifests: { name: string; content: Buffer }[];
    cacheDir: string;
    explainFailure?: ((lines: string[]) => string | undefined) | undefined;
  },
  out: LineSink,
): Promise<string> {
  const ref = depsImageRef(options.app, options.runtimeImageId, options.manifests);
  if (await findImage(docker, ref)) {
    out.step(`Dependencies unchanged (${options.manifests.map((m) => m.name).join(', ') || 'no manifest'}): reusing their layer`);
    return ref;
  }
  out.step('Installing dependencies');
  fs.mkdirSync(options.cacheDir, { recursive: true });
  let committed: string | undefined;
  const last: string[] = [];
  const result = await runStreaming(
    docker,
    {
      Image: options.runtimeImageId,
      Cmd: ['/paas/buildpack/bin/install-deps', '/app', '/paas/cache'],
      WorkingDir: '/app',
      Labels: { [LABEL.app]: options.app, [LABEL.role]: 'deps' },
      HostConfig: { Binds: [`${options.cacheDir}:/paas/cache`], Init: true },
    },
    (line) => {
      out.detail(line);
      last.push(line);
      if (last.length > 60) last.shift();
    },
    30 * 60 * 1000,
    {
      before: async (container) => {
        await container.putArchive(manifestTar(options.manifests), { path: '/' });
      },
      after: async (container, exitCode) => {
        if (exitCode === 0) committed = await commitContainer(docker, container.id, ref, { [LABEL.app]: options.app });
      },
    },
  );
  if (result.exitCode !== 0 || !committed) {
    const why = result.exitCode !== 0 ? options.explainFailure?.(last) : undefined;
    throw new PaasError('PAAS_ERR_BUILD_FAILED', why ?? `installing dependencies failed (exit ${result.exitCode})`);
  }
  return ref;
}
