import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import { recordUnhandled, until, withReconnect } from '@outpools/testing';
import { clientOf, redisToml, startPools } from './helpers/pools.js';
import { startPrivateRedis, type PrivateRedis } from './helpers/servers.js';

const CALL_TIMEOUT = 1000;
const BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const;

interface Outcome {
  readonly ms: number;
  readonly ok: boolean;
  readonly error?: unknown;
}

describe('a redis server killed and restarted under load', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
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
      const outcomes: Outcome[] = [];
      let running = true;
      const caller = async (id: number): Promise<void> => {
        for (let n = 0; running; n += 1) {
          const t0 = performance.now();
          try {
            if (n % 2 === 0) await client.set(`k${id}`, String(n));
            else await client.get(`k${id}`);
            outcomes.push({ ms: performance.now() - t0, ok: true });
          } catch (error) {
            outcomes.push({ ms: performance.now() - t0, ok: false, error });
            // A failed call returns at once; do not spin the CPU while the server is down.
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      };
      const load = Array.from({ length: 50 }, (_, id) => caller(id));

      await until(() => outcomes.filter((o) => o.ok).length > 500, 5000, 'load before the kill');
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
      const okBefore = outcomes.filter((o) => o.ok).length;
      await until(
        () => pools.stats()[0]?.workers.live === 4 && outcomes.filter((o) => o.ok).length > okBefore + 100,
        BACKOFF.capMs + 1000,
        'every worker live and calls succeeding again',
      );
      const liveAfterMs = performance.now() - restartedAt;
      running = false;
      await Promise.all(load);

      const slow = outcomes.filter((o) => o.ms > CALL_TIMEOUT + 100);
      expect(slow).toEqual([]);
      expect(outcomes.filter((o) => !o.ok).length).toBeGreaterThan(0);
      const kinds = new Set(
        outcomes.filter((o) => !o.ok).map((o) =>
          o.error instanceof NoWorkersError
            ? 'NoWorkersError'
            : o.error instanceof ConnectionLostError
              ? 'ConnectionLostError'
              : o.error instanceof CallTimeoutError
                ? 'CallTimeoutError'
                : `unexpected: ${String(o.error)}`,
        ),
      );
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
