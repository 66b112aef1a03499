// Containers and the paas network through the Engine API.
import type Docker from 'dockerode';
import tar from 'tar-stream';
import type { DockerClient } from './client.js';
import { isNotFound } from './client.js';
import { LABEL, appNetworkName } from './names.js';
import { hostIpv4Ranges } from '../host/addresses.js';
import { freeSubnet, type AppNetworks } from './subnets.js';
import { PaasError } from '../errors.js';

/** The shared network of releases made before apps had networks of their own (read, never joined). */
export const LEGACY_NETWORK = 'paas';

/** The address a container has on `app`'s network (or, for containers of older releases, the shared one). */
export function containerIp(app: string, networks: Record<string, { IPAddress?: string } | undefined>): string {
  return networks[appNetworkName(app)]?.IPAddress || networks[appNetworkName(app, 'overlay')]?.IPAddress || networks[LEGACY_NETWORK]?.IPAddress || '';
}

/**
 * Creates `app`'s private bridge network when it is missing, with a /24 from `pool` that no other network
 * uses (Docker's own pools hold about 30 networks: too few for one per app). Another app's containers
 * cannot reach it; the daemon, on the host, reaches every app network.
 */
export async function ensureAppNetwork(docker: DockerClient, app: string, networks: AppNetworks): Promise<string> {
  const { pool, driver } = networks;
  const name = appNetworkName(app, driver);
  let lastError: unknown;
  for (let attempt = 0; attempt < 20; attempt++) {
    const networks = await docker.listNetworks();
    const existing = networks.find((n) => n.Name === name);
    if (existing) {
      if (existing.Labels?.[LABEL.app] !== app)
        throw new PaasError('PAAS_ERR_NAME_CONFLICT', `network ${name} exists but does not belong to ${app}: remove it`);
      return name;
    }
    // Never a subnet the host already routes or has an address in (a route left by another run would shadow it).
    const used = [...networks.flatMap((n) => (n.IPAM?.Config ?? []).map((c) => c.Subnet ?? '')), ...(await hostIpv4Ranges())];
    // After a clash, skip ahead: other daemons (or this one) are taking the first free subnets meanwhile.
    const subnet = freeSubnet(pool, used, attempt === 0 ? 0 : Math.floor(Math.random() * 64));
    if (!subnet) throw new PaasError('PAAS_ERR_NETWORK', `no free /24 left in the app network pool ${pool}: set PAAS_NETWORK_POOL to a larger range`);
    try {
      await docker.createNetwork({
        Name: name,
        Driver: driver,
        // Under Swarm, one-offs, release commands and backing services on the manager join it too.
        ...(driver === 'overlay' ? { Attachable: true } : {}),
        CheckDuplicate: true,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet }] },
        Labels: { [LABEL.app]: app, [LABEL.managed]: 'true' },
      });
      return name;
    } catch (err) {
      // Another caller took the name or the subnet meanwhile: look again.
      const code = (err as { statusCode?: number }).statusCode;
      if (code !== 409 && code !== 403 && !/overlap|already exists/i.test(String((err as Error).message))) throw err;
      lastError = err;
    }
  }
  throw new PaasError('PAAS_ERR_NETWORK', `could not create network ${name}: ${(lastError as Error | undefined)?.message ?? 'every subnet tried was taken'}`);
}

/** Removes `app`'s network (after its containers are gone); a missing one is fine. */
export async function removeAppNetwork(docker: DockerClient, app: string): Promise<void> {
  const network = (await docker.listNetworks({ filters: { label: [`${LABEL.app}=${app}`] } })).filter((n) => n.Labels?.[LABEL.app] === app);
  for (const n of network)
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
}

export interface RunningContainer {
  id: string;
  name: string;
  /** The container's address on its app's network. */
  ip: string;
}

/**
 * Creates and starts a container, removing a leftover of the same name first, but only one of the same app:
 * a container of another app is never removed or reused, whatever its name.
 */
export async function runContainer(docker: DockerClient, spec: Docker.ContainerCreateOptions): Promise<RunningContainer> {
  const app = spec.Labels?.[LABEL.app] ?? '';
  if (spec.name) {
    const leftover = await docker
      .getContainer(spec.name)
      .inspect()
      .catch((err: unknown) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (leftover && leftover.Config.Labels?.[LABEL.app] !== app) {
      throw new PaasError('PAAS_ERR_NAME_CONFLICT', `a container named ${spec.name} exists and is not ${app}'s: it was left alone; remove it by hand`);
    }
    if (leftover) await removeContainer(docker, leftover.Id, 0);
  }
  const container = await docker.createContainer(spec);
  try {
    await container.start();
    const info = await container.inspect();
    return { id: info.Id, name: info.Name.replace(/^\//, ''), ip: containerIp(app, info.NetworkSettings.Networks) };
  } catch (err) {
    await removeContainer(docker, container.id, 0);
    throw err;
  }
}

/** Stops (SIGTERM, then SIGKILL after `graceSeconds`) and removes a container; a missing one is fine. */
export async function removeContainer(docker: DockerClient, idOrName: string, graceSeconds: number): Promise<void> {
  const container = docker.getContainer(idOrName);
  // A paused (held) container gets no signal until thawed: it would sit out the whole grace period.
  await container.unpause().catch(() => undefined);
  try {
    await container.stop({ t: graceSeconds });
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    if (code !== 304 && code !== 404) throw err;
  }
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    if (!isNotFound(err) && code !== 409) throw err;
  }
}

/** Changes a running container's restart policy (e.g. to unless-stopped once it proved it starts). */
export async function setRestartPolicy(docker: DockerClient, id: string, policy: Docker.HostRestartPolicy): Promise<void> {
  await docker.getContainer(id).update({ RestartPolicy: policy });
}

/** The state of a container: whether it runs, its exit code when it stopped, its HEALTHCHECK status if any. */
export async function containerState(docker: DockerClient, id: string): Promise<{ running: boolean; exitCode: number; health?: string }> {
  const info = await docker.getContainer(id).inspect();
  const health = (info.State as { Health?: { Status?: string } }).Health?.Status;
  return { running: info.State.Running && !info.State.Restarting, exitCode: info.State.ExitCode, ...(health ? { health } : {}) };
}

/** The last lines a container wrote, stdout and stderr together. */
export async function containerLogTail(docker: DockerClient, id: string, lines: number): Promise<string> {
  const buffer = (await docker.getContainer(id).logs({ stdout: true, stderr: true, tail: lines, follow: false })) as Buffer;
  return demuxLogs(buffer);
}

/** Strips the 8-byte frame headers Docker puts on non-TTY log output. */
export function demuxLogs(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length && buffer[offset]! <= 2 && buffer.readUInt16BE(offset + 1) === 0) {
    const size = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  if (offset === 0) return buffer.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}

/** Containers labelled for `app` (every app when omitted), running or not. */
export async function listAppContainers(docker: DockerClient, app?: string): Promise<Docker.ContainerInfo[]> {
  const label = app ? `${LABEL.app}=${app}` : LABEL.app;
  return docker.listContainers({ all: true, filters: { label: [label] } });
}

/**
 * Runs a throwaway container to completion: created, given `archives` (tar streams extracted at their paths),
 * started, waited for, and removed. Resolves with its exit code and output (stdout and stderr together).
 */
export async function runToCompletion(
  docker: DockerClient,
  spec: Docker.ContainerCreateOptions,
  archives: { path: string; tar: () => NodeJS.ReadableStream }[] = [],
): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer(spec);
  try {
    // Each tar stream is opened only when it is sent: a stream that started before the upload loses its data.
    for (const archive of archives) await container.putArchive(archive.tar(), { path: archive.path });
    await container.start();
    const result = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })) as Buffer;
    return { exitCode: result.StatusCode, output: demuxLogs(logs) };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** Resolves when `stream` ends, closes or fails, whichever comes first. */
export function streamClosed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
}

/** Splits a byte stream into lines, calling `onLine` for each whole line and the rest at the end. */
export function lineSplitter(onLine: (line: string) => void): { write(chunk: Buffer): void; end(): void } {
  let rest = '';
  return {
    write(chunk) {
      rest += chunk.toString('utf8');
      let i: number;
      while ((i = rest.indexOf('\n')) >= 0) {
        onLine(rest.slice(0, i).replace(/\r$/, ''));
        rest = rest.slice(i + 1);
      }
    },
    end() {
      if (rest) onLine(rest);
      rest = '';
    },
  };
}

/**
 * Runs a throwaway container, streaming its output line by line as it comes, killed after `timeoutMs`.
 * The container is removed afterwards, whatever happened.
 */
export async function runStreaming(
  docker: DockerClient,
  spec: Docker.ContainerCreateOptions,
  onLine: (line: string) => void,
  timeoutMs: number,
  hooks: {
    /** Before the start (e.g. copy files in). */
    before?: (container: Docker.Container) => Promise<void>;
    /** After the exit, before the removal (e.g. commit it). */
    after?: (container: Docker.Container, exitCode: number) => Promise<void>;
  } = {},
): Promise<{ exitCode: number; timedOut: boolean }> {
  const container = await docker.createContainer({ ...spec, AttachStdout: true, AttachStderr: true, Tty: false });
  try {
    await hooks.before?.(container);
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const lines = lineSplitter(onLine);
    const sink = { write: (chunk: Buffer) => (lines.write(chunk), true) } as unknown as NodeJS.WritableStream;
    docker.modem.demuxStream(stream, sink, sink);
    const ended = new Promise<void>((resolve) => stream.on('end', () => resolve()));
    await container.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await container.kill().catch(() => undefined);
      await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
      lines.end();
      return { exitCode: 137, timedOut: true };
    }
    await Promise.race([ended, new Promise((r) => setTimeout(r, 2000))]);
    lines.end();
    await hooks.after?.(container, outcome.StatusCode);
    return { exitCode: outcome.StatusCode, timedOut: false };
  } finally {
    await container.remove({ force: true, v: true }).catch(() => undefined);
  }
}

/** Stops a container (SIGTERM, then SIGKILL after `graceSeconds`) and keeps it; an already stopped one is fine. */
export async function stopContainer(docker: DockerClient, id: string, graceSeconds: number): Promise<void> {
  try {
    await docker.getContainer(id).stop({ t: graceSeconds });
  } catch (err) {
    const code = (err as { statusCode?: number }).statusCode;
    if (code !== 304 && code !== 404) throw err;
  }
}

export async function renameContainer(docker: DockerClient, id: string, name: string): Promise<void> {
  await docker.getContainer(id).rename({ name });
}

/** Runs `cmd` in a running container; resolves whether it exited 0. */
export async function execSucceeds(docker: DockerClient, id: string, cmd: string[]): Promise<boolean> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  await new Promise<void>((resolve) => {
    stream.on('end', () => resolve());
    stream.on('close', () => resolve());
    stream.resume();
  });
  return (await exec.inspect()).ExitCode === 0;
}

/** Creates an internal bridge network (no way out of it) labelled `labels`. */
export async function createInternalNetwork(docker: DockerClient, name: string, labels: Record<string, string>): Promise<void> {
  await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true, Labels: labels });
}

/** Removes network `name`; a missing one is fine. */
export async function removeNetwork(docker: DockerClient, name: string): Promise<void> {
  await docker
    .getNetwork(name)
    .remove()
    .catch(() => undefined);
}

/** Connects container `id` to `network` under `aliases`; already connected is fine. */
export async function connectNetwork(docker: DockerClient, network: string, id: string, aliases: string[]): Promise<void> {
  try {
    await docker.getNetwork(network).connect({ Container: id, EndpointConfig: { Aliases: aliases } });
  } catch (err) {
    if (!/already exists|already attached/i.test(String((err as Error).message))) throw err;
  }
}

/** Disconnects container `id` from `network`; not connected (or gone) is fine. */
export async function disconnectNetwork(docker: DockerClient, network: string, id: string): Promise<void> {
  try {
    await docker.getNetwork(network).disconnect({ Container: id, Force: true });
  } catch (err) {
    if (!isNotFound(err) && !/is not connected/i.test(String((err as Error).message))) throw err;
  }
}

/** Runs `cmd` in a running container; resolves with its exit code and standard output. */
export async function execOutput(docker: DockerClient, id: string, cmd: string[]): Promise<{ exitCode: number; stdout: string }> {
  const exec = await docker.getContainer(id).exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  const sink = { write: (chunk: Buffer) => (chunks.push(chunk), true) } as unknown as NodeJS.WritableStream;
  docker.modem.demuxStream(stream, sink, { write: () => true } as unknown as NodeJS.WritableStream);
  await streamClosed(stream);
  return { exitCode: (await exec.inspect()).ExitCode ?? 1, stdout: Buffer.concat(chunks).toString('utf8') };
}

/** Writes one file into a container's filesystem at `dir/name` (a tar of one entry, through the Engine API). */
export async function copyFileInto(docker: DockerClient, id: string, dir: string, name: string, content: NodeJS.ReadableStream, size: number): Promise<void> {
  const pack = tar.pack();
  const entry = pack.entry({ name, size, mode: 0o600 }, (err) => (err ? pack.destroy(err) : pack.finalize()));
  content.pipe(entry);
  await docker.getContainer(id).putArchive(pack as unknown as NodeJS.ReadableStream, { path: dir });
}

/** Restarts a container (SIGTERM, then SIGKILL after `graceSeconds`). */
export async function restartContainer(docker: DockerClient, id: string, graceSeconds: number): Promise<void> {
  await docker.getContainer(id).restart({ t: graceSeconds });
}
