// run:detached and ps:kill: one-offs that run in the background, and stopping one dyno (a one-off for good, a
// replica of the formation to be replaced by healing).
import { PaasError } from '../errors.js';
import type { Route } from './dispatch.js';
import { checkRunCommand, killDynos, startDetached } from '../release/one-off.js';
import { appendHistory } from '../store/log-history.js';
import { APP, appOf } from './route-helpers.js';

export const DYNO_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/run-detached$`),
    scope: 'app',
    audit: (c) => `run:detached ${c.params[0] ?? ''}`,
    handler: async (c) => {
      const app = await appOf(c);
      const command = checkRunCommand((c.body as { command?: unknown } | undefined)?.command);
      const { dataDir } = c.services.config;
      return { app, ...(await startDetached(c.services, app, command, (owner, lines) => appendHistory(dataDir, owner, lines))) };
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/apps/${APP}/ps/kill$`),
    scope: 'app',
    audit: (c) => `ps:kill ${c.params[0] ?? ''} ${String((c.body as { dyno?: unknown } | undefined)?.dyno ?? '').slice(0, 40)}`,
    handler: async (c) => {
      const app = await appOf(c);
      const dyno = (c.body as { dyno?: unknown } | undefined)?.dyno;
      if (typeof dyno !== 'string') throw new PaasError('PAAS_ERR_INVALID_INPUT', 'give the dyno to stop, e.g. web.1 or run.1234');
      return { app, stopped: await killDynos(c.services, app, dyno, c.services.config.stopGraceSeconds) };
    },
  },
];
