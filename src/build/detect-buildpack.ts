// Buildpack detection: each buildpack's bin/detect runs in a throwaway container from the stack image (no
// network), in a fixed order; the first that applies wins, and its bin/release says the default processes.
import { LABEL } from '../docker/names.js';
import { spawn } from 'node:child_process';
import path from 'node:path';
import YAML from 'yaml';
import type { DockerClient } from '../docker/client.js';
import { runToCompletion } from '../docker/containers.js';
import { archiveCommit } from '../git/read-commit.js';
import type { GitObjectEnv } from '../git/run-git.js';
import { PaasError } from '../errors.js';
import { defaultProcessTypes } from './buildpack-dockerfile.js';

/** Bundled buildpacks in detection order. */
export const BUNDLED_BUILDPACKS = ['null', 'node', 'python', 'go', 'static'] as const;

// Runs inside the container; the buildpack names come as arguments, never inside the script text.
const DETECT_SCRIPT = `for bp in "$@"; do
  if name=$(/buildpacks/$bp/bin/detect /tmp/app); then
    echo "paas-detected:$bp:$name"
    /buildpacks/$bp/bin/release /tmp/app
    exit 0
  fi
done
exit 100`;

export interface Detected {
  buildpack: string;
  name: string;
  defaultProcessTypes: Record<string, string>;
}

/** Pure: the buildpacks to try, from the app's .buildpacks file (first line) when it has one. */
export function buildpackOrder(dotBuildpacks: string | undefined): string[] {
  const wanted = dotBuildpacks
    ?.split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (!wanted) return [...BUNDLED_BUILDPACKS];
  const name = wanted
    .replace(/^.*\//, '')
    .replace(/^heroku-buildpack-/, '')
    .replace(/\.git$/, '');
  if (!(BUNDLED_BUILDPACKS as readonly string[]).includes(name)) {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `.buildpacks names ${JSON.stringify(wanted.slice(0, 80))}, which is not a bundled buildpack (${BUNDLED_BUILDPACKS.join(', ')})`,
    );
  }
  return [name];
}

/** The buildpacks to detect with, as a tar of buildpacks/<name>/...: the bundled ones, or one custom folder. */
function buildpacksTar(installDir: string, custom: string | undefined): NodeJS.ReadableStream {
  const args = custom ? ['-C', custom, '-cf', '-', '--transform', 's,^\\.,buildpacks/custom,', '.'] : ['-C', installDir, '-cf', '-', 'buildpacks'];
  return spawn('tar', args, { stdio: ['ignore', 'pipe', 'ignore'] }).stdout;
}

/** Runs detection for the commit; throws listing what was tried when no buildpack applies. */
export async function detectBuildpack(
  docker: DockerClient,
  source: { repo: string; sha: string; gitEnv: GitObjectEnv },
  options: { installDir: string; stackImage: string; order: string[]; custom?: string | undefined },
): Promise<Detected> {
  const { exitCode, output } = await runToCompletion(
    docker,
    {
      Image: options.stackImage,
      Cmd: ['sh', '-c', DETECT_SCRIPT, 'detect', ...options.order],
      HostConfig: { NetworkMode: 'none' },
      Labels: { [LABEL.role]: 'detect' },
    },
    [
      { path: '/', tar: () => buildpacksTar(path.resolve(options.installDir), options.custom) },
      { path: '/tmp', tar: () => archiveCommit(source.repo, source.sha, source.gitEnv, 'app/') },
    ],
  );
  if (exitCode === 100) {
    throw new PaasError(
      'PAAS_ERR_BUILD_FAILED',
      `no buildpack applies to this app; tried ${options.order.join(', ')} (add a Dockerfile, or a file such as package.json, requirements.txt, go.mod, index.html or .null)`,
    );
  }
  const marker = /^paas-detected:([a-z0-9-]+):(.*)$/m.exec(output);
  if (exitCode !== 0 || !marker)
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `buildpack detection failed: ${output.trim().split('\n').pop() ?? `exit ${exitCode}`}`);
  const release = output.slice(output.indexOf(marker[0]) + marker[0].length);
  let parsed: unknown;
  try {
    parsed = YAML.parse(release);
  } catch {
    throw new PaasError('PAAS_ERR_BUILD_FAILED', `buildpack ${marker[1]}'s bin/release printed no valid YAML`);
  }
  return { buildpack: marker[1]!, name: marker[2]!.trim(), defaultProcessTypes: defaultProcessTypes(parsed) };
}

/** Pure: the BUILDPACK_URL a .env file sets (Heroku's older way to name a buildpack), if any. */
export function buildpackUrlOf(dotenv: string | undefined): string | undefined {
  const match = /^\s*(?:export\s+)?BUILDPACK_URL\s*=\s*["']?([^"'\r\n]*)["']?\s*$/m.exec(dotenv ?? '');
  return match?.[1]?.trim() || undefined;
}
