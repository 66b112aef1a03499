// Prometheus: GET /metrics on the API port, with an admin token, gives the daemon's numbers (apps, releases,
// builds, queues, replicas) and HAProxy's own (requests by status class per app and per replica, response
// times, sessions) in Prometheus text format; a collaborator's token gets a 403.
import test from 'ava';
import http from 'node:http';
import { fixtureRepo, portClosedToApps, removeApps, startDaemon, uniqueName, type Daemon } from './_daemon.js';

const app = uniqueName('prom');
let daemon: Daemon;
let apiPort: number;

async function token(args: string[]): Promise<string> {
  const made = await daemon.paas(['tokens:create', ...args]);
  if (made.code !== 0) throw new Error(made.output);
  return made.stdout.trim().split('\n').at(-1)!.trim();
}

function scrape(bearer: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: apiPort, path: '/metrics', headers: { authorization: `Bearer ${bearer}` }, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      })
      .on('error', reject);
  });
}

test.before(async () => {
  apiPort = await portClosedToApps();
  daemon = await startDaemon({ env: { PAAS_API_PORT: String(apiPort) } });
});

test.after.always(async () => {
  await daemon?.stop();
  await removeApps([app]);
});

test('an admin token scrapes the daemon’s and HAProxy’s metrics; a collaborator’s is refused', async (t) => {
  const pushed = await daemon.push(await fixtureRepo('dockerfile-hello'), app);
  t.is(pushed.code, 0, pushed.output);
  for (let i = 0; i < 3; i++) t.is((await daemon.get(app)).status, 200);
  const admin = await token(['prometheus']);
  const scraped = await scrape(admin);
  t.is(scraped.status, 200);
  t.regex(scraped.type, /^text\/plain; version=0\.0\.4/);
  const has = (line: RegExp, what: string) => t.regex(scraped.body, line, what);
  has(/^paas_apps 1$/m, 'apps');
  has(/^paas_releases\{status="active"\} 1$/m, 'releases by status');
  has(new RegExp(`^paas_builds_total\\{app="${app}",status="succeeded"\\} 1$`, 'm'), 'builds by result');
  has(new RegExp(`^paas_builds_seconds_total\\{app="${app}",status="succeeded"\\} [0-9.]+$`, 'm'), 'build time');
  has(new RegExp(`^paas_queue_jobs\\{app="${app}",queue="deploy",state="waiting"\\} 0$`, 'm'), 'queue depth');
  has(new RegExp(`^haproxy_backend_http_responses_total\\{proxy="app_${app}",code="2xx"\\} 3$`, 'm'), "the app's requests by status class");
  has(new RegExp(`^haproxy_server_http_responses_total\\{proxy="app_${app}",server="r-[0-9a-f]+-[^"]+",code="2xx"\\} 3$`, 'm'), 'and per replica');
  has(new RegExp(`^haproxy_backend_response_time_average_seconds\\{proxy="app_${app}"\\} [0-9.]+$`, 'm'), 'response times');
  const collaborator = await token(['prom-collab', '--app', app]);
  t.is((await scrape(collaborator)).status, 403);
});
