/**
 * Drive the rdbms driver without the engine: a fake ConnectContext, and a one-connection
 * PoolHandle that bounds each call like the engine's call_timeout does.
 */
import {
  CallTimeoutError,
  type TlsConfig,
  type PoolHandle,
  type PoolKey,
  type RunOptions,
  type CallContext,
} from '@outpools/core';
import {
  toNodeTlsOptions,
  verifyTlsPeer,
  type ConnectContext,
  callContext,
  runCallbackOver,
} from '@outpools/core/driver';
import type { RdbmsConnection } from '../../src/types.js';
import type { TLSSocket, ConnectionOptions } from 'node:tls';

export const KEY: PoolKey = { type: 'rdbms', host: 'global', tag: 'test' };

export interface FakeContext extends ConnectContext {
  readonly lostErrors: unknown[];
  readonly verified: TLSSocket[];
  readonly controller: AbortController;
}

/** A ConnectContext that records `lost` calls and `verifyTls` sockets. */
export function fakeContext(tls?: ConnectionOptions, verify?: (socket: TLSSocket) => void): FakeContext {
  const controller = new AbortController();
  const lostErrors: unknown[] = [];
  const verified: TLSSocket[] = [];
  return {
    key: KEY,
    workerIndex: 0,
    signal: controller.signal,
    timeLeftMs: () => Number.POSITIVE_INFINITY,
    tls,
    verifyTls(socket) {
      verified.push(socket);
      verify?.(socket);
    },
    tlsFor: () => undefined,
    lost(error) {
      lostErrors.push(error);
    },
    blocked() {},
    unblocked() {},
    lostErrors,
    verified,
    controller,
  };
}

/** One connection as a pool: each call is bounded by `callTimeoutMs` through its signal. */
export function onePool(connection: RdbmsConnection, callTimeoutMs = 60_000): PoolHandle<RdbmsConnection> {
  const run = async <R>(
    fn: (c: RdbmsConnection, ctx: CallContext) => Promise<R> | R,
    _options?: RunOptions,
  ): Promise<R> => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new CallTimeoutError(callTimeoutMs, KEY)), callTimeoutMs);
    try {
      return await new Promise<R>((resolve, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
        Promise.resolve(fn(connection, callContext({ key: KEY, signal: controller.signal }))).then(resolve, reject);
      });
    } finally {
      clearTimeout(timer);
    }
  };
  return { key: KEY, run, runCallback: runCallbackOver(run) };
}

/** A ConnectContext with the core's own TLS mapping and peer check for `tls` (as the engine builds it). */
export function coreTlsContext(tls: TlsConfig, host: string): FakeContext {
  return fakeContext(toNodeTlsOptions(tls, { host }), (socket) => verifyTlsPeer(socket, tls, { host }));
}
