import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { HttpRequestError, HttpTimeoutError } from '@outpools/driver-http';
import { recordUnhandled, until } from '@outpools/testing';
import { httpDriverWith, httpToml, startPools } from './helpers/pools.js';
import { startServer, type TestServer } from './helpers/servers.js';

const CALL_TIMEOUT = 1000;
const BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const;

interface Outcome {
  readonly ms: number;
  readonly ok: boolean;
  readonly error?: unknown;
}

const kindOf = (error: unknown): string =>
  error instanceof NoWorkersError
    ? 'NoWorkersError'
    : error instanceof ConnectionLostError
      ? 'ConnectionLostError'
      : error instanceof HttpRequestError
        ? 'HttpRequestError'
        : error instanceof HttpTimeoutError
          ? 'HttpTimeoutError'
          : error instanceof CallTimeoutError
            ? 'CallTimeoutError'
            : `unexpected: ${String(error)}`;

describe('an http server killed and restarted under load', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
    server.route('/work', (req, res) => {
      setTimeout(() => {
        res.setHeader('content-type', 'text/plain');
        res.end(req.method ?? '');
      }, 2);
    });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('settles every call within call_timeout + 100 ms, raises nothing unhandled, and is live again within the backoff cap + 1 s', async () => {
    const unhandled = recordUnhandled();
    const { pools, report, client } = await startPools(
      httpToml('restart', { workers: 4, call_timeout: CALL_TIMEOUT }, { host: server.origin, request_timeout: 800 }),
      httpDriverWith(BACKOFF),
    );
    try {
      expect(report.ok).toBe(true);
      const http = client('restart');
      const outcomes: Outcome[] = [];
      let running = true;
      const caller = async (id: number): Promise<void> => {
        for (let n = 0; running; n += 1) {
          const t0 = performance.now();
          try {
            if (n % 3 === 0) await http.post('/work', `caller ${id}`);
            else await http.get('/work');
            outcomes.push({ ms: performance.now() - t0, ok: true });
          } catch (error) {
            outcomes.push({ ms: performance.now() - t0, ok: false, error });
            // A failed call returns at once; do not spin the CPU while the server is down.
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        }
      };
      const load = Array.from({ length: 30 }, (_, id) => caller(id));

      await until(() => outcomes.filter((o) => o.ok).length > 300, 5000, 'load before the kill');
      await server.kill();
      await until(() => outcomes.some((o) => !o.ok), 2000, 'failures after the kill');
      const downSince = outcomes.length;
      await until(() => outcomes.length > downSince + 100, 3000, 'calls while the server is down');
      await server.start();
      const restartedAt = performance.now();
      const okBefore = outcomes.filter((o) => o.ok).length;
      await until(() => outcomes.filter((o) => o.ok).length > okBefore + 100, BACKOFF.capMs + 1000, 'the pool to be live again');
      const liveAfterMs = performance.now() - restartedAt;
      running = false;
      await Promise.all(load);

      expect(outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100)).toEqual([]);
      const kinds = new Set(outcomes.filter((o) => !o.ok).map((o) => kindOf(o.error)));
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('NoWorkersError')).toBe(true);
      expect(liveAfterMs).toBeLessThan(BACKOFF.capMs + 1000);
      await until(() => pools.pool('http', 'global', 'restart').stats().workers.live === 4, BACKOFF.capMs + 1000, 'every worker live');
      const health = await pools.health();
      expect(health[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });
});
