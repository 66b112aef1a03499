import test from 'ava';
import { closePortRule, firewallRules, nodesChainRules, stalePorts } from '../../../src/host/firewall.js';

test("the host firewall drops what apps send to the host but for the router's ports and answers", (t) => {
  const rules = firewallRules('10.231.0.0/16', [80, 443]);
  t.deepEqual(
    rules.map((r) => r.add.join(' ')),
    [
      '-w -A PAAS-APPS -j DROP',
      '-w -I PAAS-APPS 1 -p tcp --dport 80 -j RETURN',
      '-w -I PAAS-APPS 1 -p tcp --dport 443 -j RETURN',
      '-w -I PAAS-APPS 1 -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
      '-w -I INPUT 1 -s 10.231.0.0/16 -j PAAS-APPS',
    ],
  );
  t.true(rules.every((r) => r.check[1] === '-C'));
});

test("under Swarm, what comes in on the tasks' way out (docker_gwbridge) is closed the same way", (t) => {
  const rules = firewallRules('10.231.0.0/16', [80], ['docker_gwbridge']);
  t.deepEqual(rules.at(-1)!.add, ['-w', '-I', 'INPUT', '1', '-i', 'docker_gwbridge', '-j', 'PAAS-APPS']);
  t.is(rules.at(-2)!.add.join(' '), '-w -I INPUT 1 -s 10.231.0.0/16 -j PAAS-APPS');
});

test('a port the router no longer serves is closed to apps again at the next start; the ones it serves stay open', (t) => {
  t.deepEqual(stalePorts([80, 443], [8080, 443]), [80]);
  t.deepEqual(stalePorts([], [80, 443]), []);
  t.deepEqual(closePortRule(80), ['-w', '-D', 'PAAS-APPS', '-p', 'tcp', '--dport', '80', '-j', 'RETURN']);
  // The rule deleted is the one that was added for the port.
  const added = firewallRules('10.231.0.0/16', [80])
    .find((r) => r.add.includes('80'))!
    .check.slice(2);
  t.deepEqual(closePortRule(80).slice(2), added);
});

test("under Swarm, the other nodes' addresses are replaced whole in their chain as nodes come and go", (t) => {
  t.deepEqual(nodesChainRules(['172.17.0.2', '172.17.0.3']), [
    ['-w', '-F', 'PAAS-TO-NODES'],
    ['-w', '-A', 'PAAS-TO-NODES', '-d', '172.17.0.2', '-j', 'DROP'],
    ['-w', '-A', 'PAAS-TO-NODES', '-d', '172.17.0.3', '-j', 'DROP'],
  ]);
  t.deepEqual(nodesChainRules([]), [['-w', '-F', 'PAAS-TO-NODES']]);
});
