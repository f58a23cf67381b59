// A half-open network under load: a TCP proxy in front of the base Redis goes silent (sockets
// open, nothing forwarded, no FIN or RST), then heals. ioredis has no command timeout and sees
// no close, so only the core's liveness policy (a call abandoned at call_timeout, then a probe
// ping) can tell that the connections are dead (docs/lifecycle.md, "Dead connections").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import { redisDriver } from '@outpools/driver-redis';
import {
  failureKinds,
  recordUnhandled,
  startLoad,
  startTcpProxy,
  until,
  withReconnect,
  type TcpProxy,
} from '@outpools/testing';
import { clientOf, redisToml, startPools } from './helpers/pools.js';

const WORKERS = 5;
const CALL_TIMEOUT = 1000;
const SLACK = 250;
const BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const;
/** After the heal: a connect attempt held by the blackhole runs out (the connect bound is call_timeout), then the backoff. */
const RECOVERY_BOUND = CALL_TIMEOUT + BACKOFF.capMs + 1000;

describe('a redis pool behind a blackhole', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 6379 });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('goes down during the blackhole, settles every call within call_timeout, and is live again after the heal within the backoff bound', async () => {
    const unhandled = recordUnhandled();
    const { pools, report } = await startPools(
      redisToml('blackhole', { workers: WORKERS, call_timeout: CALL_TIMEOUT }, { port: proxy.port }),
      withReconnect(redisDriver, BACKOFF),
    );
    try {
      expect(report.instances[0]?.error).toBeUndefined();
      expect(report.ok).toBe(true);
      const down = new Set<number>();
      const errors: string[] = [];
      pools.events.on('disconnect', (e) => {
        down.add(e.worker);
        errors.push(e.error ?? '');
      });
      const client = clientOf(pools, 'blackhole');
      const load = startLoad(50, (id, n) => (n % 2 === 0 ? client.set(`bh${id}`, String(n)) : client.get(`bh${id}`)), {
        pauseAfterFailureMs: 20,
      });
      await until(() => load.okCount() > 200, 5000, 'load before the blackhole');

      proxy.blackhole();
      await until(() => down.size === WORKERS, CALL_TIMEOUT + 3000, 'every worker down during the blackhole');
      expect(pools.stats()[0]?.workers.live).toBe(0);
      expect(errors.every((e) => /liveness probe/.test(e))).toBe(true);

      proxy.heal();
      const healedAt = performance.now();
      const okBefore = load.okCount();
      await until(
        () => pools.stats()[0]?.workers.live === WORKERS && load.okCount() > okBefore + 100,
        RECOVERY_BOUND,
        'every worker live and calls succeeding after the heal',
      );
      const recoveredMs = performance.now() - healedAt;
      await load.stop();

      const { outcomes } = load;
      expect(outcomes.filter((o) => o.ms > CALL_TIMEOUT + SLACK)).toEqual([]);
      const kinds = failureKinds(outcomes, { NoWorkersError, ConnectionLostError, CallTimeoutError });
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(kinds.has('CallTimeoutError')).toBe(true);
      expect(recoveredMs).toBeLessThan(RECOVERY_BOUND);
      expect((await pools.health())[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });

  it('takes a worker down when a health ping finds its connection silent', async () => {
    const { pools } = await startPools(
      redisToml('silent', { workers: 2, call_timeout: CALL_TIMEOUT }, { port: proxy.port }),
      withReconnect(redisDriver, BACKOFF),
    );
    try {
      expect(pools.stats()[0]?.workers.live).toBe(2);
      const down: number[] = [];
      pools.events.on('disconnect', (e) => down.push(e.worker));
      // the newest two connections through the proxy are this pool's
      expect(proxy.silence(proxy.open - 1)).toBe(true);
      const [health] = await pools.health();
      expect(health?.ok).toBe(false);
      await until(() => down.length === 1, 1000, 'the silent worker down');
      await until(() => pools.stats()[0]?.workers.live === 2, RECOVERY_BOUND, 'both workers live again');
      expect((await pools.health())[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
    }
  });
});
