// mysql behind a TCP proxy that goes silent (sockets open, nothing forwarded: a half-open
// connection). A statement past query_timeout whose KILL QUERY gets no answer must give up the
// connection; the side connection for KILL QUERY is one login, reused; and a pool under load is
// live again after the heal within the backoff bound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, ConnectionLostError, NoWorkersError } from '@outpools/core';
import {
  closeAfterEach,
  failureKinds,
  recordUnhandled,
  startLoad,
  startTcpProxy,
  until,
  type TcpProxy,
} from '@outpools/testing';
import { connectRdbms } from '../src/driver.js';
import { MYSQL_KILL_GRACE_MS } from '../src/mysql.js';
import { QueryTimeoutError } from '../src/errors.js';
import type { RdbmsConnection } from '../src/types.js';
import { fakeContext, onePool } from './helpers/fake-pool.js';
import { connectionToml, startRdbms } from './helpers/pools.js';
import { MARIADB } from './helpers/servers.js';

let proxy: TcpProxy;
beforeAll(async () => {
  proxy = await startTcpProxy({ host: '127.0.0.1', port: 3306 });
});
afterAll(async () => {
  await proxy.close();
});

const track = closeAfterEach((connection: RdbmsConnection) => connection.close());

describe('mysql: query_timeout behind a silent network', () => {
  it('reports the connection lost when KILL QUERY gets no answer within the grace', async () => {
    const ctx = fakeContext();
    const connection = track(
      await connectRdbms({ ...MARIADB, host: '127.0.0.1', port: proxy.port, query_timeout: 300 }, ctx),
    );
    const db = onePool(connection);
    const started = performance.now();
    const running = db.run((c, call) => c.query('SELECT SLEEP(5)', undefined, call)).catch((e: unknown) => e);
    await until(() => performance.now() - started > 50, 1000, 'the statement sent');
    proxy.blackhole();
    try {
      const error = await running;
      const ms = performance.now() - started;
      expect(error).toBeInstanceOf(QueryTimeoutError);
      expect(ctx.lostErrors).toHaveLength(1);
      expect(String(ctx.lostErrors[0])).toContain('did not end within');
      expect(ms).toBeGreaterThanOrEqual(300 + MYSQL_KILL_GRACE_MS - 50);
      expect(ms).toBeLessThan(300 + MYSQL_KILL_GRACE_MS + 1000);
    } finally {
      proxy.heal();
    }
  });

  it('logs in once for KILL QUERY and reuses the side connection for the next timed-out statement', async () => {
    const ctx = fakeContext();
    const before = proxy.accepted;
    const connection = track(
      await connectRdbms({ ...MARIADB, host: '127.0.0.1', port: proxy.port, query_timeout: 200 }, ctx),
    );
    const db = onePool(connection);
    for (let i = 0; i < 3; i++) {
      const error = await db.run((c, call) => c.query('SELECT SLEEP(3)', undefined, call)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(QueryTimeoutError);
    }
    expect((await db.run((c, call) => c.query('SELECT 1 AS one', undefined, call))).rows).toEqual([{ one: 1 }]);
    expect(ctx.lostErrors).toEqual([]);
    expect(proxy.accepted - before).toBe(2); // the connection and one side connection
  });
});

describe('mysql pool under load behind a blackhole', () => {
  const CALL_TIMEOUT = 1000;
  const SLACK = 250;
  const WORKERS = 3;
  /** After the heal: a connect attempt held by the blackhole runs out (bound: call_timeout), then the backoff (cap 1 s). */
  const RECOVERY_BOUND = CALL_TIMEOUT + 1000 + 1500;

  it('goes down, settles every call within call_timeout, and is live again after the heal within the backoff bound', async () => {
    const unhandled = recordUnhandled();
    const { pools, db } = await startRdbms(
      `workers = ${WORKERS}\ncall_timeout = ${CALL_TIMEOUT}`,
      connectionToml('mysql', proxy.port, 'max_start_interval = 1'),
    );
    try {
      expect(pools.stats()[0]?.workers.live).toBe(WORKERS);
      const down = new Set<number>();
      pools.events.on('disconnect', (e) => down.add(e.worker));
      const load = startLoad(20, (id, n) => db.query('SELECT ? AS n', [id * 1000 + n]), { pauseAfterFailureMs: 20 });
      await until(() => load.okCount() > 100, 10_000, 'load before the blackhole');

      proxy.blackhole();
      await until(() => down.size === WORKERS, CALL_TIMEOUT + 4000, 'every worker down during the blackhole');
      proxy.heal();
      const healedAt = performance.now();
      const okBefore = load.okCount();
      await until(
        () => pools.stats()[0]?.workers.live === WORKERS && load.okCount() > okBefore + 50,
        RECOVERY_BOUND,
        'every worker live and statements succeeding after the heal',
      );
      const recoveredMs = performance.now() - healedAt;
      await load.stop();

      const { outcomes } = load;
      expect(outcomes.filter((o) => o.ms > CALL_TIMEOUT + SLACK)).toEqual([]);
      const kinds = failureKinds(outcomes, { NoWorkersError, ConnectionLostError, CallTimeoutError });
      expect([...kinds].filter((k) => k.startsWith('unexpected'))).toEqual([]);
      expect(recoveredMs).toBeLessThan(RECOVERY_BOUND);
      expect((await pools.health())[0]).toMatchObject({ ok: true });
    } finally {
      await pools.stop();
      unhandled.uninstall();
    }
    expect(unhandled.errors).toEqual([]);
  });
});
