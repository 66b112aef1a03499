import test from 'ava';
import { staleReviewApps } from '../../../src/review/review-sweep.js';

test('--autodestroy removes review apps whose last deploy is older than their pipeline allows, and only those', (t) => {
  const now = new Date('2026-12-10T12:00:00Z');
  const row = (app: string, pipeline: string, deployedAt: string | null, createdAt = '2026-12-01T00:00:00Z') => ({
    app,
    pipeline,
    parent: 'p',
    branch: app,
    sha: null,
    createdAt,
    deployedAt,
  });
  const pipelines = [
    { name: 'short', review: { enabled: true, autodeploy: true, autodestroyDays: 2 } },
    { name: 'forever', review: { enabled: true, autodeploy: true, autodestroyDays: null } },
  ];
  const rows = [
    row('idle', 'short', '2026-12-07T12:00:00Z'),
    row('recent', 'short', '2026-12-09T12:00:00Z'),
    row('never-deployed', 'short', null),
    row('kept', 'forever', '2026-01-01T00:00:00Z'),
  ];
  t.deepEqual(staleReviewApps(rows, pipelines, now), ['idle', 'never-deployed']);
});
