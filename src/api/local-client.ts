// The in-process API client of the SSH door: the same routes and checks as over HTTP, for the key's caller.
import fs from 'node:fs';
import type { Services } from '../services.js';
import type { Caller } from '../auth/caller.js';
import type { ApiClient } from './client.js';
import { Download, dispatch, Streamed } from './dispatch.js';
import { ROUTES } from './routes.js';
import { PaasError } from '../errors.js';

/** Answers go through JSON as they would over HTTP, so every door sees the same shapes. */
export function localClient(services: Services, caller: Caller, signal: AbortSignal): ApiClient {
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const result = await dispatch(services, ROUTES, caller, method, path, body === undefined ? undefined : JSON.parse(JSON.stringify(body)));
      if (result instanceof Streamed) throw new PaasError('PAAS_ERR_INTERNAL', `${path} streams; call it with stream()`);
      return JSON.parse(JSON.stringify(result ?? null)) as T;
    },
    async download(path, onChunk) {
      const result = await dispatch(services, ROUTES, caller, 'GET', path, undefined);
      if (!(result instanceof Download)) throw new PaasError('PAAS_ERR_INTERNAL', `${path} is not a download`);
      for await (const chunk of fs.createReadStream(result.file)) onChunk(chunk as Buffer);
    },
    async stream(path, body, onEntry) {
      const result = await dispatch(services, ROUTES, caller, 'POST', path, JSON.parse(JSON.stringify(body ?? null)));
      if (!(result instanceof Streamed)) throw new PaasError('PAAS_ERR_INTERNAL', `${path} does not stream`);
      const exit = await result.run((line) => onEntry({ line }), signal);
      onEntry({ exit });
    },
  };
}
