import test from 'ava';
import { authorize, callerFor, mayUseApp } from '../../../src/auth/caller.js';
import { checkAccess } from '../../../src/auth/access.js';

const admin = callerFor({ name: 'root', role: 'admin', apps: [] });
const collab = callerFor({ name: 'ann', role: 'collaborator', apps: ['shop'] });

test('admins may do everything; collaborators their apps only', (t) => {
  t.notThrows(() => authorize(admin, 'admin'));
  t.notThrows(() => authorize(admin, 'app', 'blog'));
  t.notThrows(() => authorize(collab, 'app', 'shop'));
  t.notThrows(() => authorize(collab, 'any'));
  t.true(mayUseApp(collab, 'shop'));
  t.false(mayUseApp(collab, 'blog'));
  const other = t.throws(() => authorize(collab, 'app', 'blog'));
  t.is((other as { code?: string }).code, 'PAAS_ERR_PERMISSION_DENIED');
  t.is(other!.message, 'permission denied: "ann" may not use app "blog"');
  t.regex(t.throws(() => authorize(collab, 'admin'))!.message, /needs an admin/);
});

test('access: admin by default, --app makes a collaborator, mixing or bad names is refused', (t) => {
  t.deepEqual(checkAccess({}), { role: 'admin', apps: [] });
  t.deepEqual(checkAccess({ apps: ['shop', 'shop', 'blog'] }), { role: 'collaborator', apps: ['shop', 'blog'] });
  t.regex(t.throws(() => checkAccess({ role: 'admin', apps: ['shop'] }))!.message, /not both/);
  t.regex(t.throws(() => checkAccess({ role: 'collaborator' }))!.message, /at least one app/);
  t.regex(t.throws(() => checkAccess({ role: 'root' }))!.message, /unknown role/);
  t.is((t.throws(() => checkAccess({ apps: ['../etc'] })) as { code?: string }).code, 'PAAS_ERR_INVALID_APP_NAME');
});
