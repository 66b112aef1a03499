import test from 'ava';
import { GATEWAY_SCRIPT, gatewayAddresses, gatewaySpec } from '../../../src/swarm/overlay-gateway.js';

test("the gateway takes the bridge's second address, the host its first", (t) => {
  t.deepEqual(gatewayAddresses('10.231.7.0/24'), { host: '10.231.7.1', gateway: '10.231.7.2' });
  const spec = gatewaySpec('10.231.7.0/24');
  t.deepEqual(spec.Env, ['HOST_IP=10.231.7.1']);
  t.is(spec.NetworkingConfig?.EndpointsConfig?.['paas-swarm-gateway']?.IPAMConfig?.IPv4Address, '10.231.7.2');
  t.deepEqual(spec.HostConfig?.CapDrop, ['ALL']);
  t.is(spec.HostConfig?.Sysctls?.['net.ipv4.conf.all.rp_filter'], '1');
});

test('the gateway forwards only what the host starts and accepts nothing addressed to it', (t) => {
  t.regex(GATEWAY_SCRIPT, /iptables -P FORWARD DROP/);
  t.regex(GATEWAY_SCRIPT, /iptables -A FORWARD -s "\$HOST_IP" -j ACCEPT/);
  t.regex(GATEWAY_SCRIPT, /iptables -P INPUT DROP/);
  t.notRegex(GATEWAY_SCRIPT, /-d "\$HOST_IP"/);
});
