// Starts and removes the addon services of one test run on a network of its own (internal: no way out).
import { LABEL } from '../docker/names.js';
import tar from 'tar-stream';
import type { DockerClient } from '../docker/client.js';
import { buildImage, findImage } from '../docker/images.js';
import { createInternalNetwork, execSucceeds, removeContainer, removeNetwork, runContainer } from '../docker/containers.js';
import { ciNetworkName } from '../docker/names.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import type { AddonKind } from './addons.js';

export interface RunServices {
  network: string;
  env: Record<string, string>;
  remove(): Promise<void>;
}

async function ensureAddonImage(docker: DockerClient, addon: AddonKind, out: LineSink): Promise<void> {
  if (await findImage(docker, addon.image)) return;
  out.step(`Building the ${addon.name} addon image (once, from Debian's packages)`);
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile' }, addon.dockerfile);
  pack.finalize();
  await buildImage(docker, pack as unknown as NodeJS.ReadableStream as never, { tag: addon.image, labels: { [LABEL.addon]: addon.name } }, () => {});
}

/** Starts `addons` for run `runId` and waits until each takes connections. */
export async function startRunServices(docker: DockerClient, app: string, runId: number, addons: AddonKind[], out: LineSink): Promise<RunServices> {
  const network = ciNetworkName(app, runId);
  const started: string[] = [];
  const remove = async () => {
    await Promise.all(started.map((id) => removeContainer(docker, id, 0)));
    await removeNetwork(docker, network);
  };
  if (addons.length === 0) return { network: 'none', env: {}, remove: async () => {} };
  try {
    await createInternalNetwork(docker, network, { [LABEL.app]: app, [LABEL.ciRun]: String(runId) });
    const env: Record<string, string> = {};
    for (const addon of addons) {
      await ensureAddonImage(docker, addon, out);
      const container = await runContainer(docker, {
        Image: addon.image,
        name: `${network}.${addon.name}`,
        Labels: { [LABEL.app]: app, [LABEL.role]: 'addon', [LABEL.ciRun]: String(runId) },
        HostConfig: { NetworkMode: network, Init: true },
        NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [addon.name] } } },
      });
      started.push(container.id);
      const deadline = Date.now() + 60_000;
      while (!(await execSucceeds(docker, container.id, addon.ready))) {
        if (Date.now() > deadline) throw new PaasError('PAAS_ERR_TESTS_FAILED', `the ${addon.name} addon did not start`);
        await new Promise((r) => setTimeout(r, 200));
      }
      env[addon.env[0]] = addon.env[1];
      out.step(`${addon.name} addon ready (${addon.env[0]}=${addon.env[1]})`);
    }
    return { network, env, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
