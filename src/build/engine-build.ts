// One image build on the engine, with BuildKit (builder version 2) unless the classic builder is asked for
// (PAAS_DOCKER_BUILDER=legacy) or the engine has no BuildKit (then the classic builder runs, said in one line).
// Progress comes out as lines: BuildKit's decoded into `docker build --progress=plain`'s shape, the classic
// builder's as it prints them. Dockerfile and buildpack builds both go through here.
import type { Readable } from 'node:stream';
import type { DockerClient } from '../docker/client.js';
import { engineMessage } from '../docker/client.js';
import { buildImage, type BuildOptions } from '../docker/images.js';
import { decodeBuildkitStatus } from '../docker/buildkit-status.js';
import { buildEventLines } from './build-output.js';
import { BuildkitLines } from './buildkit-output.js';

/**
 * Pure: BuildKit's error as one line a user reads: the step that failed and its exit code, or the Dockerfile's
 * line, without the frontend's layers of "failed to solve with ..." prefixes.
 */
export function buildkitMessage(message: string): string {
  const step =
    /executor failed running \[(.*)\]: (?:exit code: |.*?exit code )(\d+)/s.exec(message) ??
    /process "(.*)" did not complete successfully: exit code: (\d+)/s.exec(message);
  if (step) return `the step \`${step[1]!.replace(/^\/bin\/sh -c /, '')}\` exited with code ${step[2]}`;
  return message
    .replace(/^(?:failed to solve(?: with frontend [\w.]+)?: |failed to create LLB definition: |failed to build LLB: )+/g, '')
    .replace(/^(?:failed to solve(?: with frontend [\w.]+)?: |failed to create LLB definition: |failed to build LLB: )+/g, '');
}

/** Pure: whether a build failed because the engine cannot build with BuildKit at all (then the classic builder runs). */
export function buildkitUnavailable(message: string): boolean {
  return /buildkit (is )?not (supported|enabled)|unsupported builder version|BuildKit is only supported/i.test(message);
}

/** Builds `options.tag` from `context`, streaming progress lines to `onLine`; resolves with the image id. */
export async function engineBuild(
  docker: DockerClient,
  context: () => Readable,
  options: Omit<BuildOptions, 'buildkit'>,
  onLine: (line: string) => void,
  legacy = false,
): Promise<string> {
  const classic = () => buildImage(docker, context, options, (event) => buildEventLines(event).forEach(onLine));
  if (legacy) return classic();
  try {
    const progress = new BuildkitLines();
    return await buildImage(docker, context, { ...options, buildkit: true }, (event) => {
      if (event.id === 'moby.buildkit.trace' && typeof event.aux === 'string') progress.lines(decodeBuildkitStatus(event.aux)).forEach(onLine);
      else buildEventLines(event).forEach(onLine);
    });
  } catch (err) {
    if (!buildkitUnavailable(engineMessage(err))) throw err;
    onLine(`BuildKit is not available on this Docker engine (${engineMessage(err)}): building with the legacy builder`);
    return classic();
  }
}
