// Pure: which command tests an app, as Heroku CI finds it.
import type { AppFiles } from '../build/build-commit.js';

/** npm's placeholder test script, which is not a test. */
const NPM_PLACEHOLDER = /no test specified/;

type Obj = Record<string, unknown> | undefined;
const field = (value: unknown, key: string): Obj => (value && typeof value === 'object' ? ((value as Record<string, unknown>)[key] as Obj) : undefined);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/**
 * app.json environments.test.scripts.test, else app.json scripts.test, else `npm test` for a Node app whose
 * package.json has a real test script; undefined when there is nothing to run.
 */
export function resolveTestCommand(files: AppFiles, buildpack: string | undefined): string | undefined {
  const fromEnvironment = text(field(field(field(files.appJson, 'environments'), 'test'), 'scripts')?.test);
  if (fromEnvironment) return fromEnvironment;
  const fromScripts = text(field(files.appJson, 'scripts')?.test);
  if (fromScripts) return fromScripts;
  const npmTest = text(field(files.packageJson, 'scripts')?.test);
  if (buildpack === 'node' && npmTest && !NPM_PLACEHOLDER.test(npmTest)) return 'npm test';
  return undefined;
}

/** app.json environments.test.env: the only variables a test run gets (besides CI=true). */
export function testEnv(files: AppFiles): Record<string, string> {
  const env = field(field(field(files.appJson, 'environments'), 'test'), 'env') ?? {};
  const vars: Record<string, string> = { CI: 'true' };
  for (const [key, value] of Object.entries(env)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'))
      vars[key] = String(value);
  }
  return vars;
}
