// Persistent storage of an app: volumes that outlive containers, deploys and rollbacks, removed only on request.
import type { Services } from './services.js';
import { PaasError } from './errors.js';
import { parseMountSpec } from './input/mount-spec.js';
import { deleteMount, insertMount, listMounts, type MountRow } from './store/mounts.js';
import { LABEL, volumeName } from './docker/names.js';
import { ensureVolume, removeVolume } from './docker/volumes.js';

/** `storage:mount APP NAME:/path`: creates the volume now; containers mount it from their next start. */
export async function addMount(services: Pick<Services, 'db' | 'docker'>, app: string, text: string): Promise<MountRow> {
  const spec = parseMountSpec(text);
  const mounts = await listMounts(services.db, app);
  if (mounts.some((m) => m.name === spec.name)) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${app} already mounts a volume named ${spec.name}`);
  const clash = mounts.find((m) => m.path === spec.path);
  if (clash) throw new PaasError('PAAS_ERR_INVALID_INPUT', `${app} already mounts volume ${clash.name} at ${spec.path}`);
  await ensureVolume(services.docker, volumeName(app, spec.name), { [LABEL.app]: app, [LABEL.volume]: spec.name });
  return insertMount(services.db, app, spec.name, spec.path);
}

/** `storage:unmount APP NAME [--delete-data]`: the volume's data stays unless asked to go. */
export async function removeMount(services: Pick<Services, 'db' | 'docker'>, app: string, name: string, deleteData: boolean): Promise<void> {
  const volume = (await listMounts(services.db, app)).find((m) => m.name === name)?.volume ?? volumeName(app, name);
  const unmounted = (await deleteMount(services.db, app, name)) > 0;
  let removed = false;
  if (deleteData) {
    try {
      removed = await removeVolume(services.docker, volume, app);
    } catch (err) {
      throw new PaasError(
        'PAAS_ERR_INVALID_INPUT',
        `${unmounted ? `unmounted ${name}, but its` : `the`} volume is still used by running containers, so its data is kept: ` +
          `run "paas ps:restart ${app}", then "paas storage:unmount ${app} ${name} --delete-data" again`,
        { cause: err },
      );
    }
  }
  if (!unmounted && !removed) throw new PaasError('PAAS_ERR_NOT_FOUND', `${app} has no volume named ${name} (see: paas storage ${app})`);
}
