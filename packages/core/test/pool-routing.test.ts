import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import { createFakeDriver } from '@outpools/testing';
import {
  CallTimeoutError,
  NoAvailableWorkersError,
  NoWorkersError,
  RequestDroppedError,
  type DropEvent,
  type Strategy,
} from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(strategy: Strategy, workers: number, extra: Parameters<typeof createFakeDriver>[0] = {}) {
  const fake = createFakeDriver(extra);
  const pools = poolsOf(fake.driver, [poolSpec({ strategy, workers, callTimeoutMs: 1000 })]);
  await pools.start();
  return { fake, pools, client: pools.get(fake.driver, 'global', 'default') };
}

describe('routing through a pool', () => {
  it('next_worker sends consecutive calls to every worker in turn', async () => {
    const { pools, client } = await setup('next_worker', 3);
    const order: number[] = [];
    for (let i = 0; i < 6; i++) order.push((await client.call(i)).workerIndex);
    expect(order).toEqual([0, 1, 2, 0, 1, 2]);
    await pools.stop();
  });

  it('best_worker spreads concurrent calls so no worker has more load than another', async () => {
    const { pools, client } = await setup('best_worker', 3);
    const calls = Array.from({ length: 9 }, (_, i) => client.call(i, { latencyMs: 100 }));
    expect(pools.stats()[0]!.load).toEqual([3, 3, 3]);
    await vi.advanceTimersByTimeAsync(300);
    await Promise.all(calls);
    await pools.stop();
  });

  it('available_worker queues calls pool-wide in FIFO order and hands each to the first idle worker', async () => {
    const { pools, client } = await setup('available_worker', 2);
    const first = client.call('a', { latencyMs: 100 });
    const second = client.call('b', { latencyMs: 300 });
    const queued = ['c', 'd', 'e'].map((v) => client.call(v, { latencyMs: 100 }));
    expect(pools.stats()[0]).toMatchObject({ load: [1, 1], queue: 3 });
    const done: string[] = [];
    for (const p of [first, second, ...queued]) void p.then((r) => done.push(`${r.value}@${r.workerIndex}`));
    await vi.advanceTimersByTimeAsync(100); // worker 0 idle: takes c
    expect(pools.stats()[0]).toMatchObject({ queue: 2 });
    await vi.advanceTimersByTimeAsync(200); // c done at 200 (w0 takes d), b done at 300 (w1 takes e)
    await vi.advanceTimersByTimeAsync(200);
    expect(done).toEqual(['a@0', 'c@0', 'b@1', 'd@0', 'e@1']);
    await pools.stop();
  });

  it('available_worker fails a queued call with CallTimeoutError when no worker frees up in time', async () => {
    const { pools, client } = await setup('available_worker', 1);
    const busy = client.call('busy', { hang: true }).catch((e: unknown) => e);
    const waiting = client.call('waiting').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await waiting).toBeInstanceOf(CallTimeoutError);
    expect(await busy).toBeInstanceOf(CallTimeoutError);
    await pools.stop();
  });

  it('next_available_worker rejects at once when no worker is idle', async () => {
    const { pools, client } = await setup('next_available_worker', 2);
    const a = client.call('a', { latencyMs: 50 });
    const b = client.call('b', { latencyMs: 50 });
    expect(new Set([(await Promise.race([a, b, Promise.resolve(null)])) ?? 'pending'])).toEqual(new Set(['pending']));
    await expect(client.call('c')).rejects.toBeInstanceOf(NoAvailableWorkersError);
    await vi.advanceTimersByTimeAsync(50);
    expect(new Set([(await a).workerIndex, (await b).workerIndex])).toEqual(new Set([0, 1]));
    await pools.stop();
  });

  it('every strategy fails at once with NoWorkersError when no worker is live', async () => {
    for (const strategy of [
      'best_worker',
      'random_worker',
      'next_worker',
      'available_worker',
      'next_available_worker',
    ] as const) {
      const { pools, client } = await setup(strategy, 2, { connectFailures: 100 });
      await expect(client.call('x')).rejects.toBeInstanceOf(NoWorkersError);
      await pools.stop();
    }
  });

  it('routes the same hash key to the same worker', async () => {
    const { pools, client } = await setup('random_worker', 4);
    for (const key of ['alice', 'bob', 'carol', 17]) {
      const seen = new Set<number>();
      for (let i = 0; i < 5; i++) seen.add((await client.call(i, { hashKey: key })).workerIndex);
      expect(seen.size).toBe(1);
    }
    await pools.stop();
  });

  it('keeps a hashed call waiting through its worker reconnect, within call_timeout', async () => {
    const { fake, pools, client } = await setup('best_worker', 3, { reconnect: { kind: 'fixed', intervalMs: 300 } });
    const first = await client.call('first', { hashKey: 'k' });
    const index = first.workerIndex;
    fake.kill(index);
    expect(pools.stats()[0]!.workers.live).toBe(2);
    const waiting = client.call('second', { hashKey: 'k' });
    expect(pools.stats()[0]!.load[index]).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    const second = await waiting;
    expect(second.workerIndex).toBe(index);
    expect(second.connectionId).not.toBe(first.connectionId);
    await pools.stop();
  });

  it('uses a custom picker, and fails with NoWorkersError when it picks nothing', async () => {
    const { pools, client } = await setup('best_worker', 3);
    const last = (await client.call('x', { pick: (ws) => ws[ws.length - 1] })).workerIndex;
    expect(last).toBe(2);
    await expect(client.call('y', { pick: () => undefined })).rejects.toBeInstanceOf(NoWorkersError);
    await expect(client.call('z', { pick: () => ({ index: 0, live: true, load: 0 }) })).rejects.toBeInstanceOf(
      NoWorkersError,
    );
    const boom = new Error('picker bug');
    await expect(
      client.call('w', {
        pick: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
    await pools.stop();
  });

  it('drops the oldest queued requests when a mailbox goes over maxQueue', async () => {
    const { fake, pools, client } = await setup('best_worker', 1, { maxQueue: 2 });
    const drops: DropEvent[] = [];
    pools.events.on('drop', (e) => drops.push(e));
    const running = client.call('running', { latencyMs: 100 });
    const queued = ['q1', 'q2', 'q3', 'q4'].map((v) => client.call(v).catch((e: unknown) => e));
    expect(await queued[0]).toBeInstanceOf(RequestDroppedError);
    expect(await queued[1]).toBeInstanceOf(RequestDroppedError);
    expect(drops).toEqual([
      { key: { type: 'fake', host: 'global', tag: 'default' }, worker: 0, limit: 2 },
      { key: { type: 'fake', host: 'global', tag: 'default' }, worker: 0, limit: 2 },
    ]);
    await vi.advanceTimersByTimeAsync(100);
    await running;
    expect(((await queued[2]) as { value: string }).value).toBe('q3');
    expect(((await queued[3]) as { value: string }).value).toBe('q4');
    expect(fake.connections[0]!.received).toEqual(['running', 'q3', 'q4']);
    expect(pools.stats()[0]!.counters).toMatchObject({ drops: 2, failures: 2, successes: 3 });
    await pools.stop();
  });

  it('runs up to the driver concurrency at once on one worker', async () => {
    const { pools, client } = await setup('best_worker', 1, { concurrency: 3 });
    const calls = Array.from({ length: 5 }, (_, i) => client.call(i, { latencyMs: 100 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(pools.stats()[0]!.load).toEqual([2]);
    await vi.advanceTimersByTimeAsync(100);
    expect((await Promise.all(calls)).map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    await pools.stop();
  });
});
