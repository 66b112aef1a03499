// What the API's route files share: the app path pattern, a body field, and the app of an app route.
import type { RouteContext } from './dispatch.js';
import { getApp, type AppRow } from '../store/apps.js';
import { APP_NAME, unanchored } from '../input/patterns.js';

/** An app name in a route's path, as a capture: the one app-name pattern (input/patterns.ts). */
export const APP = `(${unanchored(APP_NAME)})`;
export const app = (pattern: string) => new RegExp(`^/apps/${APP}${pattern}$`);
export const field = (body: unknown, name: string): unknown => (body as Record<string, unknown> | undefined)?.[name];

/** The app of an app route as the audit trail names it (checked by dispatch). */
export const app0 = (c: RouteContext) => c.params[0] ?? '';

/** The app row of an app route (its name checked by dispatch); it must exist. */
export function appRowOf({ services, params }: RouteContext): Promise<AppRow> {
  return getApp(services.db, params[0]!);
}

/** The app of an app route: checked by dispatch, and it must exist. */
export async function appOf(c: RouteContext): Promise<string> {
  return (await appRowOf(c)).name;
}
