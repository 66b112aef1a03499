// bench/dashboard: what the dashboard costs, measured in Debian's chromium (headless, puppeteer-core) against a real
// daemon. (1) First meaningful paint of the apps page with 100 apps, against the same page with 3 apps (same run).
// (2) Time from an app's container printing a line to the live logs page showing it (goal: within 1 s).
// (3) The daemon's RSS idle with 3 deployed apps (goal: at most 120 MB), and with the dashboard open on those 3
// apps' logs pages streaming.
import fs from 'node:fs';
import { fixtureRepo, freePort, removeApps, uniqueName, containersOf, type Daemon } from '../test/e2e/_daemon.js';
import { createToken, launchBrowser, listPaintMs, logLineMs, signIn } from '../test/e2e/_browser.js';
import { median, runBench } from './_bench.js';

const PAINTS = 5;
const LINES = 20;

/** The resident memory of the daemon serving `dataDir`, in MB (from /proc). */
function daemonRssMb(daemon: Daemon): number {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!cmdline.includes('server') || !cmdline.includes(daemon.dataDir)) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return Number(rss) / 1024;
    } catch {
      // A process that ended while listed.
    }
  }
  throw new Error('the daemon process was not found');
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const apiPort = await freePort();
const base = `http://127.0.0.1:${apiPort}`;
const extra: string[] = [];

runBench(
  'dashb',
  { PAAS_API_PORT: String(apiPort), PAAS_API_HOST: '127.0.0.1' },
  async (daemon, app) => {
    const apps = [app, `${app}-b`, `${app}-c`];
    extra.push(apps[1]!, apps[2]!);
    const repo = await fixtureRepo('ops-app');
    for (const name of apps) {
      const push = await daemon.push(repo, name);
      if (push.code !== 0) throw new Error(push.output);
    }
    const token = await createToken(daemon, 'bench');
    await settle(5000);
    const idleMb = daemonRssMb(daemon);

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await signIn(page, base, token);
      const paint = async (rows: number) => {
        const times: number[] = [];
        for (let i = 0; i < PAINTS; i++) {
          const fresh = await browser.newPage();
          times.push(await listPaintMs(fresh, `${base}/`, rows));
          await fresh.close();
        }
        return median(times);
      };
      const paint3 = await paint(3);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      for (let i = 0; i < 97; i++) {
        const name = uniqueName('dashb-many');
        extra.push(name);
        const res = await fetch(`${base}/apps`, { method: 'POST', headers, body: JSON.stringify({ name }) });
        if (res.status !== 200) throw new Error(await res.text());
      }
      const paint100 = await paint(100);

      // Three pages, each following one app's logs; the lines are printed in turn by each app's container.
      const pages = [];
      for (const name of apps) {
        const logs = await browser.newPage();
        await logs.goto(`${base}/#/apps/${name}/logs`);
        await logs.waitForFunction(() => (document.querySelector('pre[role=log]')?.textContent ?? '').length > 0, { timeout: 30_000 });
        const [web] = (await containersOf(name)).filter((c) => c.State === 'running' && c.Labels['paas.process'] === 'web');
        pages.push({ logs, container: web!.Id });
      }
      const latencies: number[] = [];
      for (let i = 0; i < LINES; i++) {
        const { logs, container } = pages[i % pages.length]!;
        try {
          latencies.push(await logLineMs(logs, container, `bench-line-${i}-${Date.now()}`));
        } catch (err) {
          const shown = await logs.$eval('pre[role=log]', (el) => el.textContent ?? '');
          throw new Error(`line ${i} (page ${i % pages.length}) did not show; the page has:\n${shown.slice(-1500)}`, { cause: err });
        }
      }
      await settle(5000);
      const streamingMb = daemonRssMb(daemon);
      await browser.close();
      await settle(3000);
      const afterMb = daemonRssMb(daemon);

      const sorted = [...latencies].sort((a, b) => a - b);
      console.log('bench/dashboard');
      console.log(
        `apps page first meaningful paint: 100 apps median ${paint100.toFixed(0)} ms; 3 apps (baseline, same run) median ${paint3.toFixed(0)} ms (${(paint100 / paint3).toFixed(2)}x)`,
      );
      console.log(
        `log line printed by a container -> shown on the live logs page: median ${median(latencies).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms over ${LINES} lines (goal 1000 ms)`,
      );
      console.log(
        `daemon RSS: idle with 3 apps ${idleMb.toFixed(0)} MB (goal <= 120 MB); dashboard open on 3 apps streaming logs ${streamingMb.toFixed(0)} MB (${(streamingMb / idleMb).toFixed(2)}x idle); browser closed ${afterMb.toFixed(0)} MB`,
      );
    } finally {
      await browser.close().catch(() => undefined);
    }
  },
  () => removeApps(extra),
);
