// House output format (Dokku/Heroku): "-----> " for a step, seven spaces for detail, " !     " for an error.

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

/** Daemon log: key=value lines on stderr, so an operator can grep them. */
export function daemonLog(event: string, fields: Record<string, unknown> = {}): void {
  const parts = [`time=${new Date().toISOString()}`, `event=${event}`];
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = value instanceof Error ? value.message : String(value);
    parts.push(`${key}=${/[\s"=]/.test(text) ? JSON.stringify(text) : text}`);
  }
  process.stderr.write(parts.join(' ') + '\n');
}
