import test from 'ava';
import {
  buildTarget,
  checkPhase,
  formatBuildOption,
  parseBuildOption,
  resolveBuildArgs,
  withBuildArg,
  withoutBuildArg,
} from '../../../src/input/docker-options.js';

test('build options are read as Dokku users type them', (t) => {
  t.deepEqual(parseBuildOption('--build-arg NODE_ENV=production'), { name: 'NODE_ENV', value: 'production' });
  t.deepEqual(parseBuildOption('--build-arg=GREETING=a b=c'), { name: 'GREETING', value: 'a b=c' });
  t.deepEqual(parseBuildOption('  --build-arg NPM_TOKEN '), { name: 'NPM_TOKEN' });
  t.is(formatBuildOption({ name: 'NPM_TOKEN' }), '--build-arg NPM_TOKEN');
  t.is(formatBuildOption({ name: 'A', value: '1' }), '--build-arg A=1');
});

test('every other Docker option, and every other phase, is refused in one line that says what is taken', (t) => {
  for (const option of ['--privileged', '-v /:/host', '--network host', '--build-arg', '--build-arg 1BAD=x', '--build-argX=1']) {
    const err = t.throws(() => parseBuildOption(option));
    t.regex(err!.message, /only --build-arg and --target are taken|invalid config var name|is not a stage name/, option);
    t.false(err!.message.includes('\n'));
  }
  t.throws(() => checkPhase('deploy'), { message: /not taken here: set limits with ps:resources/ });
  t.throws(() => checkPhase('compile'), { message: /unknown phase "compile"/ });
  t.is(checkPhase('build'), 'build');
});

test('a build arg without a value is read from config, and a missing one says how to set it', (t) => {
  const args = [{ name: 'APP_ENV', value: 'production' }, { name: 'RELEASE_NOTE' }];
  t.deepEqual(resolveBuildArgs('shop', args, { RELEASE_NOTE: 'hi', OTHER: 'secret' }), { APP_ENV: 'production', RELEASE_NOTE: 'hi' });
  t.throws(() => resolveBuildArgs('shop', args, {}), { message: /paas config:set shop RELEASE_NOTE=VALUE/ });
});

test('adding a name again replaces it; removing one that is not there is refused', (t) => {
  const one = withBuildArg([], { name: 'A', value: '1' });
  const two = withBuildArg(withBuildArg(one, { name: 'B' }), { name: 'A', value: '2' });
  t.deepEqual(two, [{ name: 'B' }, { name: 'A', value: '2' }]);
  t.deepEqual(withoutBuildArg('shop', two, { name: 'A' }), [{ name: 'B' }]);
  t.throws(() => withoutBuildArg('shop', two, { name: 'C' }), { message: /shop has no build option --build-arg C/ });
});

test('--target picks the stage of a multi-stage Dockerfile: one at a time, removed by name, never a build arg', (t) => {
  t.deepEqual(parseBuildOption('--target production'), { target: 'production' });
  t.deepEqual(parseBuildOption('--target=runtime-slim'), { target: 'runtime-slim' });
  t.throws(() => parseBuildOption('--target ../x'), { message: /is not a stage name/ });
  t.is(formatBuildOption({ target: 'production' }), '--target production');
  let args = withBuildArg([{ name: 'A', value: '1' }], { target: 'build' });
  args = withBuildArg(args, { target: 'production' });
  t.deepEqual(args, [{ name: 'A', value: '1' }, { target: 'production' }], 'a second --target replaces the first');
  t.is(buildTarget(args), 'production');
  t.deepEqual(resolveBuildArgs('shop', args, {}), { A: '1' });
  t.deepEqual(withoutBuildArg('shop', args, { target: 'production' }), [{ name: 'A', value: '1' }]);
  t.throws(() => withoutBuildArg('shop', args, { target: 'other' }), { message: /has no build option --target other/ });
});
