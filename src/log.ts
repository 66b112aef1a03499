// House output format (Dokku/Heroku): "-----> " for a step, seven spaces for detail, " !     " for an error.
import fs from 'node:fs';

export const STEP = '-----> ';
export const DETAIL = '       ';
export const ERROR = ' !     ';
export const DONE = '=====> ';

/** Lines of a multi-line text, each formatted as detail. */
export function detailLines(text: string): string[] {
  return text
    .replace(/\r/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => DETAIL + line);
}

/** Something that takes user-facing lines: a push's output, a build log. */
export interface LineSink {
  step(text: string): void;
  detail(text: string): void;
  error(text: string): void;
  done(text: string): void;
}

/** A LineSink over a function that takes one whole line. */
export function lineSink(write: (line: string) => void): LineSink {
  return {
    step: (text) => write(STEP + text),
    detail: (text) => {
      for (const line of detailLines(text)) write(line);
    },
    error: (text) => write(ERROR + text),
    done: (text) => write(DONE + text),
  };
}

/** Where daemon log lines go: stderr, or a file of bounded size (logToFile). */
let writeLine: (line: string) => void = (line) => void process.stderr.write(line);

/**
 * Sends the daemon's log to `file`, kept under `maxBytes`: when it grows past, it becomes `file.1` (replacing the
 * one before) and a new file starts. At most twice `maxBytes` on disk, whatever the daemon logs.
 */
export function logToFile(file: string, maxBytes: number): void {
  let size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  let fd = fs.openSync(file, 'a', 0o600);
  writeLine = (line) => {
    if (size + line.length > maxBytes) {
      fs.closeSync(fd);
      fs.renameSync(file, `${file}.1`);
      fd = fs.openSync(file, 'a', 0o600);
      size = 0;
    }
    fs.writeSync(fd, line);
    size += Buffer.byteLength(line);
  };
}

/** The same line (time aside) within this long of the first is counted, not written again. */
const REPEAT_WINDOW_MS = 60_000;
const repeats = new Map<string, { count: number; timer: NodeJS.Timeout }>();

function formatFields(fields: Record<string, unknown>): string[] {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = value instanceof Error ? value.message : String(value);
    parts.push(`${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`);
  }
  return parts;
}

/**
 * Daemon log: key=value lines, so an operator can grep them. A line repeated within a minute (an error while
 * Redis is away, say) is written once, then once more with how often it came (event=log.repeated).
 */
export function daemonLog(event: string, fields: Record<string, unknown> = {}): void {
  const body = [`event=${event}`, ...formatFields(fields)].join(' ');
  const seen = repeats.get(body);
  if (seen) {
    seen.count++;
    return;
  }
  if (repeats.size < 1000) {
    const entry = {
      count: 0,
      timer: setTimeout(() => {
        repeats.delete(body);
        if (entry.count > 0) writeLine(`time=${new Date().toISOString()} event=log.repeated times=${entry.count} of=${JSON.stringify(body.slice(0, 300))}\n`);
      }, REPEAT_WINDOW_MS),
    };
    entry.timer.unref();
    repeats.set(body, entry);
  }
  writeLine(`time=${new Date().toISOString()} ${body}\n`);
}
