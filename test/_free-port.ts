// A TCP port for a test's listener: picked at random below the kernel's ephemeral range, so that no outgoing
// connection (of this or another test process, load tests open thousands) can take it between the pick and the
// listen; checked free on all interfaces; never handed out twice by this process.
import fs from 'node:fs';
import net from 'node:net';

const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    return Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const high = Math.min(ephemeralStart(), 32768);
  const low = 10000;
  for (;;) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port) || !(await bindable(port))) continue;
    handedOut.add(port);
    return port;
  }
}
