import test from 'ava';
import { checkPipelineName, checkStage, nextStage, promotionBlock, promotionTargets } from '../../../src/input/pipeline.js';

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
