import test from 'ava';
import { formationFor, processCommands } from '../../../src/release/procfile.js';
import { parseProcfile } from '../../../src/input/procfile.js';

test('a Procfile gives process types and commands; release is not a long-running process', (t) => {
  const procfile = parseProcfile('# processes\nweb: node server.js --port $PORT\nworker:  node worker.js\n\nrelease: node migrate.js\n');
  t.deepEqual(procfile, { web: 'node server.js --port $PORT', worker: 'node worker.js', release: 'node migrate.js' });
  t.deepEqual(processCommands(procfile, 'dockerfile'), { web: 'node server.js --port $PORT', worker: 'node worker.js' });
  t.deepEqual(processCommands(undefined, 'dockerfile'), { web: null }, 'a Dockerfile app runs its CMD as web');
});

test("a buildpack's default processes are overridden by the Procfile; its default web runs the image CMD", (t) => {
  t.deepEqual(processCommands(undefined, { web: 'npm start' }), { web: null });
  t.deepEqual(processCommands({ worker: 'node worker.js' }, { web: 'npm start' }), { web: null, worker: 'node worker.js' });
  t.deepEqual(processCommands({ web: 'node a.js' }, { web: 'npm start' }), { web: 'node a.js' });
  t.throws(() => processCommands(undefined, {}), { message: /nothing to run: add a Procfile with a web process/ });
});

test('malformed Procfile lines are reported with their line number', (t) => {
  t.throws(() => parseProcfile('web: ok\nthis is not a process\n'), { message: /^Procfile line 2: expected "type: command"/ });
  t.throws(() => parseProcfile('Web: ok\n'), { message: /^Procfile line 1:/ });
  t.throws(() => parseProcfile('web:\n'), { message: 'Procfile line 1: process type "web" has no command' });
  t.throws(() => parseProcfile('web: a\nweb: b\n'), { message: /line 2: process type "web" is defined twice/ });
});

test('formation: one of each type unless app.json says otherwise', (t) => {
  // As on Heroku and Dokku: web starts with one replica, every other type with none.
  t.deepEqual(formationFor({ web: null, worker: 'w', task: 'echo done' }, undefined), { web: 1, worker: 0, task: 0 });
  t.deepEqual(formationFor({ web: null, worker: 'w' }, { formation: { web: { quantity: 3 }, worker: { quantity: 0 } } }), { web: 3, worker: 0 });
  t.throws(() => formationFor({ web: null }, { formation: { web: { quantity: 'two' } } }), { message: /formation\.web\.quantity/ });
});
