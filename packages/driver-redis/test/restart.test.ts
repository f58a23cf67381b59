import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import { failureKinds, recordUnhandled, startLoad, until, withReconnect } from '@outpools/testing';
import { clientOf, redisToml, startPools } from './helpers/pools.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/servers.js';
import { loadIoredis } from '../src/load.js';

const CALL_TIMEOUT = 1000;
const BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const;

describe('a redis server killed and restarted under load', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    // ioredis is imported on the first connect; import it here so that a loaded machine's import
    // time does not count against this test's 1 s connect bound at start
    await loadIoredis();
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('settles every call within call_timeout + 100 ms, raises nothing unhandled, and is live again within the backoff cap + 1 s', async () => {
    const unhandled = recordUnhandled();
    const { pools, report } = await startPools(
      redisToml('restart', { workers: 4, call_timeout: CALL_TIMEOUT }, { port: server.port }),
      withReconnect(redisDriver, BACKOFF),
    );
    try {
      expect(report.ok).toBe(true);
      const client = clientOf(pools, 'restart');
      const load = startLoad(50, (id, n) => (n % 2 === 0 ? client.set(`k${id}`, String(n)) : client.get(`k${id}`)));
      const { outcomes } = load;

      await until(() => load.okCount() > 500, 5000, 'load before the kill');
      await server.kill();
      await until(() => outcomes.some((o) => !o.ok), 2000, 'failures after the kill');
      // Stay down until every worker has failed to reconnect at least twice (backoff growing).
      const failedAttempts = new Map<number, number>();
      pools.events.on('reconnect_attempt', (e) => failedAttempts.set(e.worker, e.attempt));
      await until(
        () => failedAttempts.size === 4 && [...failedAttempts.values()].every((n) => n >= 2),
        5000,
        'failed reconnect attempts while the server is down',
      );
      await server.start();
      const restartedAt = performance.now();
      const okBefore = load.okCount();
      await until(
        () => pools.stats()[0]?.workers.live === 4 && load.okCount() > okBefore + 100,
        BACKOFF.capMs + 1000,
        'every worker live and calls succeeding again',
      );
      const liveAfterMs = performance.now() - restartedAt;
      await load.stop();

      const slow = outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100);
      expect(slow).toEqual([]);
      expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThan(0);
      const kinds = failureKinds(outcomes, { NoWorkersError, ConnectionLostError, CallTimeoutError });
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('NoWorkersError')).toBe(true);
      expect(liveAfterMs).toBeLessThan(BACKOFF.capMs + 1000);
      const health = await pools.health();
      expect(health[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });
});
