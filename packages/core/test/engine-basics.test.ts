import { describe, it, expect } from 'vitest';
import { createFakeDriver, noopDriver } from '@outpools/testing';
import { NoWorkersError, PoolStoppedError } from '@outpools/core';
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
