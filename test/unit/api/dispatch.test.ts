import test from 'ava';
import { matchRoute } from '../../../src/api/dispatch.js';
import { ROUTES } from '../../../src/api/routes.js';

test('routes are found with their captures decoded; app routes carry the app scope', (t) => {
  const found = matchRoute(ROUTES, 'DELETE', '/apps/shop/domains/www.example.com');
  t.deepEqual(found?.params, ['shop', 'www.example.com']);
  t.is(found?.route.scope, 'app');
  t.is(matchRoute(ROUTES, 'POST', '/keys')?.route.scope, 'admin');
  t.is(matchRoute(ROUTES, 'POST', '/tokens')?.route.scope, 'admin');
  t.is(matchRoute(ROUTES, 'PUT', '/apps/shop/buildpack')?.route.scope, 'admin', 'buildpacks run code on the host: admins only');
  t.is(matchRoute(ROUTES, 'GET', '/apps/../keys'), undefined);
  t.is(matchRoute(ROUTES, 'PATCH', '/apps'), undefined);
  t.is((t.throws(() => matchRoute(ROUTES, 'DELETE', '/keys/%E0%A4%A')) as { code?: string }).code, 'PAAS_ERR_INVALID_INPUT');
});
