import test from 'ava';
import { errorLine } from '../../../src/commands/program.js';
import { suggestion } from '../../../src/suggest.js';

test("commander's errors become the house's one line, with the suggestion", (t) => {
  t.is(errorLine("error: unknown command 'conifg:set'\n(Did you mean config:set?)\n"), ' !     unknown command "conifg:set", did you mean "config:set"?\n');
  t.is(errorLine("error: missing required argument 'app'\n"), ' !     missing required argument "app"\n');
});

test('suggestions are given for typos only', (t) => {
  t.is(suggestion('wbe', ['web', 'worker']), 'web');
  t.is(suggestion('my-shpo', ['my-shop', 'blog']), 'my-shop');
  t.is(suggestion('billing', ['web', 'worker']), undefined);
  t.is(suggestion('web', ['web']), undefined, 'an exact name needs no suggestion');
});
