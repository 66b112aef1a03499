import test from 'ava';
import { configDescription } from '../../../src/release/change-config.js';

test('a config release is described as Heroku describes it: what was set and what was removed', (t) => {
  t.is(configDescription(['GREETING', 'OTHER'], []), 'Set GREETING, OTHER config vars');
  t.is(configDescription([], ['GREETING']), 'Remove GREETING config var');
  t.is(configDescription(['A'], ['B', 'C']), 'Set A config var; Remove B, C config vars');
});
