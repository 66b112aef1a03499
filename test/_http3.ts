// An HTTP/3 client for tests: Debian trixie's curl (8.14, with nghttp3 and OpenSSL's QUIC), in a container on the
// host's network, since bookworm's curl speaks no HTTP/3. Its image is built once from the trixie stack.
import Docker from 'dockerode';
import { buildImage, dockerfileContext, findImage } from '../src/docker/images.js';
import { runToCompletion } from '../src/docker/containers.js';
import { ensureSuiteStack, STACK_IMAGE } from '../src/stack/build-stack.js';

const IMAGE = 'paas-test/curl-h3:trixie';
const docker = new Docker();

async function ensureImage(): Promise<void> {
  if (await findImage(docker, IMAGE)) return;
  const quiet = { step: () => {}, detail: () => {}, error: () => {}, done: () => {} };
  await ensureSuiteStack(docker, 'trixie', quiet as never);
  const dockerfile = `FROM ${STACK_IMAGE.repo}:trixie\nRUN ["/bin/sh","-c","apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends curl && rm -rf /var/lib/apt/lists/*"]\n`;
  await buildImage(docker, dockerfileContext(dockerfile), { tag: IMAGE, labels: {} }, () => {});
}

/** GET https://HOST:PORT/PATH over HTTP/3 only (QUIC to 127.0.0.1), certificate unchecked: curl's exit code and output. */
export async function http3Get(host: string, port: number, urlPath = '/'): Promise<{ code: number; output: string }> {
  await ensureImage();
  const { exitCode, output } = await runToCompletion(docker, {
    Image: IMAGE,
    Cmd: [
      'curl',
      '--http3-only',
      '-sSk',
      '--max-time',
      '10',
      '-w',
      '\n%{http_version} %{http_code}',
      '--resolve',
      `${host}:${port}:127.0.0.1`,
      `https://${host}:${port}${urlPath}`,
    ],
    HostConfig: { NetworkMode: 'host', AutoRemove: false },
  });
  return { code: exitCode, output };
}
