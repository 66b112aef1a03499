// Every stream the daemon writes to a client (an HTTP answer, server-sent events, an upgraded socket, an SSH
// channel) goes through a sink: the client may go away at any byte, and then writes are dropped, the work that
// feeds the stream is told to stop (the sink's signal), and nothing ever throws into the code that writes.
import { daemonLog } from '../log.js';

/** Something a daemon writes bytes to: an http.ServerResponse, a net.Socket, an ssh2 channel or its stderr. */
export interface ClientWritable {
  write(chunk: string | Uint8Array): unknown;
  on(event: 'error' | 'close', listener: (...args: unknown[]) => void): unknown;
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
}

export interface ClientSink<T = string | Uint8Array> {
  /** Writes unless the client is gone; never throws. */
  write(chunk: T): void;
  /** Aborted once the client is gone (closed, reset, or a write failed). */
  readonly signal: AbortSignal;
  /** True once the client is gone. */
  readonly gone: boolean;
  /** Marks the client gone (its own protocol said so). */
  stop(): void;
}

/**
 * A sink over `target` (and over `others` that share its connection, such as an SSH channel's stderr). The
 * signal aborts on the first close or error of any of them; `send` defaults to the target's own write and may be
 * another writer over the same connection (server-sent events), whose throw counts as the client gone.
 */
export function clientSink<T = string | Uint8Array>(
  target: ClientWritable,
  what: string,
  send: (chunk: T) => unknown = (chunk) => target.write(chunk as string | Uint8Array),
  others: ClientWritable[] = [],
): ClientSink<T> {
  const abort = new AbortController();
  const goneNow = (reason: unknown) => {
    if (abort.signal.aborted) return;
    abort.abort();
    if (
      reason instanceof Error &&
      !/ECONNRESET|EPIPE|ERR_STREAM|non-active session|closed/i.test(`${(reason as NodeJS.ErrnoException).code ?? ''} ${reason.message}`)
    ) {
      daemonLog('client.gone', { stream: what, error: reason });
    }
  };
  for (const writable of [target, ...others]) {
    // An 'error' with no listener would end the process: every writable of a client has one.
    writable.on('error', (err) => goneNow(err));
    writable.on('close', () => goneNow(undefined));
  }
  return {
    write(chunk) {
      if (abort.signal.aborted) return;
      if (target.destroyed || target.writableEnded) return goneNow(undefined);
      try {
        send(chunk);
      } catch (err) {
        goneNow(err);
      }
    },
    signal: abort.signal,
    get gone() {
      return abort.signal.aborted;
    },
    stop: () => goneNow(undefined),
  };
}
