import test from 'ava';
import { parseExecCommand } from '../../../src/ssh/exec-command.js';

test('git-receive-pack with the forms git sends', (t) => {
  for (const command of ["git-receive-pack 'myapp'", "git-receive-pack '/myapp'", "git-receive-pack '/myapp.git'", "git-receive-pack 'myapp.git'", "git receive-pack 'myapp'", 'git-receive-pack myapp']) {
    t.deepEqual(parseExecCommand(command), { kind: 'receive-pack', app: 'myapp' }, command);
  }
});

test('bad app names and injection attempts are refused as app names', (t) => {
  for (const command of ["git-receive-pack '../x'", "git-receive-pack 'x'; touch pwned; ''", "git-receive-pack 'MyApp'", "git-receive-pack '/a/b'", "git-receive-pack '$(id)'"]) {
    const error = t.throws(() => parseExecCommand(command));
    t.is((error as { code?: string }).code, 'PAAS_ERR_INVALID_APP_NAME', command);
  }
});

test('other commands are refused as unknown', (t) => {
  for (const command of ['ls', 'git-upload-pack myapp', 'sh -c id', "git-receive-pack"]) {
    const error = t.throws(() => parseExecCommand(command));
    t.is((error as { code?: string }).code, 'PAAS_ERR_UNKNOWN_COMMAND', command);
    t.regex(error!.message, /this server takes git push, and: rollback APP \[vN\]/);
  }
});

test('rollback APP [vN] is an SSH command too', (t) => {
  t.deepEqual(parseExecCommand('rollback shop v3'), { kind: 'rollback', app: 'shop', version: 'v3' });
  t.deepEqual(parseExecCommand('rollback shop'), { kind: 'rollback', app: 'shop' });
  t.throws(() => parseExecCommand('rollback ../shop v3'), { message: /invalid app name/ });
});
