import test from 'ava';
import { firewallRules } from '../../../src/host/firewall.js';

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
