// The dispatch benchmark's reference pool (bench/dispatch/minimal-pool.mjs) keeps the guarantees
// its figures claim for it: a deadline per call, a taken worker until the late answer, first
// answer wins, a busy worker's queue, the counters. A ceiling that skipped one would be unfair.
import { afterEach, describe, expect, it } from 'vitest';
import { type MinimalCall, MinimalPool } from '../bench/dispatch/minimal-pool.mjs';

const pools: MinimalPool[] = [];
function pool(connections: number, callTimeoutMs = 5000): MinimalPool<number> {
  const made = new MinimalPool<number>(
    Array.from({ length: connections }, (_, i) => i),
    callTimeoutMs,
  );
  pools.push(made);
  return made;
}

afterEach(() => {
  for (const p of pools.splice(0)) p.close();
});

describe('the dispatch benchmark reference pool', () => {
  it('fails a call at its deadline, keeps its worker taken until the late answer, and drops that answer', async () => {
    const p = pool(1, 30);
    let stuck: MinimalCall | undefined;
    const started = performance.now();
    const first = p.runCallback((_, call) => {
      stuck = call;
    });
    await expect(first).rejects.toThrow('call timeout after 30 ms');
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(p.workers[0]!.load).toBe(1);

    // The next call waits behind the unanswered one.
    const next = p.runCallback<string>((_, call) => call.done('next'));
    expect(p.workers[0]!.load).toBe(2);
    stuck!.done('late');
    await expect(next).resolves.toBe('next');
    expect(p.workers[0]!.load).toBe(0);
    expect([p.calls, p.successes, p.failures]).toEqual([2, 1, 1]);
  });

  it('lets only the first done/fail of a call count', async () => {
    const p = pool(1);
    const result = p.runCallback<string>((_, call) => {
      call.done('first');
      call.fail(new Error('second'));
      call.done('third');
    });
    await expect(result).resolves.toBe('first');
    expect([p.successes, p.failures]).toEqual([1, 0]);
    expect(p.workers[0]!.load).toBe(0);
  });

  it('fails a call whose function throws', async () => {
    const p = pool(1);
    await expect(
      p.runCallback(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(p.workers[0]!.load).toBe(0);
  });

  it('spreads calls over idle workers and queues behind busy ones in order', async () => {
    const p = pool(2);
    const answers: (() => void)[] = [];
    const ran: number[] = [];
    const calls = Array.from({ length: 4 }, (_, i) =>
      p.runCallback<number>((connection, call) => {
        ran.push(connection);
        answers.push(() => call.done(i));
      }),
    );
    // Two idle workers take the first two calls; the other two wait, one behind each.
    expect(new Set(ran)).toEqual(new Set([0, 1]));
    expect(p.workers.map((w) => w.load)).toEqual([2, 2]);
    // Each answer starts the call queued on its worker, which appends its own answer.
    for (let i = 0; i < 4; i++) answers[i]!();
    expect(ran).toHaveLength(4);
    await expect(Promise.all(calls)).resolves.toEqual([0, 1, 2, 3]);
    expect(p.workers.map((w) => w.load)).toEqual([0, 0]);
  });
});
