// Review apps end to end (Heroku's): a branch pushed to a pipeline's staging app whose CI passes gets an app of its
// own, built from the parent's repository with the parent's config (less what app.json keeps back) and app.json's
// review environment, served at its own hostname before the push returns; a deleted branch takes it away with
// everything it had; a pipeline's maximum holds; reviewapps:create makes one on request.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { commitAll, containersOf, fileDaemon, fixtureRepo, git } from './_daemon.js';

const { daemon, name } = fileDaemon(test, { env: { PAAS_REVIEW_APPS_MAX: '1' } });

test('branches of the staging app get review apps of their own, with inherited config, removed with the branch', async (t) => {
  const d = daemon();
  const pipeline = name('rpipe');
  const staging = name('rstg');
  const repo = await fixtureRepo('review-app-json');
  t.is((await d.push(repo, staging)).code, 0);
  t.is((await d.paas(['config:set', staging, 'SECRET_KEY=s3cret', 'PAYMENT_API_KEY=live-key'])).code, 0);
  t.is((await d.paas(['pipelines:create', pipeline, '--app', staging, '--stage', 'staging'])).code, 0);
  const enabled = await d.paas(['reviewapps:enable', '--pipeline', pipeline, '--autodeploy']);
  t.is(enabled.code, 0, enabled.output);
  t.regex(enabled.stdout, /Review apps on for .*, for every pushed branch whose CI passes/);

  // The branch's review app: made, deployed without testing twice, served at its own hostname before the push returns.
  const review = `${staging}-feature-login-page`;
  await git(repo, ['checkout', '-q', '-b', 'feature/Login-Page']);
  await commitAll(repo, 'login page', { 'public/index.html': 'notes: login page\n' });
  const pushed = await d.push(repo, staging, 'feature/Login-Page');
  t.is(pushed.code, 0, pushed.output);
  t.regex(pushed.output, new RegExp(`Created review app ${review} for feature/Login-Page of ${staging}`));
  t.regex(pushed.output, /Tests of [0-9a-f]{7} passed in CI run \d+ of .*; not run again/);
  t.regex(pushed.output, new RegExp(`seeding ${review} \\(branch feature/Login-Page, parent ${staging}\\) banner=review`), 'postdeploy ran');
  const doneLines = pushed.output.split('\n').filter((l) => l.includes('=====>'));
  t.regex(doneLines[doneLines.length - 1] ?? '', new RegExp(`http://${review}\\.localhost`), 'the last =====> line names its URL');
  t.is((await d.get(review)).body, 'notes: login page\n');
  t.is((await d.get(staging)).body, 'notes: main\n', 'the parent is untouched');
  const config = (await d.paas(['config', review])).stdout;
  t.regex(config, /SECRET_KEY:\s+s3cret/, "the parent's config is inherited");
  t.notRegex(config, /PAYMENT_API_KEY/, 'except what app.json marks "inherit": false');
  t.regex(config, /FEATURE_BANNER:\s+review/);
  t.regex(config, /LOG_LEVEL:\s+debug/, 'environments.review.env wins over the top-level env');
  const listed = JSON.parse((await d.paas(['reviewapps', '--pipeline', pipeline, '--json'])).stdout) as { app: string; branch: string; state: string }[];
  t.deepEqual(
    listed.map((r) => [r.app, r.branch, r.state]),
    [[review, 'feature/Login-Page', 'deployed']],
  );

  // A collaborator of the parent may use its review apps.
  const keyFile = path.join(d.dataDir, 'parent_collaborator');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'dev', '-f', keyFile]);
  t.is((await d.paas(['keys:add', 'parent-dev', '--app', staging], fs.readFileSync(keyFile + '.pub', 'utf8'))).code, 0);
  const seen = await d.ssh(['releases', review], { keyFile });
  t.is(seen.code, 0, seen.output);

  // The next commit of the branch updates the same review app; postdeploy ran once only.
  await commitAll(repo, 'login page 2', { 'public/index.html': 'notes: login page v2\n' });
  const again = await d.push(repo, staging, 'feature/Login-Page');
  t.is(again.code, 0, again.output);
  t.notRegex(again.output, /Created review app|seeding/);
  t.is((await d.get(review)).body, 'notes: login page v2\n');

  // A branch whose tests fail gets none; past the pipeline's maximum, none either, with the way out.
  await git(repo, ['checkout', '-q', '-b', 'broken', 'main']);
  await commitAll(repo, 'broken', { 'public/index.html': 'oops\n' });
  const broken = await d.push(repo, staging, 'broken');
  t.is(broken.code, 0, 'a branch push is accepted whatever its CI says');
  t.regex(broken.output, /CI of broken did not pass: no review app made/);
  await git(repo, ['checkout', '-q', '-b', 'docs', 'main']);
  await commitAll(repo, 'docs', { 'public/index.html': 'notes: docs\n' });
  const full = await d.push(repo, staging, 'docs');
  t.regex(full.output, /has 1 review apps, the most it may have \(PAAS_REVIEW_APPS_MAX\): remove one with paas reviewapps:destroy APP/);

  // Deleting the branch removes the review app and everything it had.
  const deleted = await d.push(repo, staging, ':feature/Login-Page');
  t.is(deleted.code, 0, deleted.output);
  t.regex(deleted.output, new RegExp(`cleaning up ${review}`), 'pr-predestroy ran first');
  t.regex(deleted.output, new RegExp(`Destroyed review app ${review}`));
  t.is((await d.get(review)).status, 404);
  t.deepEqual(await containersOf(review), []);
  t.regex((await d.paas(['apps:info', review])).output, /does not exist/);

  // On request: reviewapps:create deploys a pushed branch; reviewapps:destroy removes it.
  t.is((await d.paas(['reviewapps:enable', '--pipeline', pipeline])).code, 0);
  const created = await d.paas(['reviewapps:create', '--pipeline', pipeline, '--branch', 'docs']);
  t.is(created.code, 0, created.output);
  t.is((await d.get(`${staging}-docs`)).body, 'notes: docs\n');
  const destroyed = await d.paas(['reviewapps:destroy', `${staging}-docs`]);
  t.is(destroyed.code, 0, destroyed.output);
  t.is((await d.get(`${staging}-docs`)).status, 404);
});
