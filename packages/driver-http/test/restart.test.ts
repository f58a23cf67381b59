import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { HttpRequestError, HttpTimeoutError } from '@outpools/driver-http';
import { failureKinds, recordUnhandled, startLoad, until } from '@outpools/testing';
import { httpDriverWith, httpToml, startPools } from './helpers/pools.js';
import { startServer, type TestServer } from './helpers/servers.js';
import { loadUndici } from '../src/load.js';

const CALL_TIMEOUT = 1000;
const BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const;

const ERROR_CLASSES = { NoWorkersError, ConnectionLostError, HttpRequestError, HttpTimeoutError, CallTimeoutError };

describe('an http server killed and restarted under load', () => {
  let server: TestServer;
  beforeAll(async () => {
    // undici is imported on the first connect; import it here so that a loaded machine's import
    // time does not count against this test's 1 s connect bound at start
    await loadUndici();
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
      const load = startLoad(30, (id, n) => (n % 3 === 0 ? http.post('/work', `caller ${id}`) : http.get('/work')), {
        pauseAfterFailureMs: 5,
      });
      const { outcomes } = load;

      await until(() => load.okCount() > 300, 5000, 'load before the kill');
      await server.kill();
      await until(() => outcomes.some((o) => !o.ok), 2000, 'failures after the kill');
      const downSince = outcomes.length;
      await until(() => outcomes.length > downSince + 100, 3000, 'calls while the server is down');
      await server.start();
      const restartedAt = performance.now();
      const okBefore = load.okCount();
      await until(() => load.okCount() > okBefore + 100, BACKOFF.capMs + 1000, 'the pool to be live again');
      const liveAfterMs = performance.now() - restartedAt;
      await load.stop();

      expect(outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100)).toEqual([]);
      const kinds = failureKinds(outcomes, ERROR_CLASSES);
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('NoWorkersError')).toBe(true);
      expect(liveAfterMs).toBeLessThan(BACKOFF.capMs + 1000);
      await until(
        () => pools.pool('http', 'global', 'restart').stats().workers.live === 4,
        BACKOFF.capMs + 1000,
        'every worker live',
      );
      const health = await pools.health();
      expect(health[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });
});
