import test from 'ava';
import {
  checkPipelineName,
  checkReviewSettings,
  checkStage,
  nextStage,
  promotionBlock,
  promotionTargets,
  reviewAppName,
  reviewConfig,
  reviewScript,
} from '../../../src/input/pipeline.js';

test('a stage is asked for, or guessed from the app name as Heroku does', (t) => {
  t.is(checkStage('staging', 'shop'), 'staging');
  t.is(checkStage(undefined, 'shop-staging'), 'staging');
  t.is(checkStage('', 'shop-prod'), 'production');
  t.is(checkStage(undefined, 'shop-dev'), 'development');
  t.throws(() => checkStage(undefined, 'shop'), { message: 'give the stage of shop: --stage development|staging|production' });
  t.throws(() => checkStage('qa', 'shop'), { message: 'unknown stage "qa": use development, staging, production' });
  t.throws(() => checkPipelineName('Shop Pipeline'), { message: /not a pipeline name: "Shop Pipeline"/ });
  t.is(nextStage('development'), 'staging');
  t.is(nextStage('production'), undefined);
});

test("a promotion goes to the next stage's apps, or to the apps named in the same pipeline", (t) => {
  const apps = [
    { app: 'dev', stage: 'development' as const },
    { app: 'stg', stage: 'staging' as const },
    { app: 'prd-eu', stage: 'production' as const },
    { app: 'prd-us', stage: 'production' as const },
  ];
  t.deepEqual(promotionTargets(apps, 'stg', undefined), ['prd-eu', 'prd-us']);
  t.deepEqual(promotionTargets(apps, 'dev', undefined), ['stg']);
  t.deepEqual(promotionTargets(apps, 'stg', ['prd-us', 'prd-us']), ['prd-us']);
  t.throws(() => promotionTargets(apps, 'stg', ['elsewhere']), { message: `app "elsewhere" is not in stg's pipeline` });
  t.throws(() => promotionTargets(apps, 'stg', ['stg']), { message: 'stg cannot be promoted to itself' });
  t.throws(() => promotionTargets(apps, 'prd-eu', undefined), { message: /the last stage: name the targets with --to APP/ });
  t.throws(() => promotionTargets(apps.slice(0, 2), 'stg', undefined), { message: /has no production app to promote stg to/ });
  t.throws(() => promotionTargets([], 'x', undefined), { message: /app "x" is in no pipeline/ });
});

test('only a commit with a passing CI run is promoted without --force', (t) => {
  const sha = 'a'.repeat(40);
  t.is(
    promotionBlock(
      [
        { sha, status: 'failed' },
        { sha, status: 'passed' },
      ],
      sha,
    ),
    undefined,
  );
  t.is(promotionBlock([{ sha: 'b'.repeat(40), status: 'passed' }], sha), 'commit aaaaaaa has no CI run');
  t.is(promotionBlock([{ sha, status: 'skipped' }], sha), 'commit aaaaaaa has no tests (its CI runs were skipped: no test command)');
  t.is(
    promotionBlock(
      [
        { sha, status: 'failed' },
        { sha, status: 'timed out' },
      ],
      sha,
    ),
    'no CI run of commit aaaaaaa passed (failed, timed out)',
  );
});

test('a review app is named after its parent and branch as one DNS label, cut with a hash when long or taken', (t) => {
  const none = () => false;
  t.is(reviewAppName('shop-staging', 'feature/Login_Page', none), 'shop-staging-feature-login-page');
  t.is(reviewAppName('shop', '--', none), 'shop-branch');
  const long = reviewAppName('shop-staging', 'x'.repeat(80), none);
  t.true(long.length <= 63 && /^shop-staging-x+-[0-9a-f]{6}$/.test(long), long);
  const taken = new Set(['shop-a-b']);
  const other = reviewAppName('shop', 'a/b', (n) => taken.has(n));
  t.regex(other, /^shop-a-b-[0-9a-f]{6}$/, 'a/b and a-b do not collide');
  t.not(
    reviewAppName('shop', 'a/b', (n) => n === 'shop-a-b' || n === other),
    other,
  );
});

test("a review app's config: the parent's less its services' variables and what app.json keeps back, then app.json's review env", (t) => {
  const appJson = {
    env: { PAYMENT_KEY: { inherit: false }, LOG_LEVEL: { value: 'info' }, SECRET: { required: true } },
    environments: { review: { env: { LOG_LEVEL: 'debug', BANNER: { value: 'review' } } } },
  };
  const config = reviewConfig({ SECRET: 's', PAYMENT_KEY: 'live', DATABASE_URL: 'postgres://staging', LOG_LEVEL: 'warn' }, ['DATABASE_URL'], appJson, {
    app: 'shop-feat',
    parent: 'shop',
    branch: 'feat',
  });
  t.deepEqual(config, {
    SECRET: 's',
    LOG_LEVEL: 'debug',
    BANNER: 'review',
    HEROKU_APP_NAME: 'shop-feat',
    HEROKU_PARENT_APP_NAME: 'shop',
    HEROKU_BRANCH: 'feat',
  });
  t.is(reviewScript({ scripts: { postdeploy: 'rake db:seed' } }, 'postdeploy'), 'rake db:seed');
  t.is(reviewScript({ scripts: { postdeploy: 'a' }, environments: { review: { scripts: { postdeploy: 'b' } } } }, 'postdeploy'), 'b');
  t.is(reviewScript({}, 'pr-predestroy'), undefined);
  t.deepEqual(checkReviewSettings({ autodeploy: true, autodestroyDays: 5 }), { autodeploy: true, autodestroyDays: 5 });
  t.throws(() => checkReviewSettings({ autodestroyDays: 0 }), { message: '--autodestroy takes a number of days from 1 to 3650' });
});
