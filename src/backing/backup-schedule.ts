// Scheduled backups (`services:backups:schedule NAME --every 1d --keep 7`, Dokku's backup-schedule): every minute
// the daemon takes a backup of each service whose newest one is older than its interval, then deletes its oldest
// backups beyond the number kept. Deciding is pure; the loop is a thin timer in the daemon.
import fs from 'node:fs';
import path from 'node:path';
import type { Services } from '../services.js';
import { LOCAL_ADMIN } from '../auth/caller.js';
import { PaasError } from '../errors.js';
import { daemonLog, lineSink } from '../log.js';
import { listServices, type BackupSchedule } from '../store/backing-services.js';
import { backupService } from './service-backups.js';
import { backupDir, listBackups, type BackupView } from './backup-files.js';

const UNITS: Record<string, number> = { m: 60, h: 3600, d: 86400 };

/** Pure: `--every` as users write it (30m, 6h, 1d), at least a minute and at most 30 days. */
export function parseEvery(text: string): number {
  const match = /^(\d{1,4})([mhd])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNITS[match[2]!]! : NaN;
  if (!(seconds >= 60 && seconds <= 30 * 86400))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `--every ${JSON.stringify(text.slice(0, 20))}: use minutes, hours or days from 1m to 30d, as 6h or 1d`);
  return seconds;
}

export function checkKeep(value: unknown): number {
  const keep = Number(value ?? 7);
  if (!Number.isInteger(keep) || keep < 1 || keep > 1000) throw new PaasError('PAAS_ERR_INVALID_INPUT', '--keep takes a number of backups from 1 to 1000');
  return keep;
}

/** Pure: whether a backup is due, given the newest one (by its time) and the schedule. */
export function backupDue(schedule: BackupSchedule, newest: BackupView | undefined, now: Date): boolean {
  return !newest || now.getTime() - new Date(newest.createdAt).getTime() >= schedule.everySeconds * 1000;
}

/** Pure: the backups to delete so that only the newest `keep` stay (oldest first). */
export function backupsBeyond(backups: BackupView[], keep: number): BackupView[] {
  return backups.slice(0, Math.max(0, backups.length - keep));
}

/** One pass: backs up every service that is due, then prunes its old backups. */
export async function runScheduledBackups(services: Pick<Services, 'config' | 'db' | 'docker'>, now = new Date()): Promise<void> {
  for (const row of await listServices(services.db)) {
    const schedule = row.backupSchedule;
    if (!schedule) continue;
    try {
      if (!backupDue(schedule, listBackups(services.config.dataDir, row.name).at(-1), now)) continue;
      const backup = await backupService(
        services,
        LOCAL_ADMIN,
        row.name,
        lineSink(() => {}),
      );
      const deleted = backupsBeyond(listBackups(services.config.dataDir, row.name), schedule.keep);
      for (const old of deleted) fs.rmSync(path.join(backupDir(services.config.dataDir, row.name), old.name), { force: true });
      daemonLog('service.backup', { service: row.name, backup: backup.name, bytes: backup.bytes, deleted: deleted.length });
    } catch (err) {
      daemonLog('service.backup_failed', { service: row.name, error: err });
    }
  }
}

/** Runs scheduled backups every `intervalMs` until stopped; one pass at a time. */
export function startBackupSchedule(services: Pick<Services, 'config' | 'db' | 'docker'>, intervalMs: number): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void runScheduledBackups(services).finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
