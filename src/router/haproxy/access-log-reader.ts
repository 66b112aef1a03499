// Reads an app's requests from HAProxy's access log file (and its one rotated predecessor): the last ones, then
// with follow each new one, polled from the file's growing end.
import fs from 'node:fs/promises';
import type { RouterLogSink } from '../../ports/data-plane.js';
import { backendField, lastLines, parseAccessLine } from './access-log.js';
import { setTimeout as sleep } from 'node:timers/promises';

/** How much of a log file's end is read for history; a line is about 200 bytes, so some 20,000 lines. */
const HISTORY_BYTES = 4 * 1024 * 1024;
const POLL_MS = 250;

async function readRange(file: string, start: number, end: number): Promise<string> {
  if (end <= start) return '';
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

async function inodeOf(file: string): Promise<number | undefined> {
  return (await fs.stat(file).catch(() => undefined))?.ino;
}

async function sizeOf(file: string): Promise<number> {
  return (await fs.stat(file).catch(() => undefined))?.size ?? 0;
}

/** The tail of `file`, whole lines only. */
async function tailText(file: string): Promise<{ text: string; size: number }> {
  const size = await sizeOf(file);
  const start = Math.max(0, size - HISTORY_BYTES);
  const text = await readRange(file, start, size);
  return { text: start > 0 ? text.slice(text.indexOf('\n') + 1) : text, size };
}

export async function readRouterLog(
  file: string,
  backend: string,
  options: { tail: number; follow: boolean },
  sink: RouterLogSink,
  signal: AbortSignal,
): Promise<void> {
  const field = backendField(backend);
  const pick = (line: string) => {
    if (!line.includes(field)) return undefined;
    const parsed = parseAccessLine(line);
    if (!parsed || parsed.backend !== backend) return undefined;
    const { backend: _, ...request } = parsed;
    return request;
  };
  const current = await tailText(file);
  let history = lastLines(current.text, options.tail, pick);
  if (history.length < options.tail) history = [...lastLines((await tailText(`${file}.1`)).text, options.tail - history.length, pick), ...history];
  sink.history(history);
  if (!options.follow) return;

  let offset = current.size;
  let inode = await inodeOf(file);
  let partial = '';
  while (!signal.aborted) {
    await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
    let text = partial;
    const now = await inodeOf(file);
    if (now !== inode) {
      // Rotated (renamed to .1 by the writer): the rest of the old file first, then the new one from its start.
      if (inode !== undefined && (await inodeOf(`${file}.1`)) === inode) text += await readRange(`${file}.1`, offset, await sizeOf(`${file}.1`));
      [inode, offset] = [now, 0];
    }
    const size = await sizeOf(file);
    if (size < offset) offset = 0;
    if (size > offset) text += await readRange(file, offset, size);
    offset = Math.max(offset, size);
    if (text === partial) continue;
    const end = text.lastIndexOf('\n');
    partial = text.slice(end + 1);
    for (const line of text.slice(0, end + 1).split('\n')) {
      const request = pick(line);
      if (request) sink.request(request);
    }
  }
}
