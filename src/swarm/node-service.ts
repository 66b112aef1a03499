// The daemon's own services on the worker nodes (the node guard, the stats agent): they run the gateway's image,
// shipped through the registry, and are created once, then updated only when what they run changed.
import type { DockerClient } from '../docker/client.js';
import { isNotFound } from '../docker/client.js';
import { ensureGatewayImage, GATEWAY_IMAGE, NODE_IMAGE } from './overlay-gateway.js';
import { pushImage, registryAuth } from './registry-push.js';
import type { RegistryAccess } from './registry-server.js';

interface RunSpec {
  Image?: string;
  Command?: string[];
  Env?: string[];
}

/** Pure: whether a service runs what `wanted` says (Swarm pins the image to its digest: ref@sha256:...). */
export function runsAsWanted(now: RunSpec | undefined, wanted: RunSpec): boolean {
  return now?.Image?.split('@')[0] === wanted.Image && JSON.stringify([now?.Command, now?.Env]) === JSON.stringify([wanted.Command, wanted.Env]);
}

/** Ships the node image, then creates the service `specOf` gives for it, or updates it when it runs something else. */
export async function ensureNodeService(
  docker: DockerClient,
  access: RegistryAccess,
  name: string,
  specOf: (image: string) => Record<string, unknown>,
): Promise<void> {
  await ensureGatewayImage(docker);
  const spec = specOf(await pushImage(docker, access, GATEWAY_IMAGE, NODE_IMAGE.repo, NODE_IMAGE.tag));
  const auth = (registryAuth(access) ?? {}) as object;
  const service = docker.getService(name);
  const found = (await service.inspect().catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)))) as
    { Version: { Index: number }; Spec: { TaskTemplate?: { ContainerSpec?: RunSpec } } } | undefined;
  if (!found) {
    await docker.createService(auth, spec);
    return;
  }
  if (runsAsWanted(found.Spec.TaskTemplate?.ContainerSpec, (spec.TaskTemplate as { ContainerSpec: RunSpec }).ContainerSpec)) return;
  // dockerode's update takes the registry credentials first (its types know only the one-argument form).
  const update = service.update.bind(service) as unknown as (auth: object, options: object) => Promise<unknown>;
  await update(auth, { ...spec, version: found.Version.Index });
}
