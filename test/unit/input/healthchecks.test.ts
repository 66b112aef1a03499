import test from 'ava';
import { judgeAnswer, parseHealthchecks, parseJsonFile, planFor } from '../../../src/input/healthchecks.js';

test("app.json healthchecks follow Dokku's schema", (t) => {
  const plans = parseHealthchecks({
    healthchecks: { web: [{ type: 'startup', name: 'ready', path: '/health', content: 'ok', attempts: 3, timeout: 2, wait: 0.5, initialDelay: 1, uptime: 4 }] },
  });
  t.deepEqual(plans.web, {
    uptimeSeconds: 4,
    http: [{ name: 'ready', path: '/health', content: 'ok', expectStatus: 200, attempts: 3, timeoutSeconds: 2, waitSeconds: 0.5, initialDelaySeconds: 1 }],
  });
});

test('without declared checks web gets the default HTTP check and others only the uptime check', (t) => {
  t.like(planFor('web', {}, 1.5), { http: [{ path: '/', attempts: 0 }], uptimeSeconds: 1.5 });
  t.deepEqual(planFor('worker', {}, 1.5), { http: [], uptimeSeconds: 1.5, confirmSeconds: 0 });
  t.is(planFor('web', parseHealthchecks({ healthchecks: { web: [{ path: '/' }] } }), 1.5).uptimeSeconds, 1.5, 'declared checks without uptime get the default');
});

test('an HTTP answer is evidence: web is confirmed by a second answer 0.5 s after its first, unless app.json declares an uptime', (t) => {
  t.is(planFor('web', {}, 1.5).confirmSeconds, 0.5);
  t.is(planFor('web', {}, 0.3).confirmSeconds, 0.3, 'never longer than the uptime window itself');
  t.is(planFor('worker', {}, 1.5).confirmSeconds, 0, 'a process without HTTP checks has only its uptime to show');
  t.is(planFor('web', parseHealthchecks({ healthchecks: { web: [{ path: '/' }] } }), 1.5).confirmSeconds, 0.5);
  t.is(planFor('web', parseHealthchecks({ healthchecks: { web: [{ path: '/', uptime: 3 }] } }), 1.5).confirmSeconds, 0, 'a declared uptime is waited out');
});

test('answers are judged with messages that say what was seen', (t) => {
  const declared = parseHealthchecks({ healthchecks: { web: [{ path: '/', content: 'ready' }] } }).web!.http[0]!;
  t.is(judgeAnswer(declared, 404, ''), 'GET / returned 404, expected 200');
  t.is(judgeAnswer(declared, 200, 'booting'), 'GET / returned 200 without the expected content "ready"');
  t.is(judgeAnswer(declared, 200, 'all ready'), undefined);
  const fallback = planFor('web', {}, 1).http[0]!;
  t.is(judgeAnswer(fallback, 404, ''), undefined);
  t.is(judgeAnswer(fallback, 503, ''), 'GET / returned 503, expected a status below 500');
});

test('malformed app.json is reported with its line, bad checks with their place', (t) => {
  t.throws(() => parseJsonFile('{\n  "name": "x",\n  oops\n}', 'app.json'), { message: /^app\.json line 3: / });
  t.throws(() => parseHealthchecks({ healthchecks: { web: [{ path: 'health' }] } }), { message: 'app.json healthchecks.web[0].path must start with "/"' });
  t.throws(() => parseHealthchecks({ healthchecks: { web: [{ path: '/', attempts: -1 }] } }), { message: /healthchecks\.web\[0\]\.attempts must be a number/ });
  t.throws(() => parseHealthchecks({ healthchecks: [] }), { message: /must map process types/ });
});
