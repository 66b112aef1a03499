import test from 'ava';
import { removeOnceUnused } from '../../../src/docker/client.js';

const engineError = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, json: { message } });

test('a network or volume still used by a task shutting down is removed once it is free; other errors fail at once', async (t) => {
  let calls = 0;
  const removed = await removeOnceUnused(async () => {
    calls++;
    if (calls < 3) throw engineError(403, 'error while removing network: network paas-app-x id 1f has active endpoints');
    return 'removed';
  });
  t.is(removed, 'removed');
  t.is(calls, 3);

  let overlayCalls = 0;
  await removeOnceUnused(async () => {
    if (++overlayCalls === 1) throw engineError(400, 'rpc error: code = FailedPrecondition desc = network osylj61ra768 is in use by task idgb6hlgq1ls');
  });
  t.is(overlayCalls, 2, "an overlay network a Swarm task still holds (the manager's answer)");

  let volumeCalls = 0;
  await removeOnceUnused(async () => {
    if (++volumeCalls === 1) throw engineError(409, 'remove paas.shop.data: volume is in use - [4f2a]');
  });
  t.is(volumeCalls, 2);

  let failing = 0;
  await t.throwsAsync(
    removeOnceUnused(async () => {
      failing++;
      throw engineError(500, 'disk on fire');
    }),
    { message: 'disk on fire' },
  );
  t.is(failing, 1);
  await t.throwsAsync(
    removeOnceUnused(async () => {
      throw engineError(409, 'volume is in use');
    }, 300),
    { message: 'volume is in use' },
    'it gives up after its time',
  );
});
