import { describe, it, expect } from 'vitest';
import { availableWorker } from '../src/strategies/available-worker.js';
import { bestWorker } from '../src/strategies/best-worker.js';
import { hashIndex } from '../src/strategies/hash.js';
import { nextAvailableWorker } from '../src/strategies/next-available-worker.js';
import { nextWorker } from '../src/strategies/next-worker.js';
import { randomWorker } from '../src/strategies/random-worker.js';
import type { RoutingStrategy, WorkerView } from '@outpools/core';

const pickerOf =
  (strategy: RoutingStrategy) =>
  <W extends WorkerView>(workers: readonly W[]): W | undefined =>
    strategy.pick(workers);
const w = (index: number, live: boolean, load: number): WorkerView => ({ index, live, load });
const seq = (...values: number[]): (() => number) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('best_worker', () => {
  it('picks the live worker with the least load', () => {
    const pick = pickerOf(bestWorker(() => 0));
    expect(pick([w(0, true, 3), w(1, true, 1), w(2, true, 2)])?.index).toBe(1);
  });

  it('starts the scan at a random worker and stops at the first idle one', () => {
    const workers = [w(0, true, 0), w(1, true, 2), w(2, true, 0), w(3, true, 0)];
    expect(bestWorker(() => 0.5).pick(workers)?.index).toBe(2); // start at 2
    expect(bestWorker(() => 0.25).pick(workers)?.index).toBe(2); // start at 1, 2 is the first idle
    expect(bestWorker(() => 0.99).pick(workers)?.index).toBe(3);
  });

  it('gives ties to the first worker seen from the start', () => {
    const workers = [w(0, true, 2), w(1, true, 2), w(2, true, 2)];
    expect(bestWorker(() => 0.4).pick(workers)?.index).toBe(1);
  });

  it('skips dead workers and returns undefined when none is live', () => {
    expect(bestWorker(() => 0).pick([w(0, false, 0), w(1, true, 5)])?.index).toBe(1);
    expect(bestWorker(() => 0).pick([w(0, false, 0), w(1, false, 0)])).toBeUndefined();
    expect(bestWorker(() => 0).pick([])).toBeUndefined();
  });

  it('says what happens when nothing fits: best, random and next fail; available_worker queues', () => {
    expect(bestWorker(Math.random).whenNoneFits).toBe('fail');
    expect(randomWorker(Math.random).whenNoneFits).toBe('fail');
    expect(nextWorker(Math.random).whenNoneFits).toBe('fail');
    expect(availableWorker(Math.random).whenNoneFits).toBe('queue');
    expect(nextAvailableWorker(Math.random).whenNoneFits).toBe('fail');
  });
});

describe('random_worker', () => {
  it('picks the worker the random source points at when it is live', () => {
    const workers = [w(0, true, 9), w(1, true, 0), w(2, true, 0)];
    expect(randomWorker(() => 0).pick(workers)?.index).toBe(0);
    expect(randomWorker(() => 0.7).pick(workers)?.index).toBe(2);
  });

  it('draws again among live workers only when it lands on a dead one', () => {
    const workers = [w(0, false, 0), w(1, true, 0), w(2, false, 0), w(3, true, 0)];
    expect(randomWorker(seq(0, 0)).pick(workers)?.index).toBe(1);
    expect(randomWorker(seq(0, 0.9)).pick(workers)?.index).toBe(3);
    expect(randomWorker(() => 0).pick([w(0, false, 0)])).toBeUndefined();
    expect(randomWorker(() => 0).pick([])).toBeUndefined();
  });

  it('spreads picks uniformly over live workers', () => {
    const workers = [w(0, true, 0), w(1, false, 0), w(2, true, 0), w(3, true, 0)];
    const pick = pickerOf(randomWorker(Math.random));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[pick(workers)!.index]!++;
    expect(counts[1]).toBe(0);
    for (const i of [0, 2, 3]) expect(counts[i]! / 30_000).toBeCloseTo(1 / 3, 1);
  });
});

describe('next_worker', () => {
  it('visits every live worker in turn', () => {
    const pick = pickerOf(nextWorker(() => 0));
    const workers = [w(0, true, 5), w(1, true, 0), w(2, true, 1)];
    expect(Array.from({ length: 6 }, () => pick(workers)?.index)).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('skips dead workers and keeps the rotation', () => {
    const pick = pickerOf(nextWorker(() => 0));
    const workers = [w(0, true, 0), w(1, false, 0), w(2, true, 0)];
    expect(Array.from({ length: 4 }, () => pick(workers)?.index)).toEqual([0, 2, 0, 2]);
    expect(pick([w(0, false, 0)])).toBeUndefined();
  });
});

describe('available_worker', () => {
  it('picks only idle workers, rotating among them', () => {
    const pick = pickerOf(availableWorker(() => 0));
    const workers = [w(0, true, 1), w(1, true, 0), w(2, false, 0), w(3, true, 0)];
    expect(Array.from({ length: 3 }, () => pick(workers)?.index)).toEqual([1, 3, 1]);
    expect(pick([w(0, true, 1), w(1, false, 0)])).toBeUndefined();
  });
});

describe('next_available_worker', () => {
  it('goes round robin over idle workers from a random start', () => {
    const pick = pickerOf(nextAvailableWorker(() => 0.5));
    const workers = [w(0, true, 0), w(1, true, 0), w(2, true, 3), w(3, true, 0)];
    expect(Array.from({ length: 4 }, () => pick(workers)?.index)).toEqual([3, 0, 1, 3]);
  });

  it('returns undefined when no worker is idle', () => {
    expect(nextAvailableWorker(() => 0).pick([w(0, true, 1), w(1, false, 0)])).toBeUndefined();
    expect(nextAvailableWorker(() => 0).pick([])).toBeUndefined();
  });
});

describe('hash routing', () => {
  it('maps the same key to the same worker while the count is unchanged', () => {
    for (const key of ['user:1', 'user:2', 'x', '', 'ünïcode', 42, -7, 1.5]) {
      const index = hashIndex(key, 7);
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(7);
      expect(hashIndex(key, 7)).toBe(index);
    }
    expect(hashIndex('anything', 1)).toBe(0);
  });

  it('spreads distinct keys over the workers', () => {
    const counts = new Array<number>(8).fill(0);
    for (let i = 0; i < 8000; i++) counts[hashIndex(`key-${i}`, 8)]!++;
    for (const c of counts) expect(c).toBeGreaterThan(700);
  });
});
