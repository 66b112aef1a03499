import test from 'ava';
import { parseExecCommand } from '../../../src/ssh/exec-command.js';

test('git-receive-pack with the forms git sends', (t) => {
  for (const command of [
    "git-receive-pack 'myapp'",
    "git-receive-pack '/myapp'",
    "git-receive-pack '/myapp.git'",
    "git-receive-pack 'myapp.git'",
    "git receive-pack 'myapp'",
    'git-receive-pack myapp',
  ]) {
    t.deepEqual(parseExecCommand(command), { kind: 'receive-pack', app: 'myapp' }, command);
  }
});

test('bad app names and injection attempts are refused as app names', (t) => {
  for (const command of [
    "git-receive-pack '../x'",
    "git-receive-pack 'x'; touch pwned; ''",
    "git-receive-pack 'MyApp'",
    "git-receive-pack '/a/b'",
    "git-receive-pack '$(id)'",
  ]) {
    const error = t.throws(() => parseExecCommand(command));
    t.is((error as { code?: string }).code, 'PAAS_ERR_INVALID_APP_NAME', command);
  }
});

test('anything else is a command, split like shell words with no expansion', (t) => {
  t.deepEqual(parseExecCommand('config:set shop GREETING="hello world" X=\'$HOME\''), {
    kind: 'command',
    argv: ['config:set', 'shop', 'GREETING=hello world', 'X=$HOME'],
  });
  t.deepEqual(parseExecCommand("run shop -- sh -c 'echo $(id); ls | wc -l'"), {
    kind: 'command',
    argv: ['run', 'shop', '--', 'sh', '-c', 'echo $(id); ls | wc -l'],
  });
  t.deepEqual(parseExecCommand('rollback shop v3'), { kind: 'command', argv: ['rollback', 'shop', 'v3'] });
});

test('unbalanced quotes and empty commands are refused', (t) => {
  t.is((t.throws(() => parseExecCommand("config:set shop A='x")) as { code?: string }).code, 'PAAS_ERR_INVALID_INPUT');
  t.is((t.throws(() => parseExecCommand('   ')) as { code?: string }).code, 'PAAS_ERR_UNKNOWN_COMMAND');
});
