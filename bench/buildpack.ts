// bench/buildpack: first build and code-only rebuild of a Node app with a few dependencies (node buildpack), then a
// cold first build (no Node.js runtime image on the host) and a code-only rebuild of a Node app without engines
// (the current LTS on the apps stack).
// Prints the new layer bytes of each rebuild (target: at most the changed bytes plus 1 MB) and push-to-live of
// the rebuilds (median; target: at most 8 s), with the first build as the baseline of the same run.
import fs from 'node:fs';
import path from 'node:path';
import { commitAll, docker, fixtureRepo, removeApps, uniqueName } from '../test/e2e/_daemon.js';
import { median, runBench } from './_bench.js';
import { formatBytes } from '../src/release/layers.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

async function timedPush(push: () => Promise<{ code: number; output: string }>, served: () => Promise<boolean>): Promise<number> {
  const start = performance.now();
  const result = await push();
  if (result.code !== 0) throw new Error(result.output);
  while (!(await served())) await new Promise((r) => setTimeout(r, 10));
  return performance.now() - start;
}

runBench('bpbench', {}, async (daemon, app) => {
  const repo = await fixtureRepo('node-express');
  const first = await timedPush(
    () => daemon.push(repo, app),
    async () => (await daemon.get(app)).status === 200,
  );
  const rebuilds: number[] = [];
  const newBytes: number[] = [];
  let changed = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const server = fs.readFileSync(path.join(repo, 'server.js'), 'utf8').replace(/hello from node[^,]*,/, `hello from node round ${round},`);
    changed = Buffer.byteLength(server);
    await commitAll(repo, `round ${round}`, { 'server.js': server });
    rebuilds.push(
      await timedPush(
        () => daemon.push(repo, app),
        async () => (await daemon.get(app)).body.includes(`round ${round},`),
      ),
    );
  }
  // The daemon records each release's layers; newBytes is what a release adds to the one before it.
  const releases = JSON.parse((await daemon.paas(['releases', app, '--json'])).stdout) as { version: number; newBytes: number }[];
  for (const release of releases) if (release.version > 1) newBytes.push(release.newBytes);
  console.log(`bench/buildpack: Node app (node buildpack, 1 dependency and 1 devDependency, npm run build, npm test), ${ROUNDS} code-only rebuilds`);
  console.log(`first build push-to-live (baseline): ${(first / 1000).toFixed(1)} s`);
  console.log(
    `code-only rebuild push-to-live: median ${(median(rebuilds) / 1000).toFixed(1)} s (target <= 4 s); ratio to first build ${(median(rebuilds) / first).toFixed(2)}x`,
  );
  console.log(`new layer bytes per rebuild: median ${formatBytes(median(newBytes))} for ${formatBytes(changed)} of changed source (target <= changed + 1 MB)`);

  // The same pipeline, cold: no Node.js runtime image on the host, then a code-only rebuild.
  const lts = uniqueName('bplts');
  try {
    for (const image of await docker.listImages({ filters: { reference: ['paas/runtime'] } })) {
      if ((image.RepoTags ?? []).some((tag) => tag.startsWith('paas/runtime:node-')))
        await docker
          .getImage(image.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
    const ltsRepo = await fixtureRepo('node-no-engines');
    const cold = await timedPush(
      () => daemon.push(ltsRepo, lts),
      async () => (await daemon.get(lts)).status === 200,
    );
    const index = fs.readFileSync(path.join(ltsRepo, 'index.js'), 'utf8').replace('hello from node', 'hello again from node');
    await commitAll(ltsRepo, 'code only', { 'index.js': index });
    const warm = await timedPush(
      () => daemon.push(ltsRepo, lts),
      async () => (await daemon.get(lts)).body.startsWith('hello again'),
    );
    const version = (await daemon.get(lts)).body.trim().split(' ').pop();
    console.log(
      `Node app without engines (current LTS ${version}): cold first build push-to-live ${(cold / 1000).toFixed(1)} s; code-only rebuild ${(warm / 1000).toFixed(1)} s (${(warm / cold).toFixed(2)}x the cold build)`,
    );
  } finally {
    await removeApps([lts]);
  }
});
