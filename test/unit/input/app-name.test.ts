import test from 'ava';
import { checkAppName, isValidAppName } from '../../../src/input/app-name.js';

test('lowercase DNS labels are app names', (t) => {
  for (const name of ['myapp', 'a', 'my-app-2', '0day', 'x'.repeat(63)]) t.true(isValidAppName(name), name);
});

test('anything else is refused with a message naming the rule', (t) => {
  for (const name of ['', 'MyApp', '-app', 'app-', 'my_app', 'a.b', '../x', "x'; touch pwned; '", 'x'.repeat(64), 'app\n', 'é']) {
    t.false(isValidAppName(name), JSON.stringify(name));
    const error = t.throws(() => checkAppName(name));
    t.is((error as { code?: string }).code, 'PAAS_ERR_INVALID_APP_NAME');
    t.regex(error!.message, /lowercase letters, digits and dashes/);
  }
});
