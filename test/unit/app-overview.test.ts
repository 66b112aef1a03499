import test from 'ava';
import { overviewOf } from '../../src/app-overview.js';
import { emptySpec } from '../../src/store/releases.js';

/** A process as the scheduler's lister shows it (a replica of another release than the active one: draining). */
function container(process: string, release: number, state: string) {
  return { process, release: `v${release}`, state: state === 'running' && release !== 3 ? 'draining' : state };
}

const release = { version: 3, createdAt: '2026-12-01T00:00:00.000Z', spec: { ...emptySpec(), formation: { web: 1, worker: 1 } } };

test('an app is running when every wanted replica of its release runs, degraded when one does not', (t) => {
  const app = { name: 'app', stopped: false };
  const running = overviewOf(app, 'http://app.localhost', release, undefined, undefined, [container('web', 3, 'running'), container('worker', 3, 'running')]);
  t.is(running.state, 'running');
  t.deepEqual(running.processes, { web: { wanted: 1, running: 1 }, worker: { wanted: 1, running: 1 } });
  t.is(running.release, 3);

  // A replica of an older release still draining does not count for the current one.
  const degraded = overviewOf(app, '', release, { number: 4, status: 'failed' }, undefined, [
    container('web', 2, 'running'),
    container('worker', 3, 'running'),
  ]);
  t.is(degraded.state, 'degraded');
  t.deepEqual(degraded.lastBuild, { number: 4, status: 'failed' });
});

test('an app without a release is not deployed; one stopped with ps:stop says so', (t) => {
  t.is(overviewOf({ name: 'app', stopped: false }, '', undefined, undefined, undefined, []).state, 'not deployed');
  t.is(overviewOf({ name: 'app', stopped: true }, '', release, undefined, { number: 1, branch: 'main', status: 'passed' }, []).state, 'stopped');
});
