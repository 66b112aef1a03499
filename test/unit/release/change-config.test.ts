import test from 'ava';
import { configDescription } from '../../../src/release/change-config.js';
import { configChanges } from '../../../src/release/release-diff.js';

test('a config release is described as Heroku describes it: what was set and what was removed', (t) => {
  t.is(configDescription(['GREETING', 'OTHER'], []), 'Set GREETING, OTHER config vars');
  t.is(configDescription([], ['GREETING']), 'Remove GREETING config var');
  t.is(configDescription(['A'], ['B', 'C']), 'Set A config var; Remove B, C config vars');
});

test('releases:diff names the config vars set and removed between two releases, never their values', (t) => {
  t.deepEqual(configChanges({ A: '1', B: '2', C: '3' }, { A: '1', B: 'two', D: '4' }), { set: ['B', 'D'], removed: ['C'] });
  t.deepEqual(configChanges({ A: '1' }, { A: '1' }), { set: [], removed: [] });
});
