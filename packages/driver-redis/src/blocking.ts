/**
 * Blocking commands (BLPOP, BRPOP, XREAD BLOCK, WAIT, ...) hold their connection until Redis
 * answers, so they run as exclusive calls (`RunOptions.exclusive`): the worker finishes what is
 * in flight, then nothing else is sent on it until the command returns, and strategies send other
 * calls to other workers meanwhile. When the pool gives up on such a call (`call_timeout`, or the caller's signal), the
 * connection would stay blocked with nobody waiting for the answer, and every command routed
 * to that worker would queue behind it. So the connection is dropped instead: the worker
 * reports itself lost and the pool reconnects it.
 * @module
 */
import type { CallContext } from '@outpools/core/driver';
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
 * Run a blocking command; if the call aborts (`ctx.onAbort`) before it answers, drop the
 * connection so that it does not stay blocked for nobody.
 */
export function runBlocking<T>(redis: Redis, ctx: Pick<CallContext, 'onAbort'>, send: () => Promise<T>): Promise<T> {
  let sending = false;
  let settled = false;
  let early: { readonly reason: unknown } | undefined;
  ctx.onAbort((reason) => {
    if (!sending)
      early = { reason }; // aborted already: nothing is sent
    else if (!settled) redis.disconnect();
  });
  if (early !== undefined) return Promise.reject(early.reason);
  sending = true;
  const done = (): void => {
    settled = true;
  };
  const sent = send();
  sent.then(done, done);
  return sent;
}
