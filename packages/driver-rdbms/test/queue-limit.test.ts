// The pool-level `max_worker_queue_len` (current MongooseIM, best_worker only) against the real
// PostgreSQL: with every worker busy on a slow statement and every mailbox full, a call is dropped.
import { describe, expect, it } from 'vitest';
import { RequestDroppedError } from '@outpools/core';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { schemaChecker } from '@outpools/testing';
import { connectionToml, startRdbms } from './helpers/pools.js';

const { check, errorPaths, pool: POOL } = schemaChecker(rdbmsDriver);

describe('pool-level max_worker_queue_len with rdbms', () => {
  it('drops a request with RequestDroppedError when every worker is busy and every mailbox is full', async () => {
    const { pools, db } = await startRdbms(
      'workers = 2\nmax_worker_queue_len = 1\ncall_timeout = 20000',
      connectionToml('pgsql', 5432, 'pipeline = 1'), // one statement per connection: a busy worker queues
    );
    try {
      const drops: number[] = [];
      pools.events.on('drop', (event) => drops.push(event.limit));
      // Two statements occupy both workers; two more wait, one in each mailbox (the limit).
      const slow = [1, 2, 3, 4].map((n) =>
        db.query<{ n: number }>('SELECT $1::int AS n, pg_sleep(0.5)', [n]).then(
          (r) => r.rows[0]?.n,
          (e: unknown) => e,
        ),
      );
      // A fifth call finds every mailbox full: the oldest waiting request of its worker is dropped.
      const fifth = db.query<{ n: number }>('SELECT $1::int AS n', [5]).then(
        (r) => r.rows[0]?.n,
        (e: unknown) => e,
      );
      const outcomes = await Promise.all([...slow, fifth]);
      const dropped = outcomes.filter((o) => o instanceof RequestDroppedError);
      expect(dropped).toHaveLength(1);
      expect((dropped[0] as RequestDroppedError).code).toBe('OUTPOOLS_REQUEST_DROPPED');
      expect(outcomes.slice(0, 2)).toEqual([1, 2]);
      expect(outcomes[4]).toBe(5);
      expect(outcomes.filter((o) => typeof o === 'number')).toHaveLength(4);
      expect(drops).toEqual([1]);
      expect(pools.stats()[0]?.counters.drops).toBe(1);
    } finally {
      await pools.stop();
    }
  });

  it('queues without a limit when it is unset', async () => {
    const { pools, db } = await startRdbms('workers = 1\ncall_timeout = 20000', connectionToml('pgsql', 5432));
    try {
      const all = await Promise.all([1, 2, 3].map((n) => db.query('SELECT $1::int AS n, pg_sleep(0.1)', [n])));
      expect(all.map((r) => r.rows[0]?.['n'])).toEqual([1, 2, 3]);
    } finally {
      await pools.stop();
    }
  });

  it('is refused with any strategy but best_worker, at its own path', () => {
    const conn = `[${POOL}.connection]\n${connectionToml('pgsql', 5432)}\n`;
    const result = check(`[${POOL}]\nstrategy = "next_worker"\nmax_worker_queue_len = 10\n${conn}`);
    expect(errorPaths(result)).toEqual([`${POOL}.max_worker_queue_len`]);
    expect(result.errors[0]?.message).toBe(
      'only allowed with strategy = "best_worker" (this pool\'s strategy is "next_worker")',
    );
    expect(check(`[${POOL}]\nmax_worker_queue_len = 0\n${conn}`).errors).toEqual([]);
    expect(errorPaths(check(`[${POOL}]\nmax_worker_queue_len = -1\n${conn}`))).toEqual([
      `${POOL}.max_worker_queue_len`,
    ]);
  });
});
