import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, NoAvailableWorkersError, NoWorkersError } from '@outpools/core';
import type { RedisClient } from '../src/client.js';
import { redisDriver } from '@outpools/driver-redis';
import { until, withReconnect } from '@outpools/testing';
import { clientOf, redisToml, startPools, type Pools } from './helpers/pools.js';
import { redisExtra, startPrivateRedis, type PrivateRedis } from './helpers/servers.js';

const prefix = `outpools:pooltest:${process.pid}:${Date.now()}`;
const started: Pools[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

async function pool(
  tag: string,
  options: Record<string, string | number>,
  connection: Record<string, string | number> = {},
) {
  const { pools, report } = await startPools(redisToml(tag, options, connection));
  started.push(pools);
  return { client: clientOf(pools, tag), report, pools };
}

/** Which worker served a call: its connection name ends in `#<worker index>`. */
async function workerOf(client: RedisClient): Promise<number> {
  return client.run(async (conn) => Number(/#(\d+)$/.exec(String(conn.options.connectionName))?.[1]));
}

async function sequence(client: RedisClient, n: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < n; i += 1) seen.push(await workerOf(client));
  return seen;
}

describe('redis pools through the engine', () => {
  for (const strategy of ['best_worker', 'random_worker', 'next_worker', 'next_available_worker']) {
    it(`serves sequential and concurrent calls with ${strategy}`, async () => {
      const { client, report } = await pool(strategy, { strategy, workers: 3 });
      expect(report.ok).toBe(true);
      const seen = await sequence(client, 30);
      expect(new Set(seen).size).toBeGreaterThan(1);
      const key = `${prefix}:${strategy}`;
      const results = await Promise.allSettled(
        Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? client.incr(key) : client.get(key))),
      );
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (strategy === 'next_available_worker') {
        // Only idle workers are picked and nothing queues: the overflow fails at once.
        expect(failures.every((e) => e instanceof NoAvailableWorkersError)).toBe(true);
        expect(failures.length).toBeLessThan(200);
      } else {
        expect(failures).toEqual([]);
        expect(Number(await client.get(key))).toBe(100);
      }
      await client.del(key);
    });
  }

  it('goes round robin over the workers with next_worker', async () => {
    const { client } = await pool('rr', { strategy: 'next_worker', workers: 3 });
    const seen = await sequence(client, 7);
    for (let i = 1; i < seen.length; i += 1) expect(seen[i]).toBe(((seen[i - 1] ?? 0) + 1) % 3);
  });

  it('routes every call with the same hashKey to the same worker', async () => {
    const { client } = await pool('hash', { workers: 4 });
    const user = client.withOptions({ hashKey: 'user:42' });
    const seen = await sequence(user, 20);
    expect(new Set(seen).size).toBe(1);
    const spread = new Set<number>();
    for (let i = 0; i < 40; i += 1) spread.add(await workerOf(client.withOptions({ hashKey: `user:${i}` })));
    expect(spread.size).toBeGreaterThan(1);
  });

  it('runs pipeline and multi on one worker', async () => {
    const { client } = await pool('batch', { workers: 3 });
    const key = `${prefix}:batch`;
    expect(await client.pipeline((p) => p.set(key, '5').incrby(key, 2))).toEqual([
      [null, 'OK'],
      [null, 7],
    ]);
    expect(await client.multi((m) => m.incr(key).del(key))).toEqual([
      [null, 8],
      [null, 1],
    ]);
  });

  it('keeps answering on other workers while BLPOP blocks one (best_worker)', async () => {
    const { client } = await pool('blocking', { workers: 4, call_timeout: 8000 });
    const key = `${prefix}:queue`;
    const blocked = client.blpop(key, 5);
    await until(async () => /cmd=blpop/.test(await client.command<string>('CLIENT', 'LIST')), 2000, 'BLPOP to run');
    const slowest = { ms: 0 };
    const began = Date.now();
    for (let i = 0; i < 20; i += 1) {
      const t0 = Date.now();
      await client.get(`${prefix}:other`);
      slowest.ms = Math.max(slowest.ms, Date.now() - t0);
    }
    // Behind the BLPOP a call would wait its 5 s; on other workers it takes a round trip.
    expect(slowest.ms).toBeLessThan(1000);
    expect(Date.now() - began).toBeLessThan(2500);
    await client.rpush(key, 'job');
    expect(await blocked).toEqual([key, 'job']);
  });

  it('drops the connection of a blocking call that outlives call_timeout, and reconnects it', async () => {
    const { client, pools } = await pool('blocktimeout', { workers: 2, call_timeout: 300 });
    const key = `${prefix}:never`;
    const t0 = Date.now();
    await expect(client.command('BLPOP', key, 5)).rejects.toBeInstanceOf(CallTimeoutError);
    expect(Date.now() - t0).toBeLessThan(1000); // call_timeout, not the BLPOP's 5 s
    await until(() => pools.stats()[0]?.counters.reconnects === 1, 3000, 'the blocked worker to reconnect');
    await until(() => pools.stats()[0]?.workers.live === 2, 3000, 'both workers live');
    const list = await client.command<string>('CLIENT', 'LIST');
    expect(list).not.toMatch(/cmd=blpop/);
  });

  it("rejects with the caller's own abort reason", async () => {
    const { client } = await pool('signal', { workers: 2, call_timeout: 5000 });
    const controller = new AbortController();
    const pending = client.withOptions({ signal: controller.signal }).command('BLPOP', `${prefix}:sig`, 2);
    controller.abort(new Error('caller gave up'));
    await expect(pending).rejects.toThrow('caller gave up');
    const already = AbortSignal.abort(new Error('too late'));
    await expect(client.withOptions({ signal: already }).get('k')).rejects.toThrow('too late');
  });

  it('reports every worker healthy with PING', async () => {
    const { pools } = await pool('health', { workers: 2 });
    const health = await pools.health();
    expect(health[0]).toMatchObject({ ok: true });
  });
});

describe('a redis pool with a wrong password', () => {
  it('reports the AUTH failure without the password, in the start report and in events', async () => {
    const extra = await redisExtra();
    const password = 'wrong-pool-secret-5521';
    const { pools, report } = await startPools(
      redisToml('badauth', { workers: 1, call_timeout: 1000 }, { port: extra.port, password }),
    );
    started.push(pools);
    const seen: unknown[] = [];
    pools.events.on('reconnect_attempt', (e) => seen.push(e));
    expect(report.ok).toBe(false);
    expect(report.instances[0]?.error).toMatch(/WRONGPASS/);
    await until(() => seen.length > 0, 3000, 'a failed reconnect attempt');
    expect(JSON.stringify({ report, seen, stats: pools.stats() })).not.toContain(password);
  });
});

describe('a redis pool whose server is down', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    server = await startPrivateRedis();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('fails calls at once with NoWorkersError, and is live again after the server returns', async () => {
    const driver = withReconnect(redisDriver, { kind: 'exponential', baseMs: 100, capMs: 500 });
    const { pools, report } = await startPools(
      redisToml('down', { workers: 2, call_timeout: 2000 }, { port: server.port }),
      driver,
    );
    started.push(pools);
    expect(report.ok).toBe(true);
    const client = clientOf(pools, 'down');
    expect(await client.ping()).toBe('PONG');
    await server.kill();
    // A write is never retried: right after the kill it fails with ConnectionLostError (it met the
    // broken connection) until the pool has marked every worker down. (A read would be retried
    // once after a reconnect and wait up to call_timeout.)
    await until(
      () =>
        client.del('k').then(
          () => false,
          (e: unknown) => e instanceof NoWorkersError,
        ),
      2000,
      'NoWorkersError',
    );
    for (let i = 0; i < 10; i += 1) {
      const t0 = Date.now();
      await expect(i % 2 === 0 ? client.get('k') : client.set('k', 'v')).rejects.toBeInstanceOf(NoWorkersError);
      expect(Date.now() - t0).toBeLessThan(200); // at once, not after call_timeout (2000)
    }
    await server.start();
    await until(
      () =>
        client.ping().then(
          () => true,
          () => false,
        ),
      500 + 1000,
      'the pool to be live again',
    );
  });
});
