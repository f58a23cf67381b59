import { afterEach, describe, expect, it } from 'vitest';
import { callContext, runCallbackOver } from '@outpools/core/driver';
import { ConnectionLostError, type CallContext, type PoolHandle, type RunOptions } from '@outpools/core';
import { HttpRequestError, type HttpResponse } from '@outpools/driver-http';
import { createHttpClient } from '../src/client.js';
import { HttpConnection } from '../src/connection.js';
import { loadUndici } from '../src/load.js';
import { until } from '@outpools/testing';
import { startServer, type TestServer } from './helpers/servers.js';

async function open(server: TestServer, lost: (error: unknown) => void = () => {}): Promise<HttpConnection> {
  return HttpConnection.open(await loadUndici(), {
    key: undefined,
    origin: server.origin,
    prefix: '/',
    requestTimeoutMs: 1000,
    lost,
    target: { hostname: '127.0.0.1', port: server.port, tls: undefined, verifyTls: () => {} },
  });
}

describe('one http connection (undici Client with a verified connector)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('refuses to open when the server is down', async () => {
    const server = await startServer();
    await server.kill();
    await expect(open(server)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reports the loss when the server goes away, and fails a later request with ConnectionLostError (nothing was sent)', async () => {
    const server = await startServer();
    cleanup.push(() => server.dispose());
    const losses: unknown[] = [];
    const connection = await open(server, (error) => losses.push(error));
    cleanup.push(() => connection.close());
    expect((await connection.request({ method: 'GET', path: '/one' })).statusCode).toBe(200);
    await server.kill();
    await until(() => losses.length > 0, 2000, 'the connection to report its loss');
    const error = await connection.request({ method: 'GET', path: '/two' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect((error as Error).cause).toBeDefined();
  });

  it('fails a request whose connection closed after it was sent with HttpRequestError', async () => {
    const server = await startServer();
    cleanup.push(() => server.dispose());
    server.route('/hang-up', (req) => {
      req.socket.destroy();
    });
    const connection = await open(server);
    cleanup.push(() => connection.close());
    const error = await connection.request({ method: 'GET', path: '/hang-up' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(server.seen.map((s) => s.url)).toEqual(['/hang-up']);
    // The connection opens a fresh socket and serves the next request.
    expect((await connection.request({ method: 'GET', path: '/next' })).statusCode).toBe(200);
  });

  it('rejects with the reason of an abort through the call context', async () => {
    const server = await startServer();
    cleanup.push(() => server.dispose());
    server.route('/never', () => {});
    const connection = await open(server);
    cleanup.push(() => connection.close());
    let abort: ((reason: unknown) => void) | undefined;
    const reason = new Error('call timed out');
    const call = {
      onAbort: (listener: (reason: unknown) => void) => (abort = listener),
      armTimeout: () => {},
      disarmTimeout: () => {},
    };
    const pending = connection.request({ method: 'GET', path: '/never' }, call);
    await until(() => server.seen.length === 1, 1000, 'the request to arrive');
    abort?.(reason);
    await expect(pending).rejects.toBe(reason);
    // An already aborted signal rejects at once, and nothing is sent.
    const controller = new AbortController();
    controller.abort(reason);
    await expect(
      connection.request({ method: 'GET', path: '/x' }, callContext({ signal: controller.signal })),
    ).rejects.toBe(reason);
    expect(server.seen.length).toBe(1);
  });
});

describe('the http client over a pool handle', () => {
  it('asks the pool to retry on a lost connection only for idempotent methods', async () => {
    const seen: { method: string; retryOnLost: boolean | undefined }[] = [];
    const key = { type: 'http', host: 'global', tag: 't' };
    const run = <R>(fn: (c: HttpConnection, ctx: CallContext) => Promise<R> | R, options?: RunOptions): Promise<R> => {
      const connection = {
        request: (wire: { method: string }) => {
          seen.push({ method: wire.method, retryOnLost: options?.retryOnLost });
          return Promise.resolve({ statusCode: 204 } as HttpResponse);
        },
      } as unknown as HttpConnection;
      return Promise.resolve(fn(connection, callContext({ key })));
    };
    const fake = { key, run, runCallback: runCallbackOver(run) } satisfies PoolHandle<HttpConnection>;
    const client = createHttpClient(fake, '/', { method: 'HEAD', path: undefined });
    for (const method of ['get', 'HEAD', 'options', 'PUT', 'delete', 'POST', 'patch'])
      await client.request({ method, path: '/x' });
    expect(seen).toEqual([
      { method: 'GET', retryOnLost: true },
      { method: 'HEAD', retryOnLost: true },
      { method: 'OPTIONS', retryOnLost: true },
      { method: 'PUT', retryOnLost: true },
      { method: 'DELETE', retryOnLost: true },
      { method: 'POST', retryOnLost: false },
      { method: 'PATCH', retryOnLost: false },
    ]);
  });
});
