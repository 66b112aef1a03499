import test from 'ava';
import { buildProgram, errorLine, helpTopic } from '../../../src/commands/program.js';
import type { CliIo } from '../../../src/commands/io.js';
import { suggestion } from '../../../src/suggest.js';

test("commander's errors become the house's one line, with the suggestion", (t) => {
  t.is(errorLine("error: unknown command 'conifg:set'\n(Did you mean config:set?)\n"), ' !     unknown command "conifg:set", did you mean "config:set"?\n');
  t.is(errorLine("error: missing required argument 'app'\n"), ' !     missing required argument "app"\n');
});

test("Heroku's and Dokku's words are answered with the command that does it here", (t) => {
  t.is(
    errorLine("error: unknown command 'enter'\n"),
    ' !     unknown command "enter": here it is "paas ps:exec APP --dyno web.1 (a shell in a running replica)"\n',
  );
  t.is(errorLine("error: unknown command 'pg:psql'\n"), ' !     unknown command "pg:psql": here it is "paas services:connect NAME"\n');
  t.is(errorLine("error: unknown command 'ps:report'\n(Did you mean ps:start?)\n"), ' !     unknown command "ps:report": here it is "paas ps APP"\n');
  t.is(errorLine("error: unknown command 'constructor'\n"), ' !     unknown command "constructor"\n', 'only its own words, not an object property');
});

test('suggestions are given for typos only', (t) => {
  t.is(suggestion('wbe', ['web', 'worker']), 'web');
  t.is(suggestion('my-shpo', ['my-shop', 'blog']), 'my-shop');
  t.is(suggestion('billing', ['web', 'worker']), undefined);
  t.is(suggestion('web', ['web']), undefined, 'an exact name needs no suggestion');
});

test('help lists the commands by topic, and a missing argument is followed by how the command is called', async (t) => {
  t.is(helpTopic('ps:scale'), 'Processes, logs and resources:');
  t.is(helpTopic('services:connect'), 'Backing services:');
  t.is(helpTopic('rollback'), 'Apps, builds and releases:');
  let out = '';
  let err = '';
  const io = { out: (text: string) => void (out += text), err: (text: string) => void (err += text), setExit: () => {} } as unknown as CliIo;
  const program = buildProgram(io, { exitOverride: true });
  program.outputHelp();
  t.regex(out, /Backing services:\n {2}services /);
  t.regex(out, /Config vars:\n {2}config /);
  t.throws(() => program.parse(['config:get', 'shop'], { from: 'user' }));
  t.regex(err, / ! {5}missing required argument "key"\n {7}usage: paas config:get \[options\] <app> <key>/);
});
