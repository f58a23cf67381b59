import { describe, it, expect } from 'vitest';
import { noopDriver } from '@outpools/testing';
import { ConnectionLostError } from '@outpools/core';
import { poolSpec, poolsOf } from './engine-helpers.js';

async function startNoop() {
  const pools = poolsOf(noopDriver, [poolSpec({ type: 'noop', workers: 1 })]);
  await pools.start();
  return { pools, pool: pools.get(noopDriver, 'global', 'default').pool };
}

describe('run options: mapError', () => {
  it('gives the caller the mapped error of a rejection or a throw, and leaves results alone', async () => {
    const { pools, pool } = await startNoop();
    const mapError = (error: unknown): unknown => new Error(`mapped: ${(error as Error).message}`);
    await expect(pool.run(() => Promise.reject(new Error('boom')), { mapError })).rejects.toThrow('mapped: boom');
    await expect(
      pool.run(
        () => {
          throw new Error('sync');
        },
        { mapError },
      ),
    ).rejects.toThrow('mapped: sync');
    await expect(pool.run(() => 7, { mapError })).resolves.toBe(7);
    await pools.stop();
  });

  it('breaks the worker when the mapped error is a ConnectionLostError', async () => {
    const { pools, pool } = await startNoop();
    const mapError = (error: unknown): unknown => new ConnectionLostError('gone', pool.key, { cause: error });
    await expect(pool.run(() => Promise.reject(new Error('closed')), { mapError })).rejects.toBeInstanceOf(
      ConnectionLostError,
    );
    const deadline = Date.now() + 2000;
    while (pools.stats()[0]!.counters.reconnects < 1 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5));
    expect(pools.stats()[0]!.counters.reconnects).toBe(1);
    await pools.stop();
  });

  it('settles the call with what a throwing mapper threw', async () => {
    const { pools, pool } = await startNoop();
    const thrown = new Error('mapper broke');
    const mapError = (): never => {
      throw thrown;
    };
    await expect(pool.run(() => Promise.reject(new Error('x')), { mapError })).rejects.toBe(thrown);
    await pools.stop();
  });
});
