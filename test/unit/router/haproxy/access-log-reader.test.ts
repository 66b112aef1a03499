import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readRouterLog } from '../../../../src/router/haproxy/access-log-reader.js';
import type { RoutedRequest } from '../../../../src/ports/data-plane.js';

const line = (n: number) =>
  `02/Dec/2026:22:00:00.000 ts=1796248800.${String(n).padStart(3, '0')} host="shop.localhost" client=127.0.0.1 method=GET path="/${n}" status=200 bytes=10 time=1 backend=app_shop server=r-0123456789abcdef retries=0\n`;

test('logs -f of the router goes on across a rotation: the old file is read to its end, then the new one from its start', async (t) => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paas-reader-')), 'access.log');
  fs.writeFileSync(file, line(1));
  const seen: string[] = [];
  const stop = new AbortController();
  let history: RoutedRequest[] = [];
  const reading = readRouterLog(
    file,
    'app_shop',
    { tail: 10, follow: true },
    { history: (h) => (history = h), request: (r) => seen.push(r.path) },
    stop.signal,
  );
  await new Promise((r) => setTimeout(r, 300));
  fs.appendFileSync(file, line(2));
  // The writer's rotation: a last line into the old file, renamed away, a new file begun, before the next poll.
  fs.appendFileSync(file, line(3));
  fs.renameSync(file, `${file}.1`);
  fs.writeFileSync(file, line(4));
  for (let i = 0; i < 40 && seen.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  await reading;
  t.deepEqual(
    history.map((r) => r.path),
    ['/1'],
  );
  t.deepEqual(seen, ['/2', '/3', '/4']);
});
