import net from 'node:net';
import http from 'node:http';
import { RouteTable } from './dist/src/router/route-table.js';
import { startRouter } from './dist/src/router/proxy.js';
import { Inflight } from './dist/src/router/inflight.js';
const evil = net.createServer((s) => {
  s.on('data', () => {
    s.write('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc');
  });
});
await new Promise((r) => evil.listen(0, '127.0.0.1', r));
const table = new RouteTable();
table.swap('evil', [{ url: `http://127.0.0.1:${evil.address().port}`, container: 'e', release: 1 }]);
const router = await startRouter(table, { port: 0, domain: 'localhost', host: '127.0.0.1', inflight: new Inflight(), upstreamTimeoutMs: 700 });
const port = router.address().port;
const t0 = Date.now();
http
  .get({ host: '127.0.0.1', port, path: '/x', headers: { host: 'evil.localhost' }, agent: false }, (res) => {
    console.log('status', res.statusCode, Date.now() - t0);
    res.on('data', (d) => console.log('data', String(d), Date.now() - t0));
    res.on('end', () => console.log('end', Date.now() - t0));
    res.on('aborted', () => console.log('aborted', Date.now() - t0));
    res.on('close', () => {
      console.log('close', Date.now() - t0);
      process.exit(0);
    });
  })
  .on('error', (e) => {
    console.log('err', e.message);
    process.exit(0);
  });
setTimeout(() => {
  console.log('timeout');
  process.exit(1);
}, 3000);
