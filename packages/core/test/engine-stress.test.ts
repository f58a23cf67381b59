import { describe, it, expect, vi, afterEach, beforeEach } from 'vitest';
import { createFakeDriver, recordUnhandled, type UnhandledRecorder } from '@outpools/testing';
import { CallTimeoutError, STRATEGIES, type Strategy } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

let unhandled: UnhandledRecorder;
beforeEach(() => {
  unhandled = recordUnhandled();
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  unhandled.uninstall();
});

function seeded(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

async function chaos(strategy: Strategy, seed: number): Promise<void> {
  const random = seeded(seed);
  const fake = createFakeDriver({
    concurrency: 2,
    maxQueue: 6,
    reconnect: { kind: 'exponential', baseMs: 20, capMs: 200 },
  });
  const pools = poolsOf(fake.driver, [poolSpec({ strategy, workers: 4, callTimeoutMs: 300 })], { random });
  await pools.start();
  const client = pools.get(fake.driver, 'global', 'default');
  const outcomes: Promise<{ value: number; ok: boolean; error?: unknown; settledAt: number; startedAt: number }>[] = [];
  for (let i = 0; i < 400; i++) {
    const startedAt = Date.now();
    const roll = random();
    const options = {
      latencyMs: Math.floor(random() * 80),
      ...(roll < 0.05 && { hang: true }),
      ...(roll > 0.9 && { hashKey: `k${Math.floor(random() * 5)}` }),
      ...(roll > 0.85 && roll <= 0.9 && { fail: new Error('app error') }),
    };
    outcomes.push(
      client.call(i, options).then(
        (r) => ({ value: r.value, ok: true, settledAt: Date.now(), startedAt }),
        (error: unknown) => ({ value: i, ok: false, error, settledAt: Date.now(), startedAt }),
      ),
    );
    if (random() < 0.03) fake.kill(Math.floor(random() * 4));
    if (random() < 0.02) fake.behavior.connectFailures += 2;
    await vi.advanceTimersByTimeAsync(Math.floor(random() * 10));
  }
  await vi.advanceTimersByTimeAsync(1000);
  const results = await Promise.all(outcomes);
  for (const r of results) expect(r.settledAt - r.startedAt).toBeLessThanOrEqual(300);
  for (const r of results.filter((x) => x.error instanceof CallTimeoutError)) {
    expect(r.settledAt - r.startedAt).toBe(300);
  }
  const received = fake.connections.flatMap((c) => c.received as number[]);
  expect(new Set(received).size).toBe(received.length); // nothing sent twice
  for (const r of results.filter((x) => x.ok)) expect(received).toContain(r.value);
  const stats = pools.stats()[0]!;
  expect(stats.counters.calls).toBe(400);
  expect(stats.counters.successes + stats.counters.failures).toBe(400);
  expect(stats.counters.successes).toBe(results.filter((r) => r.ok).length);
  expect(stats.load.every((l) => l === 0)).toBe(true);
  expect(stats.queue).toBe(0);
  await pools.stop();
  await vi.advanceTimersByTimeAsync(1);
  expect(vi.getTimerCount()).toBe(0);
  expect(fake.connections.every((c) => c.closed)).toBe(true);
  expect(unhandled.errors).toEqual([]);
}

describe('engine under chaos', () => {
  for (const strategy of STRATEGIES) {
    it(`settles every ${strategy} call once, within call_timeout, through kills and failing reconnects`, async () => {
      await chaos(strategy, 1 + STRATEGIES.indexOf(strategy));
    });
  }
});
