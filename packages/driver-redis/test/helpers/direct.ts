/**
 * Drive the redis driver without the engine: a hand-made connect context and a one-connection
 * pool handle, for tests of the adapter itself (connect, AUTH, SELECT, TLS, lost events).
 */
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { CallContext, PoolHandle, RunOptions } from '@outpools/core';
import { callContext, runCallbackOver, type ConnectContext } from '@outpools/core/driver';
import type { Redis } from 'ioredis';
import type { RedisConnectionOptions } from '../../src/schema.js';

const KEY = { type: 'redis', host: 'global', tag: 'test' } as const;

/** A connect context that records `lost()` calls. */
export interface RecordingContext extends ConnectContext {
  readonly lostErrors: unknown[];
  readonly abort: AbortController;
}

/** Build a connect context. */
export function directContext(
  overrides: { tls?: ConnectionOptions; verifyTls?: (socket: TLSSocket) => void; workerIndex?: number } = {},
): RecordingContext {
  const lostErrors: unknown[] = [];
  const abort = new AbortController();
  return {
    key: KEY,
    workerIndex: overrides.workerIndex ?? 0,
    signal: abort.signal,
    timeLeftMs: () => Number.POSITIVE_INFINITY,
    tls: overrides.tls,
    verifyTls: overrides.verifyTls ?? (() => undefined),
    tlsFor: () => undefined,
    lost: (error?: unknown) => lostErrors.push(error),
    blocked: () => undefined,
    unblocked: () => undefined,
    lostErrors,
    abort,
  };
}

/** The connection options with the schema's defaults filled in. */
export function connectionOptions(input: Partial<RedisConnectionOptions>): RedisConnectionOptions {
  return { host: '127.0.0.1', port: 6379, database: 0, password: '', auto_pipelining: true, ...input };
}

/** A pool handle over one connection: runs every call on it directly. */
export function singleConnectionHandle(redis: Redis): PoolHandle<Redis> {
  const run = <R>(fn: (connection: Redis, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R> => {
    const ctx: CallContext = callContext({ key: KEY });
    const result = Promise.resolve().then(() => fn(redis, ctx));
    const mapError = options?.mapError;
    return mapError === undefined ? result : result.catch((error: unknown) => Promise.reject(mapError(error)));
  };
  return { key: KEY, run, runCallback: runCallbackOver(run) };
}
