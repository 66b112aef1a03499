// What every container of an app gets besides its release: the app's volumes and its limits per process type,
// read when containers start (so they apply from the next release or restart on, and survive rollbacks).
import type { Db } from '../store/db.js';
import { getApp } from '../store/apps.js';
import { listMounts } from '../store/mounts.js';
import type { Limits } from '../input/resources.js';

export interface RuntimeSettings {
  of(process: string): { mounts: { volume: string; path: string }[]; limits: Limits; placement: string[] };
}

/**
 * The app's volumes, each process type's limits (its own where set, else the daemon's `defaults`), and where its
 * replicas may run (a scheduler of one host has nowhere else to put them).
 */
export async function runtimeSettings(db: Db, app: string, defaults: Limits): Promise<RuntimeSettings> {
  const [row, mounts] = await Promise.all([getApp(db, app), listMounts(db, app)]);
  const volumes = mounts.map((m) => ({ volume: m.volume, path: m.path }));
  return { of: (process) => ({ mounts: volumes, limits: { ...defaults, ...row.resources[process] }, placement: row.placement }) };
}
