// Pure: the one source of each name pattern users type: apps, process types, volumes, DNS labels.

/** An app name: a lowercase DNS label of 1 to 63 characters. */
export const APP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** One label of a DNS name (the same shape as an app name). */
export const DNS_LABEL = APP_NAME;

/** A process type (Procfile, formation, resources, logs): lowercase, at most 30 characters, no dot. */
export const PROCESS_TYPE = /^[a-z0-9][a-z0-9_-]{0,29}$/;

/** A persistent volume's name. */
export const VOLUME_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

/** `pattern` as a source to embed in a larger regular expression (no anchors). */
export function unanchored(pattern: RegExp): string {
  return pattern.source.replace(/^\^/, '').replace(/\$$/, '');
}
