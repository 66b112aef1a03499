// bench/router-rules: what each rule of the project's HAProxy configuration costs. The configuration the data
// plane writes for one app is run as it is, and again once without each of its rules and options (one at a time),
// and as the floor (no rules at all); wrk with 64 keep-alive connections, interleaved rounds, HTTP/1.1 on the plain
// port. Prints, per rule, the req/s and the CPU per request of HAProxy (its access log written by itself to a file,
// as the floor does) and what removing the rule saves. Loopback and the bench's own container only.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { docker, freePort } from '../test/e2e/_daemon.js';
import { median } from './_bench.js';
import { needTools, PIN, ROUNDS, run, SECONDS, startApp, wrk, type Round } from './_router.js';
import { HaproxyDataPlane } from '../src/router/haproxy/haproxy-data-plane.js';
import { stopHaproxy } from '../src/router/haproxy/haproxy-process.js';
import { haproxyBinary } from '../src/router/haproxy/haproxy-install.js';

/** Pure: the configuration's lines a user-visible behaviour hangs on, one per variant (rules and options of the frontend and defaults). */
export function rulesOf(config: string): string[] {
  return config.split('\n').filter((l) => /^ {2}(http-request|http-response|option|retry-on|retries|acl|log |log-format|balance)/.test(l));
}

/** Pure: the configuration run on its own (no master, no stats socket), its port set, without `drop` when given. */
function variant(config: string, port: number, drop?: string): string {
  return config
    .split('\n')
    .filter((l) => l !== drop && !/^ {2}(master-worker|stats socket|stats timeout)/.test(l) && !/^ {2}bind (quic4@|unix@)/.test(l) && !/ ssl crt-list /.test(l))
    .map((l) => (/^ {2}bind \S*:\d+ proto h1$/.test(l) ? `  bind 127.0.0.1:${port} proto h1` : l))
    .join('\n');
}

async function main(): Promise<void> {
  await needTools();
  if (PIN) await run('taskset', ['-a', '-p', '-c', '1', String(process.pid)]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paas-bench-rules-'));
  const app = await startApp();
  const children: ChildProcess[] = [];
  try {
    // The configuration exactly as the data plane writes it for an app with one replica.
    const plane = new HaproxyDataPlane({
      dataDir: dir,
      domain: 'localhost',
      httpPort: await freePort(),
      httpsPort: await freePort(),
      upstreamTimeoutMs: 60_000,
      host: '127.0.0.1',
    });
    await plane.start();
    await plane.setTargets('bench', [{ url: `http://${app.ip}:5000`, container: 'bench', release: 1, id: app.id }]);
    const config = fs.readFileSync(plane.paths.config, 'utf8');
    await plane.close();
    await stopHaproxy(plane.paths);

    const rules = rulesOf(config);
    // The floor: every rule and option above removed (what HAProxy with this access log costs at least).
    const floor = rules.filter((r) => !/set-var\(txn\.host\) req\.hdr|use_backend|^ {2}log|^ {2}acl/.test(r));
    const variants: { label: string; drop?: string | undefined; dropAll?: string[] }[] = [
      { label: 'floor: none of the removable rules', dropAll: floor },
      { label: 'all rules (as the data plane writes it)' },
      ...rules.map((r) => ({ label: `without: ${r.trim()}`, drop: r })),
    ];
    const results = new Map<string, Round[]>(variants.map((v) => [v.label, []]));
    const broken = new Set<string>();
    const refused = new Set<string>();
    for (let round = 1; round <= ROUNDS; round++) {
      // Each round starts at another variant: the first of a round runs on a colder machine than the rest.
      const offset = Math.floor(((round - 1) * variants.length) / ROUNDS);
      for (const v of [...variants.slice(offset), ...variants.slice(0, offset)]) {
        const port = await freePort();
        const file = path.join(dir, 'variant.cfg');
        fs.writeFileSync(
          file,
          v.dropAll ? v.dropAll.reduce((text, rule) => text.replace(`${rule}\n`, ''), variant(config, port)) : variant(config, port, v.drop),
        );
        const log = fs.openSync(path.join(dir, 'access.log'), 'a');
        const proxy = spawn(haproxyBinary(), ['-db', '-f', file], { stdio: ['ignore', log, 'ignore'] });
        fs.closeSync(log);
        children.push(proxy);
        await new Promise((r) => setTimeout(r, 400));
        if (proxy.exitCode !== null) {
          // Other rules name it (an acl): not removable alone.
          refused.add(v.label);
          continue;
        }
        // Without some rules nothing is routed (the host variable, the backend choice): those are marked, not measured.
        const measured = await wrk(port, proxy.pid).catch(() => undefined);
        if (measured) results.get(v.label)!.push(measured);
        else broken.add(v.label);
        proxy.kill('SIGTERM');
        await new Promise((r) => proxy.once('exit', r));
      }
    }
    const med = (rs: Round[], key: keyof Round) => median(rs.map((r) => r[key] ?? NaN));
    const all = results.get(variants[1]!.label)!;
    console.log(
      `bench/router-rules: wrk, 64 keep-alive connections, ${ROUNDS} interleaved rounds of ${SECONDS} s (medians); HAProxy writing its own access log to a file`,
    );
    for (const [label, rs] of results) {
      if (refused.has(label)) {
        console.log(`      (other rules name it: not removable alone)  ${label}`);
        continue;
      }
      if (broken.has(label)) {
        console.log(`      (requests fail without it: it routes)  ${label}`);
        continue;
      }
      const saved = med(all, 'cpuPerRequestUs') - med(rs, 'cpuPerRequestUs');
      console.log(
        `${med(rs, 'rps').toFixed(0).padStart(7)} req/s  cpu ${med(rs, 'cpuPerRequestUs').toFixed(1).padStart(5)} us/request` +
          (rs === all ? '          ' : `  (${saved >= 0 ? '-' : '+'}${Math.abs(saved).toFixed(1)} us)`) +
          `  ${label}`,
      );
    }
    console.log('a rule whose removal saves less than the spread of the rounds is within noise; run with BENCH_ROUNDS=5 for finer figures');
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await docker.getContainer(app.id).remove({ force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
