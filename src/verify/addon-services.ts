// Starts and removes the addon services of one test run on a network of its own (internal: no way out).
import { LABEL } from '../docker/names.js';
import { randomBytes } from 'node:crypto';
import type { DockerClient } from '../docker/client.js';
import { ensureServiceImage } from '../docker/service-container.js';
import { createInternalNetwork, execSucceeds, removeContainer, removeNetwork, runContainer } from '../docker/containers.js';
import { ciNetworkName } from '../docker/names.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import type { AddonKind } from './addons.js';
import { defaultRelease } from '../backing/kinds.js';

export interface RunServices {
  network: string;
  env: Record<string, string>;
  remove(): Promise<void>;
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
      await ensureServiceImage(docker, addon, out);
      const password = randomBytes(8).toString('hex');
      const database = addon.name === 'postgres' ? 'postgres' : 'test';
      const container = await runContainer(docker, {
        Image: defaultRelease(addon).image,
        Cmd: [...addon.command, ...addon.ciOptions],
        Env: [`PAAS_SERVICE_PASSWORD=${password}`, `PAAS_SERVICE_DATABASE=${database}`, `PAAS_SERVICE_HOST=${addon.name}`],
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
      env[addon.envVar] = addon.url(addon.name, password, database);
      out.step(`${addon.name} addon ready (${addon.envVar})`);
    }
    return { network, env, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
