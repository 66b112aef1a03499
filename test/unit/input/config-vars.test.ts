import test from 'ava';
import { applyConfigChange, parseAssignments } from '../../../src/input/config-vars.js';
import { checkConfigChange } from '../../../src/jobs/config.js';

test('KEY=VALUE splits at the first "=" and keeps the value exactly', (t) => {
  t.deepEqual(parseAssignments(['A=b=c', 'EMPTY=', 'Q=say "hi"\nthere ']), { A: 'b=c', EMPTY: '', Q: 'say "hi"\nthere ' });
  t.throws(() => parseAssignments([]), { message: /at least one KEY=VALUE/ });
  t.throws(() => parseAssignments(['=x']), { message: /expected KEY=VALUE/ });
  t.throws(() => parseAssignments(['A-B=1']), { message: /invalid config var name "A-B"/ });
  t.throws(() => parseAssignments([`BIG=${'x'.repeat(33 * 1024)}`]), { message: /over 32 KB/ });
});

test('a change sets and unsets on a copy', (t) => {
  const before = { A: '1', B: '2' };
  t.deepEqual(applyConfigChange(before, { C: '3', A: 'one' }, ['B']), { A: 'one', C: '3' });
  t.deepEqual(before, { A: '1', B: '2' });
});

test('API changes are checked before they are queued', (t) => {
  t.deepEqual(checkConfigChange({ set: { A: 'x' } }), { set: { A: 'x' }, unset: [], restart: true });
  t.deepEqual(checkConfigChange({ unset: ['A'], restart: false }), { set: {}, unset: ['A'], restart: false });
  t.throws(() => checkConfigChange({ set: { A: 1 } }), { message: /string values/ });
  t.throws(() => checkConfigChange({}), { message: /nothing to change/ });
  t.throws(() => checkConfigChange({ unset: ['bad name'] }), { message: /invalid config var name/ });
});

test('__proto__ is refused as a name rather than silently dropped; all vars together stay under 32 KB', (t) => {
  t.throws(() => parseAssignments(['__proto__=x']), { message: /__proto__ cannot be a config var name/ });
  const big = 'x'.repeat(20 * 1024);
  const config = applyConfigChange({}, { A: big }, []);
  t.throws(() => applyConfigChange(config, { B: big }, []), { message: /over the 32 KB all vars may take together/ });
  t.deepEqual(Object.keys(applyConfigChange(config, { B: 'small' }, ['A'])), ['B']);
});
