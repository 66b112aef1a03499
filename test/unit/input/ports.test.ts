import test from 'ava';
import { formatPortMappings, parsePortMappings } from '../../../src/input/ports.js';

test('Dokku’s SCHEME:HOST:CONTAINER mappings are read; http and https may name the same container port', (t) => {
  const mappings = parsePortMappings(['http:80:3000', 'https:443:3000']);
  t.deepEqual(mappings, [
    { scheme: 'http', host: 80, container: 3000 },
    { scheme: 'https', host: 443, container: 3000 },
  ]);
  t.is(formatPortMappings(mappings), 'http:80:3000 https:443:3000');
});

test('what the router cannot serve is refused in one line saying what to write', (t) => {
  t.throws(() => parsePortMappings(['http:8080:3000']), {
    message: `"http:8080:3000": every app is served on the router's http port, by hostname; write http:80:3000`,
  });
  t.throws(() => parsePortMappings(['tcp:5432:5432']), { message: /the router serves http and https only/ });
  t.throws(() => parsePortMappings(['http:80:70000']), { message: /container port must be a number from 1 to 65535/ });
  t.throws(() => parsePortMappings(['3000']), { message: /is not SCHEME:HOST-PORT:CONTAINER-PORT/ });
  t.throws(() => parsePortMappings(['http:80:3000', 'https:443:4000']), {
    message: 'the web process listens on one port here; the mappings name 3000 and 4000',
  });
  t.throws(() => parsePortMappings([]), { message: /at least one mapping/ });
});
