// Crash points the crash-consistency tests arm (PAAS_FAULT_POINT): the daemon kills itself with SIGKILL at the
// named step of a deploy or release, as a power cut would. Unarmed, a call does nothing.
import type { Config } from './config.js';
import { daemonLog } from './log.js';

/**
 * The steps of a deploy a test can arm, in the order a deploy reaches them. The last two belong to the retirement
 * of the replaced release, which goes on after the push may have returned (RETIRE_POINTS).
 */
export const FAULT_POINTS = ['building', 'testing', 'starting', 'checking', 'switched', 'draining', 'replaced'] as const;
/** The points a kill may reach after the push returned: the new release is then deployed, and stays. */
export const RETIRE_POINTS: readonly string[] = ['draining', 'replaced'];
/** A deploy's steps, and a service upgrade's or restore's last step before its switch (the new server filled beside the old). */
export type FaultPoint =
  (typeof FAULT_POINTS)[number] | 'upgrade-restored' | 'restore-filled' | 'destroying' | 'backing-up' | 'creating-service' | 'cert-installed';

/** Kills the daemon here when `config.faultPoint` names this step. */
export function faultPoint(config: Pick<Config, 'faultPoint'>, step: FaultPoint): void {
  if (config.faultPoint !== step) return;
  daemonLog('fault.point', { step });
  process.kill(process.pid, 'SIGKILL');
}
