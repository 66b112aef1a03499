// Redis connections for the queue and the job logs, to REDIS_URL or the embedded server's socket.
import { Redis, type RedisOptions } from 'ioredis';
import { PaasError } from '../errors.js';

export type RedisTarget = { url: string } | { socket: string };

/** A human name for where Redis is, for error messages. */
export function describeTarget(target: RedisTarget): string {
  return 'url' in target ? target.url.replace(/\/\/[^@]*@/, '//***@') : target.socket;
}

/** Connection options for ioredis and BullMQ; retries forever, as BullMQ workers require (maxRetriesPerRequest: null). */
export function redisOptions(target: RedisTarget): RedisOptions {
  const base: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) };
  if ('socket' in target) return { ...base, path: target.socket };
  let url: URL;
  try {
    url = new URL(target.url);
  } catch {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `REDIS_URL is not a URL: ${describeTarget(target)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new PaasError('PAAS_ERR_INVALID_INPUT', `REDIS_URL must start with redis:// or rediss://`);
  }
  const db = Number(url.pathname.replace(/^\//, '') || 0);
  return {
    ...base,
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** A new connection of our own (job logs, health checks). */
export function connectRedis(target: RedisTarget): Redis {
  const redis = new Redis(redisOptions(target));
  // Connection errors are reported where a caller waits on Redis (checkRedis); keep them from crashing the daemon.
  redis.on('error', () => {});
  return redis;
}

/** Fails with a clear error when Redis does not answer a PING within `timeoutMs`. */
export async function checkRedis(redis: Redis, target: RedisTarget, timeoutMs = 3000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (err) {
    throw new PaasError(
      'PAAS_ERR_QUEUE_UNAVAILABLE',
      `cannot reach the job queue (Redis at ${describeTarget(target)}): ${(err as Error).message}; nothing was deployed`,
      { cause: err },
    );
  } finally {
    clearTimeout(timer);
  }
}
