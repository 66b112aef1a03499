// `services:upgrade NAME --version V`: a service moves to a newer server version by dump and restore, only when
// asked (never on a push). Its linked apps lose it while this runs, so no write lands after the dump; the dump is
// kept among its backups. The new server is filled beside the old one (data-swap.ts); until the switch nothing of
// the old is changed, and any failure leaves the old version serving the linked apps again.
import path from 'node:path';
import type { Services } from '../services.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { ensureServiceImage, type ServiceUnit } from '../docker/service-container.js';
import { ensureSuiteStack } from '../stack/build-stack.js';
import { getService, type ServiceRow } from '../store/backing-services.js';
import { SERVICE_KINDS, upgradeTarget } from './kinds.js';
import { checkServiceName, unitOf } from './service-unit.js';
import { loadBackup, takeBackup } from './service-backups.js';
import { backupDir, type BackupView } from './backup-files.js';
import { checkNotBusy, swapData } from './data-swap.js';

type Deps = Pick<Services, 'config' | 'db' | 'docker'>;

/** An upgrade that may go ahead: the service as stored, and the row it will be once through. */
export interface PlannedUpgrade {
  row: ServiceRow;
  next: ServiceRow;
}

/** Checks that `name` may move to `version` (before anything streams, so a refusal is one line on stderr). */
export async function planUpgrade(services: Pick<Services, 'db'>, name: string, version: string): Promise<PlannedUpgrade> {
  const row = await getService(services.db, checkServiceName(name));
  const target = upgradeTarget(SERVICE_KINDS[row.kind], row.version, version);
  if (row.exposed)
    throw new PaasError(
      'PAAS_ERR_INVALID_INPUT',
      `${row.name} is published on ${row.exposed.host}:${row.exposed.port}: take it off the host's ports first (paas services:unexpose ${row.name}), so that nothing writes to it during the upgrade`,
    );
  checkNotBusy(row.name);
  // A new version starts on its own first volume.
  return { row, next: { ...row, version: target.version, generation: 0 } };
}

/** `services:upgrade NAME --version V`, once planned; resolves with the service as it now is. */
export async function upgradeService(services: Deps, planned: PlannedUpgrade, out: LineSink): Promise<ServiceRow> {
  const { row, next: nextRow } = planned;
  const old = unitOf(row);
  const next = unitOf(nextRow);
  const started = Date.now();
  out.step(`Upgrading ${row.name} from ${named(old)} to ${named(next)} (dump and restore)`);
  // Built while the old version still serves: the suite's base and the new server's image.
  await ensureSuiteStack(services.docker, next.release.suite, out);
  await ensureServiceImage(services.docker, next.kind, out, next.release);
  let backup: BackupView | undefined;
  try {
    await swapData(
      services,
      {
        row,
        next: nextRow,
        cutOff: true,
        prepare: async () => void (backup = await takeBackup(services, row, out)),
        fill: async (unit, id, network) => {
          out.step(`Starting ${named(next)} beside it and restoring the dump into it`);
          await loadBackup(services, unit, id, path.join(backupDir(services.config.dataDir, row.name), backup!.name), out, network);
        },
        fault: 'upgrade-restored',
      },
      out,
    );
  } catch (err) {
    throw new PaasError(
      'PAAS_ERR_SERVICE_FAILED',
      `upgrade of ${row.name} to ${next.release.version} failed, and it runs ${old.release.version} as before: ${(err as Error).message}`,
      { cause: err },
    );
  }
  out.done(
    `${row.name} runs ${named(next)} in ${((Date.now() - started) / 1000).toFixed(1)} s; linked apps keep their URL. The ${old.release.version} data is kept as backup ${backup!.name}`,
  );
  return { ...row, version: next.release.version, generation: 0 };
}

const named = (unit: ServiceUnit) => `${unit.kind.title} ${unit.release.version}`;
