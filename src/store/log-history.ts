// An app's log history, kept across deploys, restarts and the daemon's own restarts: the output of each replica
// when it is removed, and the deploy steps (`paas[deploy]`), as printed lines in DATA_DIR/logs/APP.log, the last
// 1,500 of them read back (Heroku keeps 1,500 lines too). The file is cut back when it grows past ~512 KB.
import fs from 'node:fs';
import path from 'node:path';

export const HISTORY_LINES = 1500;
const TRIM_BYTES = 512 * 1024;

export interface HistoryLine {
  /** RFC 3339, so history sorts with the lines of running containers and the router. */
  time: string;
  /** The line as printed: `TIME app[web.1]: text`, `TIME paas[deploy]: text`. */
  text: string;
}

function historyFile(dataDir: string, app: string): string {
  return path.join(dataDir, 'logs', `${app}.log`);
}

/** Appends printed lines (each starting with its time) to `app`'s history. */
export function appendHistory(dataDir: string, app: string, lines: string[]): void {
  if (lines.length === 0) return;
  const file = historyFile(dataDir, app);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, lines.map((l) => l.replace(/\n/g, ' ') + '\n').join(''), { mode: 0o600 });
  if (fs.statSync(file).size > TRIM_BYTES) {
    const kept = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_LINES);
    fs.writeFileSync(`${file}.tmp`, kept.join('\n') + '\n', { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }
}

/** The last 1,500 lines of `app`'s history, oldest first. */
export function readHistory(dataDir: string, app: string): HistoryLine[] {
  let text: string;
  try {
    text = fs.readFileSync(historyFile(dataDir, app), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .slice(-HISTORY_LINES)
    .map((line) => ({ time: line.slice(0, Math.max(0, line.indexOf(' '))), text: line }));
}

export function removeHistory(dataDir: string, app: string): void {
  fs.rmSync(historyFile(dataDir, app), { force: true });
  fs.rmSync(dynosFile(dataDir, app), { force: true });
}

/** How many removed replicas' names are remembered (their router lines in the history are at most that old). */
const DYNOS_KEPT = 500;
/** How much of a container id is kept: as much as the router's server names hold (haproxy-config.ts, serverName). */
export const DYNO_ID_LENGTH = 16;

function dynosFile(dataDir: string, app: string): string {
  return path.join(dataDir, 'logs', `${app}.dynos`);
}

/** Remembers that the container `id` (removed now) was `dyno` (web.1), for the router lines it answered. */
export function rememberDyno(dataDir: string, app: string, id: string, dyno: string): void {
  const file = dynosFile(dataDir, app);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, `${id.slice(0, DYNO_ID_LENGTH)} ${dyno.replace(/\s/g, '')}\n`, { mode: 0o600 });
  // Read back only once it has grown past about twice what is kept (a line is some 25 bytes).
  if (fs.statSync(file).size > DYNOS_KEPT * 2 * 25) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    fs.writeFileSync(`${file}.tmp`, lines.slice(-DYNOS_KEPT).join('\n') + '\n', { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  }
}

/** The remembered replicas of `app`: the start of each container id (DYNO_ID_LENGTH characters) to its dyno name. */
export function readDynos(dataDir: string, app: string): Map<string, string> {
  let text = '';
  try {
    text = fs.readFileSync(dynosFile(dataDir, app), 'utf8');
  } catch {
    return new Map();
  }
  return new Map(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split(' ') as [string, string]),
  );
}
