import { describe, expect, it } from 'vitest';
import { NoWorkersError } from '@outpools/core';
import { recordUnhandled, until } from '@outpools/testing';
import { FAST_BACKOFF, httpToml, startPools, type Pools } from './helpers/pools.js';
import { freePort, serversPerTest } from './helpers/servers.js';

const live = (pools: Pools, tag: string): number => pools.pool('http', 'global', tag).stats().workers.live;

describe('http pools when the server closes connections, is down, or comes back', () => {
  const { cleanup, server } = serversPerTest();

  it('keeps every worker live when the server closes idle keep-alive sockets, and the next calls succeed', async () => {
    const unhandled = recordUnhandled();
    const s = await server();
    const { pools, client } = await startPools(httpToml('idle', { workers: 3 }, { host: s.origin }));
    cleanup.push(() => pools.stop());
    try {
      const http = client('idle');
      await Promise.all([http.get('/a'), http.get('/b'), http.get('/c')]);
      const acceptedBefore = s.accepted;
      s.dropConnections(); // the server closes every idle connection
      // Each worker notices and opens a fresh socket at once (no reconnect with backoff).
      await until(() => s.accepted >= acceptedBefore + 3, 2000, 'the workers to reopen their sockets');
      expect(live(pools, 'idle')).toBe(3);
      expect(pools.pool('http', 'global', 'idle').stats().counters.reconnects).toBe(0);
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, i) => http.get(`/after-${i}`).then((r) => r.statusCode)),
      );
      expect(results).toEqual(Array.from({ length: 9 }, () => 200));
      expect(s.accepted).toBe(acceptedBefore + 3); // the fresh sockets served them
    } finally {
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });

  it('survives a server with a short keep-alive timeout (Node sends Keep-Alive: timeout=1)', async () => {
    const s = await server({ keepAliveTimeoutMs: 1000 });
    const { pools, client } = await startPools(httpToml('ka', { workers: 2 }, { host: s.origin }));
    cleanup.push(() => pools.stop());
    const http = client('ka');
    for (let round = 0; round < 2; round++) {
      const codes = await Promise.all([http.get('/x'), http.get('/y')].map((p) => p.then((r) => r.statusCode)));
      expect(codes).toEqual([200, 200]);
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
    expect(live(pools, 'ka')).toBe(2);
  });

  it('takes workers out of the pool when the server goes down while idle', async () => {
    const s = await server();
    const { pools, client } = await startPools(httpToml('down', { workers: 2 }, { host: s.origin }));
    cleanup.push(() => pools.stop());
    await client('down').get('/warm');
    await s.kill();
    await until(() => live(pools, 'down') === 0, 2000, 'no live worker');
    await expect(client('down').get('/x')).rejects.toBeInstanceOf(NoWorkersError);
  });

  it('starts with no live worker when the server is down, and goes live by itself when it comes up', async () => {
    const port = await freePort();
    const { pools, report, client } = await startPools(
      httpToml('late', { workers: 2 }, { host: `http://127.0.0.1:${port}` }),
    );
    cleanup.push(() => pools.stop());
    expect(report.ok).toBe(false);
    expect(report.instances[0]).toMatchObject({ live: 0, workers: 2 });
    await expect(client('late').get('/x')).rejects.toBeInstanceOf(NoWorkersError);
    const s = await server({ port });
    const upAt = performance.now();
    await until(() => live(pools, 'late') === 2, FAST_BACKOFF.capMs + 1000, 'both workers live');
    expect(performance.now() - upAt).toBeLessThan(FAST_BACKOFF.capMs + 1000);
    const res = await client('late').get('/hello');
    expect(res.body).toBe('ok GET /hello');
    expect(s.seen.map((x) => x.url)).toContain('/hello');
  });

  it('does not retry a request whose connection broke after it was sent, even an idempotent one', async () => {
    const s = await server();
    s.route('/hang-up', (req) => {
      req.socket.destroy();
    });
    const { pools, client } = await startPools(httpToml('once', { workers: 2 }, { host: s.origin }));
    cleanup.push(() => pools.stop());
    for (const method of ['GET', 'POST']) {
      const before = s.seen.length;
      const error = await client('once')
        .request({ method, path: '/hang-up' })
        .catch((e: unknown) => e);
      expect((error as { code?: string }).code, method).toBe('OUTPOOLS_HTTP_REQUEST');
      expect(s.seen.length - before, method).toBe(1);
    }
    // The pool is still usable afterwards.
    expect((await client('once').get('/ok')).statusCode).toBe(200);
  });
});
