// Backups of a backing service: a consistent dump (pg_dump -Fc, Redis's RDB, mariadb-dump --single-transaction)
// taken by a throwaway client container on the service's own network, written owner-only into the data dir;
// listed, streamed out, and restored (a logical restore for SQL; for Redis, the dump becomes the data set at a
// restart of the service).
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import type { LineSink } from '../log.js';
import { runAttached } from '../docker/attach.js';
import { copyFileInto, restartContainer } from '../docker/containers.js';
import { clientContainerSpec, serviceState, waitUntilReady, type ServiceUnit } from '../docker/service-container.js';
import type { ServiceRow } from '../store/backing-services.js';
import { usableService } from './service-lifecycle.js';
import { backupDir, backupName, checkBackupName, listBackups, type BackupView } from './backup-files.js';
import { unitOf } from './service-unit.js';
import { swapData } from './data-swap.js';
import { faultPoint } from '../fault-point.js';

type Deps = Pick<Services, 'config' | 'db' | 'docker'>;

async function runningId(services: Deps, row: ServiceRow): Promise<string> {
  const state = await serviceState(services.docker, unitOf(row));
  if (!state?.running)
    throw new PaasError('PAAS_ERR_SERVICE_FAILED', `${row.name} is not running (${state?.status ?? 'no container'}): see paas services:info ${row.name}`);
  return state.id;
}

/**
 * Runs a client container of `unit` with `command` (on the service's own network, or on `network`), feeding it
 * `input` (a file) and sending its output to `stdout`.
 */
async function runClient(
  services: Deps,
  unit: ServiceUnit,
  command: string[],
  stdout: (chunk: Buffer) => void,
  input?: string,
  network?: string,
): Promise<void> {
  let stderr = '';
  const attached = await runAttached(services.docker, clientContainerSpec(unit, command, network), {
    tty: false,
    stdout,
    stderr: (chunk) => void (stderr = (stderr + chunk.toString('utf8')).slice(-4000)),
    signal: new AbortController().signal,
  });
  // A dump reads no input: its stdin stays open (closing it early can cut the output Docker has not sent yet).
  if (input) {
    for await (const chunk of fs.createReadStream(input)) attached.write(chunk as Buffer);
    attached.endInput();
  }
  const exit = await attached.exit;
  if (exit !== 0) {
    const last = stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300);
    throw new PaasError('PAAS_ERR_SERVICE_FAILED', `${command === unit.kind.restore ? 'restore' : 'dump'} of ${unit.name} failed (exit ${exit}): ${last}`);
  }
}

/** A consistent dump of the running service `row` into its backups; resolves with the backup. */
export async function takeBackup(services: Deps, row: ServiceRow, out: LineSink): Promise<BackupView> {
  const kind = unitOf(row).kind;
  const dir = backupDir(services.config.dataDir, row.name);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, backupName(row.name, kind.dumpExtension, new Date()));
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, 'w', 0o600);
  const started = Date.now();
  out.step(`Backing up ${row.name} (${kind.title})`);
  try {
    let first = true;
    await runClient(services, unitOf(row), kind.dump, (chunk) => {
      fs.writeSync(fd, chunk);
      if (first) faultPoint(services.config, 'backing-up');
      first = false;
    });
    fs.fsyncSync(fd);
  } catch (err) {
    fs.closeSync(fd);
    fs.rmSync(partial, { force: true });
    throw err;
  }
  fs.closeSync(fd);
  fs.renameSync(partial, file);
  const view = listBackups(services.config.dataDir, row.name).find((b) => file.endsWith(b.name))!;
  out.done(`Backup ${view.name} (${view.bytes} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return view;
}

/** `services:backup NAME`: a consistent dump into the data dir; resolves with the backup. */
export async function backupService(services: Deps, caller: Caller, name: string, out: LineSink): Promise<BackupView> {
  const row = await usableService(services, caller, name);
  await runningId(services, row);
  return takeBackup(services, row, out);
}

/**
 * Loads the dump `file` into the running server `id` of `unit` (whose clients reach it on `network`, its own by
 * default): a logical restore for SQL; for Redis, the dump becomes the data set at a restart.
 */
export async function loadBackup(services: Deps, unit: ServiceUnit, id: string, file: string, out: LineSink, network?: string): Promise<void> {
  if (unit.kind.restore.length) return runClient(services, unit, unit.kind.restore, () => {}, file, network);
  await copyFileInto(services.docker, id, unit.kind.dataDir, 'restore.rdb', fs.createReadStream(file), fs.statSync(file).size);
  out.detail(`restarting ${unit.name} on the restored data`);
  await restartContainer(services.docker, id, 30);
  await waitUntilReady(services.docker, unit, id);
}

/**
 * `services:restore NAME BACKUP`: the backup's data replaces the service's, all or nothing. It is loaded into a
 * new server beside the live one, which serves its data unchanged meanwhile; the two are switched once the load
 * is complete. A failure or a crash before the switch leaves the data as it was.
 */
export async function restoreService(services: Deps, caller: Caller, name: string, named: string | undefined, out: LineSink): Promise<void> {
  const row = await usableService(services, caller, name);
  // As Heroku's pg:backups:restore: the newest backup unless one is named.
  const backup = named ?? listBackups(services.config.dataDir, row.name).at(-1)?.name;
  if (backup === undefined) throw new PaasError('PAAS_ERR_NOT_FOUND', `${row.name} has no backup to restore: paas services:backup ${row.name} takes one`);
  const file = path.join(backupDir(services.config.dataDir, row.name), checkBackupName(row.name, backup));
  if (!fs.existsSync(file)) throw new PaasError('PAAS_ERR_NOT_FOUND', `no backup ${backup} of ${row.name}: see paas services:backups ${row.name}`);
  await runningId(services, row);
  const started = Date.now();
  out.step(`Restoring ${row.name} from ${backup} beside the live data (it serves unchanged until the switch)`);
  try {
    await swapData(
      services,
      {
        row,
        next: { ...row, generation: row.generation + 1 },
        cutOff: false,
        fill: (unit, id, network) => loadBackup(services, unit, id, file, out, network),
        fault: 'restore-filled',
      },
      out,
    );
  } catch (err) {
    throw new PaasError('PAAS_ERR_SERVICE_FAILED', `restore of ${row.name} from ${backup} failed, and its data is as it was: ${(err as Error).message}`, {
      cause: err,
    });
  }
  out.done(`Restored ${row.name} from ${backup} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The path of a backup to stream out (`services:export`); the newest when `backup` is not given. */
export async function backupFile(services: Deps, caller: Caller, name: string, backup: string | undefined): Promise<string> {
  const row = await usableService(services, caller, name);
  const chosen = backup ? checkBackupName(row.name, backup) : listBackups(services.config.dataDir, row.name).at(-1)?.name;
  if (!chosen) throw new PaasError('PAAS_ERR_NOT_FOUND', `${row.name} has no backup yet: paas services:backup ${row.name}`);
  const file = path.join(backupDir(services.config.dataDir, row.name), chosen);
  if (!fs.existsSync(file)) throw new PaasError('PAAS_ERR_NOT_FOUND', `no backup ${chosen} of ${row.name}: see paas services:backups ${row.name}`);
  return file;
}
