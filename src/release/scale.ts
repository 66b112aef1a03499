// Scaling: a new release with the same image and config and the new formation, through the same swap.
import type { ReleaseServices } from '../services.js';
import { activeRelease } from '../store/releases.js';
import { getApp, setAppFormation } from '../store/apps.js';
import type { LineSink } from '../log.js';
import { releaseAgain } from './release-again.js';
import { applyFormation } from '../input/formation.js';

export async function scaleApp(services: ReleaseServices, app: string, change: Record<string, number>, out: LineSink): Promise<void> {
  const active = await activeRelease(services.db, app);
  if (!active) {
    // Nothing runs yet: kept for the first deploy, for the process types it turns out to have.
    const formation = { ...(await getApp(services.db, app)).formation, ...change };
    await setAppFormation(services.db, app, formation);
    out.done(
      `Stored ${Object.entries(formation)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}; the first deploy starts with it`,
    );
    return;
  }
  const formation = applyFormation(active.spec.formation, active.spec.commands, change);
  const what = Object.entries(change)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  await releaseAgain(
    services,
    active,
    { spec: { ...active.spec, formation }, description: `Scale ${what}`, announce: (v) => `Scaling ${app} (${what}) as release v${v}` },
    out,
  );
  out.done(
    `Scaled: ${Object.entries(formation)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
}
