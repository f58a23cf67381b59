import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError } from '@outpools/core';
import { HttpTimeoutError } from '@outpools/driver-http';
import { recordUnhandled } from '@outpools/testing';
import { httpToml, startPools } from './helpers/pools.js';
import { delay, startServer, type TestServer } from './helpers/servers.js';

describe('http timeouts against a slow real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    server.route('/slow-headers', async (_req, res) => {
      await delay(600);
      res.end('late');
    });
    server.route('/trickle', async (_req, res) => {
      // Headers at once, then one byte every 80 ms for 1.2 s: each gap is below request_timeout,
      // the whole body is not.
      res.setHeader('content-type', 'text/plain');
      res.flushHeaders();
      for (let i = 0; i < 15 && !res.destroyed; i++) {
        res.write('x');
        await delay(80);
      }
      res.end();
    });
    server.route('/slow-100', async (_req, res) => {
      await delay(100);
      res.setHeader('content-type', 'text/plain');
      res.end('done');
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('fails a request whose headers come later than request_timeout with HttpTimeoutError, on time', async () => {
    const { pools, client } = await startPools(
      httpToml('t', { workers: 1, call_timeout: 3000 }, { host: server.origin, request_timeout: 300 }),
    );
    try {
      const t0 = performance.now();
      const error = await client('t')
        .get('/slow-headers')
        .catch((e: unknown) => e);
      const ms = performance.now() - t0;
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect((error as HttpTimeoutError).code).toBe('OUTPOOLS_HTTP_TIMEOUT');
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(300 + 250);
      // The worker recovers: the next request is served.
      expect((await client('t').get('/fast')).statusCode).toBe(200);
    } finally {
      await pools.stop();
    }
  });

  it('bounds headers and the whole body together: a trickling body fails at request_timeout', async () => {
    const { pools, client } = await startPools(
      httpToml('b', { workers: 1, call_timeout: 3000 }, { host: server.origin, request_timeout: 400 }),
    );
    try {
      const t0 = performance.now();
      const error = await client('b')
        .get('/trickle')
        .catch((e: unknown) => e);
      const ms = performance.now() - t0;
      expect(error).toBeInstanceOf(HttpTimeoutError);
      expect(ms).toBeGreaterThanOrEqual(390);
      expect(ms).toBeLessThan(400 + 250);
    } finally {
      await pools.stop();
    }
  });

  it('fails the call with CallTimeoutError at call_timeout when that comes first, and the worker serves the next call', async () => {
    const unhandled = recordUnhandled();
    const { pools, client } = await startPools(
      httpToml('c', { workers: 1, call_timeout: 250 }, { host: server.origin, request_timeout: 2000 }),
    );
    try {
      const t0 = performance.now();
      const error = await client('c')
        .get('/slow-headers')
        .catch((e: unknown) => e);
      const ms = performance.now() - t0;
      expect(error).toBeInstanceOf(CallTimeoutError);
      expect(ms).toBeLessThan(250 + 100);
      const res = await client('c').get('/fast');
      expect(res.statusCode).toBe(200);
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });

  it("cancels a call through the caller's signal", async () => {
    const { pools, client } = await startPools(
      httpToml('s', { workers: 1, call_timeout: 3000 }, { host: server.origin, request_timeout: 2000 }),
    );
    try {
      const controller = new AbortController();
      const reason = new Error('user gave up');
      setTimeout(() => controller.abort(reason), 50);
      const t0 = performance.now();
      await expect(client('s').get('/slow-headers', { signal: controller.signal })).rejects.toBe(reason);
      expect(performance.now() - t0).toBeLessThan(300);
      expect((await client('s').get('/fast')).statusCode).toBe(200);
    } finally {
      await pools.stop();
    }
  });

  it('queues calls on a slow server: 8 calls of 100 ms on 2 workers all succeed in about 400 ms', async () => {
    const { pools, client } = await startPools(
      httpToml('q', { workers: 2, call_timeout: 3000 }, { host: server.origin }),
    );
    try {
      const t0 = performance.now();
      const bodies = await Promise.all(
        Array.from({ length: 8 }, () =>
          client('q')
            .get('/slow-100')
            .then((r) => r.body),
        ),
      );
      const ms = performance.now() - t0;
      expect(bodies).toEqual(Array.from({ length: 8 }, () => 'done'));
      expect(ms).toBeGreaterThanOrEqual(390);
      expect(ms).toBeLessThan(1200);
    } finally {
      await pools.stop();
    }
  });
});
