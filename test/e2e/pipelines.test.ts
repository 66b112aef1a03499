// Pipelines end to end (Heroku's): a staging app's tested release promoted to production as the very same image,
// with production's own config, no build and no new layer; refused when its commit has no passing CI run unless
// --force; rolled back as any release; and never by a collaborator who may not deploy to the target.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { commitAll, docker, fileDaemon, fixtureRepo, git, settledContainersOf } from './_daemon.js';

const { daemon, name } = fileDaemon(test);

async function webImage(app: string): Promise<{ image: string; env: string[] }> {
  const [web] = (await settledContainersOf(app)).filter((c) => c.Labels['paas.process'] === 'web');
  if (!web) throw new Error(`no web container of ${app}`);
  const inspected = await docker.getContainer(web.Id).inspect();
  return { image: inspected.Image, env: inspected.Config.Env ?? [] };
}

test('a tested staging release is promoted to production as the same image with production config; untested commits need --force; rollback works', async (t) => {
  const d = daemon();
  const pipeline = name('pipe');
  const staging = name('pstg');
  const production = name('pprd');
  t.is((await d.paas(['apps:create', production])).code, 0);
  t.is((await d.paas(['config:set', production, 'STAGE=production'])).code, 0);
  const created = await d.paas(['pipelines:create', pipeline]);
  t.is(created.code, 0, created.output);
  const add = await d.paas(['pipelines:add', production, '--pipeline', pipeline, '--stage', 'production']);
  t.is(add.code, 0, add.output);
  t.regex(add.stdout, new RegExp(`Added ${production} to ${pipeline} as production`));

  // A promotion from an app with no pipeline says how to make one.
  const repo = await fixtureRepo('ci-app');
  await commitAll(repo, 'v1', { 'www/index.html': 'hello from v1\n' });
  t.is((await d.push(repo, staging)).code, 0);
  const outside = await d.paas(['pipelines:promote', staging]);
  t.is(outside.code, 1);
  t.regex(outside.output, new RegExp(`app "${staging}" is in no pipeline: add it with paas pipelines:add ${staging}`));
  // Heroku's form: pipelines:add PIPELINE -a APP -s STAGE.
  t.is((await d.paas(['pipelines:add', pipeline, '-a', staging, '-s', 'staging'])).code, 0);
  t.is((await d.paas(['config:set', staging, 'STAGE=staging'])).code, 0);

  const promoted = await d.paas(['pipelines:promote', staging]);
  t.is(promoted.code, 0, promoted.output);
  t.regex(promoted.output, new RegExp(`Promoting ${staging} v\\d+ \\([0-9a-f]{7}\\) to ${production}`));
  t.regex(promoted.output, new RegExp(`Layers: [1-9]\\d* reused from ${staging} v\\d+, 0 new`), 'no layer is new to production');
  t.notRegex(promoted.output, /Building|Running tests/, 'no build and no test run');
  t.regex(promoted.output, new RegExp(`=====> Promoted ${staging} v\\d+ to ${production} v\\d+: http://${production}\\.localhost`));
  t.is((await d.get(production)).body, 'hello from v1\n');
  const [stagingWeb, productionWeb] = [await webImage(staging), await webImage(production)];
  t.is(productionWeb.image, stagingWeb.image, 'production runs the very image staging tested');
  t.true(productionWeb.env.includes('STAGE=production'), 'with its own config');
  t.true(stagingWeb.env.includes('STAGE=staging'));
  t.regex((await d.paas(['releases:output', staging, 'v1'])).stdout, /Output of build 1 of .*, which made v1 \(Deploy [0-9a-f]{7}\)\n[\s\S]*Running tests/);
  t.regex((await d.paas(['releases:output', production, 'v1'])).stdout, /v1 \(Promote from .*\) ran no build or release phase/);
  const releases = await d.paas(['releases', production]);
  t.regex(releases.stdout, new RegExp(`Promote from ${staging} v\\d+ \\([0-9a-f]{7}\\)`));
  const info = await d.paas(['pipelines:info', pipeline, '--json']);
  const stages = JSON.parse(info.stdout) as { stage: string; app: string; release: { sha: string } | null }[];
  t.deepEqual(
    stages.map((s) => s.stage),
    ['staging', 'production'],
  );
  t.is(stages[0]!.release?.sha, stages[1]!.release?.sha, 'both stages run one commit');

  // A commit whose tests did not run (no test command) is not promoted without --force.
  fs.rmSync(path.join(repo, 'app.json'));
  await commitAll(repo, 'v2 without tests', { 'www/index.html': 'hello from v2\n' });
  const sha = (await git(repo, ['rev-parse', 'HEAD'])).stdout.trim();
  t.is((await d.push(repo, staging)).code, 0);
  const refused = await d.paas(['pipelines:promote', staging]);
  t.is(refused.code, 1);
  t.regex(refused.output, new RegExp(`is not promoted: commit ${sha.slice(0, 7)} has no tests .*or add --force`));
  t.is((await d.get(production)).body, 'hello from v1\n', 'production is untouched');
  const ciShow = await d.paas(['ci:show', staging, sha.slice(0, 8)]);
  t.regex(ciShow.stdout, new RegExp(`CI run \\d+ of ${staging}: skipped`), 'ci:show takes a commit');
  const forced = await d.paas(['pipelines:promote', staging, '--to', production, '--force']);
  t.is(forced.code, 0, forced.output);
  t.is((await d.get(production)).body, 'hello from v2\n');

  // The target rolls back as for any release.
  const rollback = await d.paas(['rollback', production]);
  t.is(rollback.code, 0, rollback.output);
  t.is((await d.get(production)).body, 'hello from v1\n');

  // A collaborator of staging only may not deploy to production through a promotion.
  const keyFile = path.join(d.dataDir, 'staging_collaborator');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stg', '-f', keyFile]);
  t.is((await d.paas(['keys:add', 'stg-only', '--app', staging], fs.readFileSync(keyFile + '.pub', 'utf8'))).code, 0);
  const denied = await d.ssh(['pipelines:promote', staging, '--force'], { keyFile });
  t.not(denied.code, 0);
  t.regex(denied.output, new RegExp(`permission denied: you may not deploy to ${production}`));
  t.is((await d.get(production)).body, 'hello from v1\n');
  const seen = await d.ssh(['pipelines'], { keyFile });
  t.regex(seen.stdout, new RegExp(staging));
  t.notRegex(seen.stdout, new RegExp(production), 'a collaborator sees only the apps it may use');

  t.regex((await d.paas(['events', staging])).stdout, new RegExp(`promote ${staging} --to ${production} --force`));
  const destroyed = await d.paas(['pipelines:destroy', pipeline]);
  t.is(destroyed.code, 0, destroyed.output);
  t.notRegex((await d.paas(['pipelines'])).stdout, new RegExp(pipeline));

  // The promoted image is production's release too: destroying staging leaves it to production, which restarts on it.
  const gone = await d.paas(['apps:destroy', staging, '--confirm', staging]);
  t.is(gone.code, 0, gone.output);
  const restarted = await d.paas(['ps:restart', production]);
  t.is(restarted.code, 0, restarted.output);
  t.is((await d.get(production)).body, 'hello from v1\n');
});
