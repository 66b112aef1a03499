// The dashboard in a real browser (Debian's chromium, headless, through puppeteer-core) against a real daemon:
// sign-in with a token, a push streaming on the app's page, a rollback from the page served by the router, a log
// line arriving live, a collaborator refused another app, CSRF refused, and the list's paint with 100 apps.
import test from 'ava';
import type { Browser, Page } from 'puppeteer-core';
import { commitAll, containersOf, fixtureRepo, freePort, startDaemon, removeApps, removeServices, uniqueName, type Daemon } from './_daemon.js';
import { createToken, launchBrowser, listPaintMs, logLineMs, screenshot, signIn, waitForText } from './_browser.js';

let daemon: Daemon;
let browser: Browser;
let page: Page;
let base: string;
let adminToken: string;
let repo: string;
const app = uniqueName('dash');
const other = uniqueName('dash-other');
const many: string[] = [];
const cache = `${app}-cache`;
/** The confirmations the pages asked for (each accepted). */
const dialogs: string[] = [];

test.before(async () => {
  const apiPort = await freePort();
  base = `http://127.0.0.1:${apiPort}`;
  daemon = await startDaemon({ env: { PAAS_API_PORT: String(apiPort), PAAS_API_HOST: '127.0.0.1', PAAS_SSH_HOST: '127.0.0.1', PAAS_METRICS_INTERVAL: '1' } });
  for (const name of [app, other]) {
    const created = await daemon.paas(['apps:create', name]);
    if (created.code !== 0) throw new Error(created.output);
  }
  adminToken = await createToken(daemon, 'dash-admin');
  repo = await fixtureRepo('ops-app');
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
});

test.after.always(async () => {
  await browser?.close();
  await daemon?.stop();
  await removeApps([app, other, ...many]);
  await removeServices([cache]);
});

test.serial('signing in with an API token sets an HttpOnly, SameSite=Strict session cookie the page cannot read', async (t) => {
  await page.goto(`${base}/`);
  await page.waitForSelector('#token');
  await page.type('#token', 'paas_not-a-real-token-at-all-000000000000000000');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=alert]');
  t.regex(await page.$eval('[role=alert]', (el) => el.textContent ?? ''), /that API token is not one of this server/);

  await page.$eval('#token', (el) => ((el as HTMLInputElement).value = ''));
  await signIn(page, base, adminToken);
  await page.waitForSelector(`tr[data-app="${app}"]`);
  const rowText = await page.$eval(`tr[data-app="${app}"]`, (el) => el.textContent ?? '');
  t.regex(rowText, /not deployed/);
  const cookies = await browser.cookies();
  const session = cookies.find((c) => c.name === 'paas_session');
  t.truthy(session);
  t.true(session!.httpOnly);
  t.is(session!.sameSite, 'Strict');
  t.false((await page.evaluate(() => document.cookie)).includes('paas_session'));
  // The page itself never holds the token after sign-in: a reload stays signed in through the cookie.
  await page.reload();
  await page.waitForSelector(`tr[data-app="${app}"]`);
  await screenshot(page, 'apps');
  const icon = await fetch(`${base}/favicon.ico`);
  t.is(icon.status, 200, 'the icon browsers ask for is there');
  t.is(icon.headers.get('content-type'), 'image/svg+xml');
});

test.serial('a git push appears on the app page and its build streams there while the push runs', async (t) => {
  await page.goto(`${base}/#/apps/${app}`);
  await page.waitForSelector('#releases');
  let pushDone = false;
  const push = daemon.push(repo, app).finally(() => (pushDone = true));
  await page.waitForFunction(() => /-----> Building/.test(document.querySelector('[data-job="deploy"] pre[role=log]')?.textContent ?? ''), {
    timeout: 120_000,
  });
  t.false(pushDone, 'the build log showed on the page before git push finished');
  await screenshot(page, 'app-deploying');
  const pushed = await push;
  t.is(pushed.code, 0, pushed.output);
  await waitForText(page, 'tr[data-release="1"]', /active/, 60_000);
  await waitForText(page, 'tr[data-replica="web.1"]', /running/);
  // CPU and memory arrive live with the daemon's samples (every second here), without reloading the page.
  await page.waitForFunction(() => /\d+\.\d% .*\d+ (KB|MB)/.test(document.querySelector('tr[data-replica="web.1"]')?.textContent ?? ''), { timeout: 30_000 });
  await screenshot(page, 'app');
  await page.setViewport({ width: 390, height: 844 });
  await screenshot(page, 'app-phone');
  await page.setViewport({ width: 1280, height: 800 });

  // The finished build's page shows its stored log.
  await page.goto(`${base}/#/apps/${app}/builds/1`);
  await page.waitForFunction(() => (document.querySelector('pre[role=log]')?.textContent ?? '').length > 0);
  t.regex(await page.$eval('pre[role=log]', (el) => el.textContent ?? ''), /-----> Building/);
  await screenshot(page, 'build');
});

test.serial('rolling back from the page (confirmed) makes the router serve the old release again', async (t) => {
  const v1 = (await daemon.get(app)).body;
  await commitAll(repo, 'second', { 'www/index.html': 'ops app, second version\n' });
  const pushed = await daemon.push(repo, app);
  t.is(pushed.code, 0, pushed.output);
  t.is((await daemon.get(app)).body, 'ops app, second version\n');

  await page.goto(`${base}/#/apps/${app}`);
  // The page shows v2 as active (it loaded after the push), so v1 has its button.
  await waitForText(page, 'tr[data-release="2"]', /active/, 60_000);
  await waitForText(page, 'tr[data-release="1"]', /Roll back to v1/);
  await page.click('tr[data-release="1"] button');
  await waitForText(page, 'tr[data-release="3"]', /active/, 120_000);
  t.deepEqual(dialogs, [`Roll back ${app} to v1?`]);
  t.regex(await page.$eval('tr[data-release="3"]', (el) => el.textContent ?? ''), /Rollback to v1/i);
  t.is((await daemon.get(app)).body, v1);
  // The audit trail names the dashboard's token as the actor.
  t.regex(await page.$eval('tr[data-release="3"]', (el) => el.textContent ?? ''), /dash-admin/);
});

test.serial('scaling from the page (confirmed) starts the new replica, which the processes table then shows running', async (t) => {
  await page.goto(`${base}/#/apps/${app}`);
  const input = await page.waitForSelector('input[name="scale-web"]');
  await input!.click({ count: 3 });
  await input!.type('2');
  await page.click('button ::-p-text(Scale)');
  await waitForText(page, 'tr[data-replica="web.2"]', /running/, 120_000);
  t.is(dialogs.at(-1), 'Scale to web=2?');
  // The old release's replica leaves the table once it is stopped; then the page and Docker agree.
  await page.waitForFunction(() => document.querySelectorAll('tr[data-replica^="web."]').length === 2, { timeout: 60_000 });
  const newest = Math.max(...(await containersOf(app)).map((c) => Number(c.Labels['paas.release'])));
  const running = (await containersOf(app)).filter(
    (c) => c.State === 'running' && c.Labels['paas.process'] === 'web' && c.Labels['paas.release'] === String(newest),
  );
  t.is(running.length, 2);
});

test.serial('a CI run is run again from the app page: the same commit, its lines shown, a new run listed', async (t) => {
  const before = JSON.parse((await daemon.paas(['ci', app, '--json'])).stdout) as { number: number; sha: string }[];
  t.true(before.length > 0, 'the pushes made CI runs');
  await page.goto(`${base}/#/apps/${app}`);
  // A fresh page: the output of the last action (scaling) is not on it.
  await page.reload();
  const button = await page.waitForSelector(`button[aria-label="Run CI run ${before[0]!.number} again"]`);
  await button!.click();
  await waitForText(
    page,
    'pre[aria-label="command output"]',
    new RegExp(`CI run of \\S+ \\(${before[0]!.sha.slice(0, 7)}\\), again as run ${before[0]!.number} was`),
    60_000,
  );
  const after = JSON.parse((await daemon.paas(['ci', app, '--json'])).stdout) as { number: number; sha: string }[];
  t.is(after[0]!.number, before[0]!.number + 1);
  t.is(after[0]!.sha, before[0]!.sha);
});

test.serial('config vars are set, revealed and removed from the page, each change a release; domains added and removed', async (t) => {
  await page.goto(`${base}/#/apps/${app}`);
  // Enabled once the page's previous command (the scale above) has ended.
  await page.waitForSelector('#config button[type="submit"]:not([disabled])', { timeout: 60_000 });
  await page.type('input[name="config-key"]', 'FROM_PAGE');
  await page.type('input[name="config-value"]', 'set in the browser');
  await page.click('#config button[type="submit"]');
  await waitForText(page, 'li[data-config="FROM_PAGE"]', /FROM_PAGE/, 60_000);
  t.is((await daemon.paas(['config:get', app, 'FROM_PAGE'])).stdout, 'set in the browser\n');
  t.regex((await daemon.paas(['releases', app])).stdout, /Set FROM_PAGE config var/);
  await page.click('li[data-config="FROM_PAGE"] button[aria-label="Reveal FROM_PAGE"]');
  await waitForText(page, 'li[data-config="FROM_PAGE"] .value', /set in the browser/);
  await page.click('li[data-config="FROM_PAGE"] button[aria-label="Remove FROM_PAGE"]');
  t.is(dialogs.at(-1), `Remove FROM_PAGE from ${app}? This makes a new release.`);
  await page.waitForFunction(() => !document.querySelector('li[data-config="FROM_PAGE"]'), { timeout: 60_000 });
  t.regex((await daemon.paas(['config:get', app, 'FROM_PAGE'])).stderr, /has no config var FROM_PAGE/, 'gone for the CLI too');

  const host = `${app}.example.test`;
  await page.type('input[name="domain"]', host);
  await page.click('button ::-p-text(Add domain)');
  await page.waitForSelector(`li[data-domain="${host}"]`, { timeout: 30_000 });
  t.regex((await daemon.paas(['domains', app])).stdout, new RegExp(host.replace(/\./g, '\\.')));
  await screenshot(page, 'app-settings');
  await page.click(`li[data-domain="${host}"] button[aria-label="Remove ${host}"]`);
  await page.waitForFunction((h) => !document.querySelector(`li[data-domain="${h}"]`), { timeout: 30_000 }, host);
  t.notRegex((await daemon.paas(['domains', app])).stdout, new RegExp(host.replace(/\./g, '\\.')));
});

test.serial("a line the app's container prints shows on the live logs page", async (t) => {
  await page.goto(`${base}/#/apps/${app}/logs`);
  await page.waitForFunction(() => (document.querySelector('pre[role=log]')?.textContent ?? '').length > 0, { timeout: 30_000 });
  const [web] = (await containersOf(app)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web');
  const ms = await logLineMs(page, web!.Id, `dashboard-probe-${Date.now()}`);
  t.log(`log line shown ${ms.toFixed(0)} ms after the container printed it`);
  t.regex(await page.$eval('pre[role=log]', (el) => el.textContent ?? ''), /app\[web\.\d\]: dashboard-probe-/);
  await screenshot(page, 'logs');
});

test.serial('the pipeline page shows each stage with its release and commit; a promotion refused for its CI is forced with confirmation', async (t) => {
  const pipeline = uniqueName('dash-pipe');
  for (const args of [
    ['pipelines:create', pipeline, '--app', app, '--stage', 'staging'],
    ['pipelines:add', other, '--pipeline', pipeline, '--stage', 'production'],
  ]) {
    const r = await daemon.paas(args);
    t.is(r.code, 0, r.output);
  }
  await page.goto(`${base}/#/pipelines`);
  await waitForText(page, `li[data-pipeline="${pipeline}"]`, /staging 1, production 1/);
  await page.goto(`${base}/#/pipelines/${pipeline}`);
  await waitForText(page, `#stage-staging li[data-app="${app}"]`, /v\d+/);
  t.regex(await page.$eval(`#stage-production li[data-app="${other}"]`, (el) => el.textContent ?? ''), /not deployed/);
  await screenshot(page, 'pipeline');
  // ops-app has no tests: the promotion is refused with the reason, and the page offers to force it.
  await page.click(`#stage-staging li[data-app="${app}"] button`);
  await waitForText(page, '[role=alert]', /has no tests .*or add --force/);
  t.regex(dialogs.at(-1) ?? '', new RegExp(`^Promote ${app} v\\d+ \\([0-9a-f]{7}\\) to ${other}\\?$`));
  await page.click('button ::-p-text(anyway)');
  await waitForText(page, `#stage-production li[data-app="${other}"]`, /v1/, 120_000);
  t.regex(dialogs.at(-1) ?? '', /although its commit has no passing CI run\?$/);
  t.regex(await page.$eval('pre[role=log]', (el) => el.textContent ?? ''), /=====> Promoted/);
  t.is((await daemon.get(other)).body, (await daemon.get(app)).body, 'production serves what staging serves');
  await screenshot(page, 'pipeline-promoted');
  await daemon.paas(['pipelines:destroy', pipeline]);
});

test.serial('the services page lists a service; its page reveals the URL on request and takes a backup, listed when done', async (t) => {
  const created = await daemon.paas(['services:create', 'redis', cache]);
  t.is(created.code, 0, created.output);
  await page.goto(`${base}/#/services`);
  await waitForText(page, `tr[data-service="${cache}"]`, /redis .*running/);
  await page.click(`tr[data-service="${cache}"] a`);
  await page.waitForSelector('button ::-p-text(Back up now)');
  t.is(await page.$eval('dd code.value', (el) => el.textContent ?? ''), '••••••', 'the URL (with its password) is hidden until asked');
  await page.click('dd button ::-p-text(Reveal)');
  await waitForText(page, 'dd code.value', /^redis:\/\//);
  await page.click('button ::-p-text(Back up now)');
  await waitForText(page, 'ul.backups', new RegExp(`${cache}-\\d{8}T`), 60_000);
  t.true((await page.$eval('pre[role=log]', (el) => el.textContent ?? '')).length > 0, 'the backup said what it did');
  t.deepEqual(JSON.parse((await daemon.paas(['services:info', cache, '--json'])).stdout).backups.length, 1);
  await screenshot(page, 'service');
});

test.serial('an admin makes a collaborator token that expires, sees it once, and revokes it; the revoked token is refused as revoked', async (t) => {
  await page.goto(`${base}/#/tokens`);
  await page.waitForSelector('input[name=token-name]');
  await page.type('input[name=token-name]', 'dash-ci');
  await page.type('input[name=token-apps]', app);
  await page.select('select[name=token-expires]', '7d');
  await page.click('button ::-p-text(Make token)');
  await page.waitForSelector('[data-token]');
  const token = await page.$eval('[data-token]', (el) => el.textContent ?? '');
  t.regex(token, /^paas_[A-Za-z0-9_-]{43}$/);
  await waitForText(page, 'tr[data-token-row="dash-ci"]', new RegExp(`collaborator on ${app}.*expires \\d{4}-`));
  const whoami = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${token}` } });
  t.deepEqual(await whoami.json(), { name: 'dash-ci', role: 'collaborator', apps: [app] });
  await screenshot(page, 'tokens');
  await page.click('button[aria-label="Revoke dash-ci"]');
  await waitForText(page, 'tr[data-token-row="dash-ci"] .state', /^revoked \d{4}-/);
  t.regex(dialogs.at(-1) ?? '', /^Revoke the token dash-ci\?/);
  const refused = await fetch(`${base}/whoami`, { headers: { authorization: `Bearer ${token}` } });
  t.is(refused.status, 401);
  t.regex(JSON.stringify(await refused.json()), /that API token \(dash-ci\) was revoked at /);
});

test.serial('actions without the session CSRF token are refused, and so is an app outside a token scope', async (t) => {
  // The signed-in admin's cookie alone does not make a change: the CSRF token must come with it.
  const forged = await page.evaluate(async (name: string) => {
    const res = await fetch(`/apps/${name}/ps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'stop' }) });
    return { status: res.status, body: await res.text() };
  }, app);
  t.is(forged.status, 403);
  t.regex(forged.body, /CSRF/);
  t.is((await daemon.get(app)).status, 200);

  // Another site's page can neither sign a browser in nor act with its cookie, even knowing the CSRF token.
  const evil = { 'content-type': 'application/json', origin: 'http://evil.example' };
  t.is((await fetch(`${base}/session`, { method: 'POST', headers: evil, body: JSON.stringify({ token: adminToken }) })).status, 403);
  const signedIn = await fetch(`${base}/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: adminToken }),
  });
  const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  const { csrf } = (await signedIn.json()) as { csrf: string };
  t.is((await fetch(`${base}/session`, { method: 'DELETE', headers: { ...evil, cookie, 'x-csrf-token': csrf } })).status, 403);
  t.is((await fetch(`${base}/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrf } })).status, 200);

  const collaborator = await createToken(daemon, 'dash-collab', other);
  const context = await browser.createBrowserContext();
  const scoped = await context.newPage();
  await signIn(scoped, base, collaborator);
  await scoped.waitForSelector(`tr[data-app="${other}"]`);
  t.is(await scoped.$(`tr[data-app="${app}"]`), null);
  await scoped.goto(`${base}/#/apps/${app}`);
  const refused = await scoped.waitForSelector('[role=alert] ::-p-text(may not)');
  t.regex(await refused!.evaluate((el) => el.textContent ?? ''), /You may not see .*permission denied: "dash-collab" may not use app/);
  const direct = await scoped.evaluate(async (name: string) => (await fetch(`/apps/${name}/config`)).status, app);
  t.is(direct, 403);
  const live = await scoped.evaluate(
    async (name: string) => (await fetch(`/apps/${name}/logs/live`, { headers: { accept: 'text/event-stream' } })).status,
    app,
  );
  t.is(live, 403);
  await screenshot(scoped, 'refused');
  // Signing out ends the session: the cookie no longer opens the API.
  await scoped.goto(`${base}/`);
  await scoped.waitForSelector('button ::-p-text(Sign out)');
  await scoped.click('button ::-p-text(Sign out)');
  await scoped.waitForSelector('#token');
  t.is(await scoped.evaluate(async () => (await fetch('/overview')).status), 401);
  await context.close();
});

test.serial('the apps page lists 100 apps (first meaningful paint measured in the browser)', async (t) => {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  while (many.length < 98) {
    const name = uniqueName('dash-many');
    const res = await fetch(`${base}/apps`, { method: 'POST', headers, body: JSON.stringify({ name }) });
    t.is(res.status, 200);
    many.push(name);
  }
  const fresh = await browser.newPage();
  const ms = await listPaintMs(fresh, `${base}/`, 100);
  t.log(`apps page with 100 apps painted ${ms.toFixed(0)} ms after navigation started`);
  t.is(await fresh.$$eval('tr[data-app]', (rows) => rows.length), 100);
  await fresh.close();
});
