// A small keep-alive HTTP app for the benchmarks: answers with index.html, finishes in-flight requests on SIGTERM.
const http = require('node:http');
const fs = require('node:fs');
const body = fs.readFileSync(__dirname + '/index.html');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT || 5000));
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
});
