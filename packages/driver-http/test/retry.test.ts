import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionLostError } from '@outpools/core';
import type { ConnectContext } from '@outpools/core/driver';
import type { HttpConnectionOptions } from '@outpools/driver-http';
import { FAST_BACKOFF, httpDriverWith, httpToml, startPools } from './helpers/pools.js';
import { until } from '@outpools/testing';
import { startServer, type TestServer } from './helpers/servers.js';

/** A TCP proxy to `port` on 127.0.0.1 that can stop accepting. */
async function startProxy(port: number): Promise<{ port: number; open: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = 0;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port });
    open++;
    sockets.add(client).add(upstream);
    const done = (): void => {
      if (sockets.delete(client)) open--;
      client.destroy();
      upstream.destroy();
    };
    client.on('error', done).on('close', done);
    upstream.on('error', done).on('close', done);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    get open() {
      return open;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/**
 * Worker 0 goes through the proxy, worker 1 straight to the server. The server's keep-alive hint
 * (`timeout=3`) makes undici close idle sockets by itself after about 1 s, which is not a loss:
 * the worker stays live with no socket. Closing the proxy then makes worker 0's next connect fail
 * before its request is written: exactly the "nothing was sent" case.
 */
async function setUp(server: TestServer, cleanup: (() => Promise<void>)[]) {
  const proxy = await startProxy(server.port);
  cleanup.push(() => proxy.close());
  const base = httpDriverWith(FAST_BACKOFF);
  const driver = Object.freeze({
    ...base,
    connect: (options: HttpConnectionOptions, ctx: ConnectContext) =>
      base.connect(ctx.workerIndex === 0 ? { ...options, host: `http://127.0.0.1:${proxy.port}` } : options, ctx),
  });
  const { pools, client } = await startPools(
    httpToml('retry', { workers: 2, strategy: 'next_worker', call_timeout: 3000 }, { host: server.origin }),
    driver as typeof base,
  );
  cleanup.push(() => pools.stop());
  const http = client('retry');
  await Promise.all([http.get('/warm-0'), http.get('/warm-1')]);
  await until(() => proxy.open === 0, 4000, 'undici to close the idle proxied socket');
  await proxy.close();
  return { pools, http };
}

describe('retrying a request whose connection could not be opened (nothing sent)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('runs an idempotent GET once more on another worker', async () => {
    const server = await startServer({ keepAliveTimeoutMs: 3000 });
    cleanup.push(() => server.dispose());
    const { pools, http } = await setUp(server, cleanup);
    const before = server.seen.length;
    const codes = [(await http.get('/a')).statusCode, (await http.get('/b')).statusCode];
    expect(codes).toEqual([200, 200]);
    expect(
      server.seen
        .slice(before)
        .map((s) => s.url)
        .sort(),
    ).toEqual(['/a', '/b']);
    expect(pools.pool('http', 'global', 'retry').stats().workers.live).toBe(1);
  });

  it('fails a POST with ConnectionLostError instead of retrying it', async () => {
    const server = await startServer({ keepAliveTimeoutMs: 3000 });
    cleanup.push(() => server.dispose());
    const { http } = await setUp(server, cleanup);
    const before = server.seen.length;
    const results = [
      await http.post('/p1', 'x').then(
        (r) => r.statusCode,
        (e: unknown) => e,
      ),
      await http.post('/p2', 'y').then(
        (r) => r.statusCode,
        (e: unknown) => e,
      ),
    ];
    expect(results.filter((r) => r === 200).length).toBe(1);
    expect(results.filter((r) => r instanceof ConnectionLostError).length).toBe(1);
    expect(server.seen.length - before).toBe(1);
  });
});
