// What a CLI command needs from the door it runs behind (a terminal, or an SSH channel): an API client,
// output, standard input, an exit status, and a way to attach a one-off container.
import type { ApiClient } from '../api/client.js';
import { table } from './format.js';

/**
 * What to attach a terminal to: a one-off container of an app (`run`), a running replica of it (`ps:exec`, with
 * `dyno`), or a service's client (`services:connect`).
 */
export type RunRequest = { tty: boolean } & ({ app: string; command: string[]; dyno?: string } | { service: string });

export interface CliIo {
  client(): ApiClient;
  out(text: string | Uint8Array): void;
  err(text: string): void;
  /** All of standard input (keys:add reads a public key from it). */
  readStdin(): Promise<string>;
  /** A file the user names (certs:add); only where the CLI runs on the user's machine. */
  readFile(path: string): Promise<string>;
  stdinIsTty: boolean;
  /** Asks a question on the terminal and resolves with the line typed (only where stdinIsTty). */
  prompt?(question: string): Promise<string>;
  setExit(code: number): void;
  /** Sets a git remote in the user's repository (the terminal CLI only: over SSH there is no repository). */
  setGitRemote?(name: string, url: string, keep?: boolean): 'added' | 'updated' | 'unchanged' | 'kept';
  /** Whether the current directory is a git repository (terminal CLI only). */
  inGitRepo?(): boolean;
  /** Opens a URL in the user's browser when there is one; resolves whether it tried. */
  openUrl?(url: string): boolean;
  /** Runs a one-off container (or a service's client) attached to this door's terminal; resolves with its exit status. */
  run(request: RunRequest): Promise<number>;
}

export type Cell = string | number | null | undefined;

/** A list command's output: JSON with --json, else a table. */
export function printList<T>(io: CliIo, rows: T[], json: boolean | undefined, headers: string[], cells: (row: T) => Cell[]): void {
  io.out(json ? JSON.stringify(rows, null, 2) + '\n' : table(headers, rows.map(cells)));
}

/** Prints a streaming route's lines as they come and exits with its status. */
export async function streamToOut(io: CliIo, path: string, body: unknown): Promise<void> {
  let exit = 1;
  await io.client().stream(path, body, (entry) => {
    if (typeof entry.line === 'string') io.out(entry.line + '\n');
    if (typeof entry.exit === 'number') exit = entry.exit;
  });
  io.setExit(exit);
}

export const appPath = (app: string, rest = '') => `/apps/${encodeURIComponent(app)}${rest}`;
