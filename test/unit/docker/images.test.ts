import test from 'ava';
import { appImageRemoval } from '../../../src/docker/images.js';

test("an app's image goes whole unless another app's tag is on it (a promotion), then only the app's own tags go", (t) => {
  t.is(appImageRemoval('shop', ['paas/app/shop:v3', 'paas/app/shop:v4']), 'remove');
  t.is(appImageRemoval('shop', null), 'remove');
  t.is(appImageRemoval('shop', ['<none>:<none>']), 'remove');
  t.deepEqual(appImageRemoval('shop', ['paas/app/shop:v3', 'paas/app/shop-prod:v1']), { untag: ['paas/app/shop:v3'] });
  t.deepEqual(appImageRemoval('shop-prod', ['paas/app/shop:v3', 'paas/app/shop-prod:v1']), { untag: ['paas/app/shop-prod:v1'] });
  t.deepEqual(appImageRemoval('shop', ['paas/app/shop-staging:v2']), { untag: [] }, "an image labelled the app's but tagged only by another stays");
});
