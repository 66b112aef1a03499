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
    t.regex(error!.message, /only takes git push/);
  }
});
