import test from 'ava';
import { parseAppJson } from '../../../src/build/app-json.js';

test('app.json may carry comments and trailing commas, as Dokku reads it; errors name their line', (t) => {
  const text = '{\n  // how many\n  "formation": { "web": { "quantity": 2 }, },\n  /* the tests */\n  "scripts": { "test": "npm test" }\n}\n';
  t.deepEqual(parseAppJson(text), { formation: { web: { quantity: 2 } }, scripts: { test: 'npm test' } });
  t.throws(() => parseAppJson('{\n  "a": 1\n  "b": 2\n}'), { message: /^app\.json line 3: CommaExpected/ });
  t.throws(() => parseAppJson(''), { message: /app\.json line 1/ });
});
