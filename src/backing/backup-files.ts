// The backup files of a service in the data dir: where they are, their names (service and time, never a path),
// and the list users see.
import fs from 'node:fs';
import path from 'node:path';
import { PaasError } from '../errors.js';

const BACKUP_NAME = /^[a-z0-9-]{1,63}-\d{8}T\d{6}\d{3}Z\.(dump|rdb|sql)$/;

export interface BackupView {
  name: string;
  bytes: number;
  createdAt: string;
}

/** Where a service's backups live: DATA_DIR/services/NAME/backups (owner-only). */
export function backupDir(dataDir: string, name: string): string {
  return path.join(dataDir, 'services', name, 'backups');
}

/** Pure: a backup's file name, from the service and the time (sortable, so the newest is last). */
export function backupName(service: string, extension: string, at: Date): string {
  return `${service}-${at.toISOString().replace(/[-:.]/g, '')}.${extension}`;
}

/** Pure: a backup name given by a user, checked to be one of the service's (never a path). */
export function checkBackupName(service: string, name: string): string {
  if (!BACKUP_NAME.test(name) || !name.startsWith(`${service}-`))
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `${JSON.stringify(name.slice(0, 80))} is not a backup of ${service}: see paas services:backups ${service}`);
  return name;
}

/**
 * Removes the dumps a daemon was writing when it ended (NAME-TIME.dump.partial): called at start, before anything
 * can begin a backup. Resolves with the files removed.
 */
export function removeUnfinishedBackups(dataDir: string): string[] {
  const root = path.join(dataDir, 'services');
  const removed: string[] = [];
  for (const service of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    const dir = backupDir(dataDir, service);
    for (const file of fs.existsSync(dir) ? fs.readdirSync(dir) : [])
      if (file.endsWith('.partial')) {
        fs.rmSync(path.join(dir, file), { force: true });
        removed.push(file);
      }
  }
  return removed;
}

/** A service's finished backups, oldest first (a dump still being written is not one). */
export function listBackups(dataDir: string, service: string): BackupView[] {
  const dir = backupDir(dataDir, service);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => BACKUP_NAME.test(name))
    .sort()
    .map((name) => {
      const stat = fs.statSync(path.join(dir, name));
      return { name, bytes: stat.size, createdAt: stat.mtime.toISOString() };
    });
}
