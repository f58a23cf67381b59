/**
 * Blocking commands (BLPOP, BRPOP, XREAD BLOCK, WAIT, ...) hold their connection until Redis
 * answers. When the pool gives up on such a call (`call_timeout`, or the caller's signal), the
 * connection would stay blocked with nobody waiting for the answer, and every command routed
 * to that worker would queue behind it. So the connection is dropped instead: the worker
 * reports itself lost and the pool reconnects it.
 * @module
 */
import type { Redis } from 'ioredis';
import type { RedisArg } from './client.js';

const ALWAYS_BLOCKING = new Set([
  'blpop',
  'brpop',
  'brpoplpush',
  'blmove',
  'blmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'wait',
  'waitaof',
]);

/** True when the command can block its connection (XREAD/XREADGROUP only with BLOCK). */
export function isBlockingCommand(name: string, args: readonly RedisArg[]): boolean {
  const lower = name.toLowerCase();
  if (ALWAYS_BLOCKING.has(lower)) return true;
  if (lower === 'xread' || lower === 'xreadgroup') {
    return args.some((a) => typeof a === 'string' && a.toUpperCase() === 'BLOCK');
  }
  return false;
}

/**
 * Run a blocking command; if `signal` aborts before it answers, drop the connection so that it
 * does not stay blocked for nobody.
 */
export function runBlocking<T>(redis: Redis, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  const onAbort = (): void => redis.disconnect();
  signal.addEventListener('abort', onAbort, { once: true });
  return send().finally(() => signal.removeEventListener('abort', onAbort));
}
