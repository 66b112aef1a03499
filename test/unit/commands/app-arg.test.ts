import test from 'ava';
import { appOfRemote, placeApp, type CommandShape } from '../../../src/commands/app-arg.js';
import { buildProgram, withAppArgument } from '../../../src/commands/program.js';
import type { CliIo } from '../../../src/commands/io.js';

const logs: CommandShape = { takesApp: true, required: 1, valued: new Set(['-n', '--num', '-p', '--process']), runsCommand: false };
const configSet: CommandShape = { takesApp: true, required: 2, valued: new Set(), runsCommand: false };
const scale: CommandShape = { takesApp: true, required: 1, valued: new Set(), runsCommand: false };
const run: CommandShape = { takesApp: true, required: 2, valued: new Set(), runsCommand: true };
const keys: CommandShape = { takesApp: false, required: 0, valued: new Set(), runsCommand: false };
const noRemote = { remote: () => undefined };
const remote = { remote: (name: string) => (name === 'paas' ? 'shop' : name === 'staging' ? 'shop-staging' : undefined) };
/** In the repository of shop, for a caller who may use shop, shop-staging and blog. */
const known = { ...remote, usable: (name: string) => ['shop', 'shop-staging', 'blog'].includes(name) };
const rollback: CommandShape = { takesApp: true, required: 1, valued: new Set(), runsCommand: false };
const restart: CommandShape = { takesApp: true, required: 1, valued: new Set(), runsCommand: false };
const gitRemote: CommandShape = { takesApp: true, required: 1, valued: new Set(['-r', '--remote']), runsCommand: false, ownsRemote: true };

test('-a APP and --app APP become the app argument, wherever they stand before the command it runs', (t) => {
  t.deepEqual(placeApp(['-n', '5', '-a', 'shop'], logs, noRemote), ['shop', '-n', '5']);
  t.deepEqual(placeApp(['--app=shop', 'A=1'], configSet, noRemote), ['shop', 'A=1']);
  t.deepEqual(placeApp(['-a', 'shop', 'ls', '-la'], run, noRemote), ['shop', '--', 'ls', '-la'], 'options after the command belong to it');
  t.deepEqual(placeApp(['shop', 'ls', '-a'], run, noRemote), ['shop', '--', 'ls', '-a'], 'an -a of the command run is its own');
  t.throws(() => placeApp(['-a'], logs, noRemote), { message: '-a needs an app name' });
  t.throws(() => placeApp(['-a', 'shop'], keys, noRemote), { message: /this command takes no app/ });
});

test("a left-out app is the app of the repository's paas remote, as Heroku infers its own", (t) => {
  t.deepEqual(placeApp(['-n', '50'], logs, remote), ['shop', '-n', '50'], 'an option value is not a positional');
  t.deepEqual(placeApp(['A=1'], configSet, remote), ['shop', 'A=1']);
  t.deepEqual(placeApp(['web=2'], scale, remote), ['shop', 'web=2'], 'web=2 cannot be an app');
  t.deepEqual(placeApp(['ls', '-la'], run, remote), ['shop', '--', 'ls', '-la']);
  t.deepEqual(placeApp(['blog', '-n', '5'], logs, remote), ['blog', '-n', '5'], 'a named app wins');
  t.deepEqual(placeApp(['A=1'], configSet, noRemote), ['A=1'], 'no remote: left for commander to say what is missing');
});

test('one rule for every command: -a, then -r, then a first positional naming a usable app, then PAAS_CLI_APP, then the paas remote', (t) => {
  t.deepEqual(placeApp(['v1'], rollback, known), ['shop', 'v1'], 'rollback v1: v1 is no app of the caller');
  t.deepEqual(placeApp(['web'], restart, known), ['shop', 'web'], 'ps:restart web');
  t.deepEqual(placeApp(['ls', '-la'], run, known), ['shop', '--', 'ls', '-la'], 'run ls -la');
  t.deepEqual(placeApp(['ls', '-la', '/www'], run, known), ['shop', '--', 'ls', '-la', '/www'], 'run ls -la /www');
  t.deepEqual(placeApp(['blog', 'ls', '-la', '/www'], run, known), ['blog', '--', 'ls', '-la', '/www'], 'run blog ls -la /www');
  t.deepEqual(placeApp(['blog'], logs, known), ['blog'], 'a first positional naming an app the caller may use is the app');
  t.deepEqual(placeApp(['blog', 'v1'], rollback, known), ['blog', 'v1']);
  t.deepEqual(placeApp(['-r', 'staging', 'v1'], rollback, known), ['shop-staging', 'v1'], '-r picks another remote');
  t.deepEqual(placeApp(['--remote=staging', 'blog'], restart, known), ['shop-staging', 'blog'], "with -r every positional is the command's own");
  t.deepEqual(placeApp(['-a', 'blog', '-r', 'staging', 'v1'], rollback, known), ['blog', 'v1'], '-a wins over -r');
  t.deepEqual(placeApp(['v1'], rollback, { ...known, env: 'blog' }), ['blog', 'v1'], 'PAAS_CLI_APP comes before the paas remote');
  t.deepEqual(placeApp(['shop-staging', 'v1'], rollback, { ...known, env: 'blog' }), ['shop-staging', 'v1'], 'a named app comes before PAAS_CLI_APP');
  t.throws(() => placeApp(['-r', 'origin', 'v1'], rollback, known), { message: /no git remote "origin" pointing at an app of this server/ });
  t.deepEqual(placeApp(['shop', '-r', 'upstream'], gitRemote, known), ['shop', '-r', 'upstream'], "git:remote's own -r is its own");
});

test('the app of a git remote URL', (t) => {
  t.is(appOfRemote('ssh://git@paas.example.com:2222/shop\n'), 'shop');
  t.is(appOfRemote('git@paas.example.com:shop.git'), 'shop');
  t.is(appOfRemote('https://github.com/me/shop.git'), undefined);
});

test('the real command tree: root options stay first, the app goes right after the command', (t) => {
  const program = buildProgram({} as CliIo, { exitOverride: true });
  t.deepEqual(withAppArgument(program, ['config:set', 'A=1', '-a', 'shop'], noRemote), ['config:set', 'shop', 'A=1']);
  t.deepEqual(withAppArgument(program, ['logs', '-n', '5'], remote), ['logs', 'shop', '-n', '5']);
  t.deepEqual(withAppArgument(program, ['keys'], remote), ['keys']);
  t.deepEqual(withAppArgument(program, ['tokens:create', 'ci', '--app', 'shop'], remote), ['tokens:create', 'ci', '--app', 'shop'], 'its own --app, a scope');
  t.deepEqual(withAppArgument(program, ['apps:create', 'Bad_Name'], remote), ['apps:create', 'Bad_Name'], 'apps:create names a new app, never the remote one');
});
