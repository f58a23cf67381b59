import { describe, it, expect } from 'vitest';
import { createFakeDriver, noopDriver } from '@outpools/testing';
import { NoWorkersError, PoolNotStartedError, PoolStoppedError } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

describe('engine basics', () => {
  it('starts every worker, runs calls on them and stops', async () => {
    const pools = poolsOf(noopDriver, [poolSpec({ type: 'noop', workers: 3 })]);
    const report = await pools.start();
    expect(report.ok).toBe(true);
    expect(report.instances).toEqual([{ key: { type: 'noop', host: 'global', tag: 'default' }, live: 3, workers: 3 }]);
    const client = pools.get(noopDriver, 'global', 'default');
    const seen = await Promise.all(Array.from({ length: 30 }, () => client.call()));
    expect(new Set(seen)).toEqual(new Set([0, 1, 2]));
    const stats = pools.stats()[0]!;
    expect(stats.counters.calls).toBe(30);
    expect(stats.counters.successes).toBe(30);
    await pools.stop();
    await expect(client.call()).rejects.toBeInstanceOf(PoolStoppedError);
  });

  it('reports a pool whose backend is down and fails calls with NoWorkersError at once', async () => {
    const fake = createFakeDriver({ connectFailures: 1000 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 2 })]);
    const report = await pools.start();
    expect(report.ok).toBe(false);
    expect(report.instances[0]).toMatchObject({ live: 0, workers: 2, error: 'fake connect refused' });
    await expect(pools.get(fake.driver, 'global', 'default').call(1)).rejects.toBeInstanceOf(NoWorkersError);
    await pools.stop();
  });
});

describe('what a first user runs into', () => {
  it('a call before start() fails with PoolNotStartedError, and works once started', async () => {
    const pools = poolsOf(noopDriver, [poolSpec({ type: 'noop', workers: 1 })]);
    const client = pools.get(noopDriver, 'global', 'default');
    const early = client.call();
    await expect(early).rejects.toBeInstanceOf(PoolNotStartedError);
    await expect(early).rejects.toMatchObject({
      code: 'OUTPOOLS_POOL_NOT_STARTED',
      message: 'the pools are not started: call start() first (pool noop.default@global)',
    });
    await pools.start();
    await expect(client.call()).resolves.toBe(0);
    await pools.stop();
  });

  it('health() rounds its times to the microsecond, like the latencies of stats()', async () => {
    const fake = createFakeDriver({ callLatencyMs: 1 });
    const pools = poolsOf(fake.driver, [poolSpec({ workers: 2 })]);
    await pools.start();
    const [health] = await pools.health();
    expect(health?.ok).toBe(true);
    expect(Math.round(health!.ms * 1000) / 1000).toBe(health!.ms);
    await pools.stop();
  });

  it('a lookup for an unknown host names the host asked for', async () => {
    const pools = poolsOf(noopDriver, [poolSpec({ type: 'noop', tag: 'cache' })]);
    expect(() => pools.get(noopDriver, 'example.org', 'other')).toThrow(
      'no pool noop.other@example.org (nor its global fallback noop.other@global)',
    );
    expect(() => pools.get(noopDriver, 'global', 'other')).toThrow(/^no pool noop\.other@global$/);
    await pools.stop();
  });
});
