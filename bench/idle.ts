// bench/idle: the daemon's resident memory (RSS, from /proc) at rest with 1, 10 and 100 apps deployed (a small
// Dockerfile app each, pushed over SSH as a user would), against the same daemon freshly started with none:
// what grows per app. Each figure is read after 20 s at rest (metrics sampling, health and schedules running),
// as the median of 5 reads a second apart. Target: <= 120 MB at 100 apps.
import fs from 'node:fs';
import path from 'node:path';
import { fixtureRepo, removeApps, startDaemon, uniqueName } from '../test/e2e/_daemon.js';
import { median } from './_bench.js';

const COUNTS = (process.env.BENCH_APPS ?? '1,10,100').split(',').map(Number);
const REST_MS = Number(process.env.BENCH_REST_MS ?? 20_000);

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

async function restingRss(pid: number): Promise<number> {
  await new Promise((r) => setTimeout(r, REST_MS));
  const reads: number[] = [];
  for (let i = 0; i < 5; i++) {
    reads.push(rssMb(pid));
    await new Promise((r) => setTimeout(r, 1000));
  }
  return median(reads);
}

(async () => {
  const daemon = await startDaemon();
  const pid = Number(fs.readFileSync(path.join(daemon.dataDir, 'daemon.pid'), 'utf8').trim());
  const apps: string[] = [];
  try {
    const repo = await fixtureRepo('dockerfile-hello');
    const baseline = await restingRss(pid);
    console.log(`bench/idle: daemon RSS at rest (median of 5 reads after ${REST_MS / 1000} s), a small Dockerfile app per app`);
    console.log(`  0 apps (baseline, same daemon)  ${baseline.toFixed(0).padStart(4)} MB`);
    const started = Date.now();
    for (const count of COUNTS) {
      while (apps.length < count) {
        const app = uniqueName('idle');
        apps.push(app);
        const push = await daemon.push(repo, app);
        if (push.code !== 0) throw new Error(`push ${apps.length} failed:\n${push.output}`);
      }
      const rss = await restingRss(pid);
      console.log(
        `${String(count).padStart(3)} app${count === 1 ? ' ' : 's'}                        ${rss.toFixed(0).padStart(4)} MB  ` +
          `(${(rss / baseline).toFixed(2)}x the baseline, ${((rss - baseline) / count).toFixed(2)} MB per app)${count === 100 ? ' (target <= 120 MB)' : ''}`,
      );
    }
    console.log(`(${apps.length} apps pushed in ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  } finally {
    await daemon.stop();
    await removeApps(apps);
  }
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
