import test from 'ava';
import { promotionSpec } from '../../../src/release/promote.js';
import type { ReleaseSpec } from '../../../src/store/releases.js';

const staging: ReleaseSpec = {
  config: { STAGE: 'staging', SECRET: 'staging-only' },
  formation: { web: 3, worker: 2, clock: 0 },
  commands: { web: 'node server.js', worker: 'node worker.js', clock: 'node clock.js' },
  port: 8080,
  healthchecks: {},
};

test("a promotion runs the source's processes with the target's config and the target's scale", (t) => {
  const spec = promotionSpec(staging, { web: 5, worker: 0, gone: 2 }, { STAGE: 'production' });
  t.deepEqual(spec.config, { STAGE: 'production' }, "nothing of staging's config goes to production");
  t.deepEqual(spec.formation, { web: 5, worker: 0, clock: 0 }, 'types the target ran keep their scale; types it lacks are dropped');
  t.deepEqual(spec.commands, staging.commands);
  t.is(spec.port, 8080);
});

test('a type new to the target starts with one replica at most (web with one), as a first deploy would', (t) => {
  t.deepEqual(promotionSpec(staging, {}, {}).formation, { web: 1, worker: 1, clock: 0 });
});
