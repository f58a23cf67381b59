import { createServer, connect, type Server, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { callContext } from '@outpools/core/driver';
import { PipelineAbortedError, QueryError, QueryTimeoutError, StatementRefusedError } from '@outpools/driver-rdbms';
import { until } from '@outpools/testing';
import { connectRdbms } from '../src/driver.js';
import { fakeContext } from './helpers/fake-pool.js';
import { pgsqlPoolsPerTest } from './helpers/pools.js';
import { PG_BASE, uniqueTable } from './helpers/servers.js';

const pgPool = pgsqlPoolsPerTest();

/** A TCP proxy in front of the shared PostgreSQL that can stop passing the server's answers on. */
async function freezableProxy(): Promise<{ port: number; freeze(): void; close(): Promise<void> }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: 5432 });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (!frozen) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return {
    port: address.port,
    freeze: () => {
      frozen = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('pgsql pipelined workers (pipeline > 1)', () => {
  it('runs many statements at once on one connection, each with its own result or error', async () => {
    const db = await pgPool('workers = 1', 'pipeline = 16');
    const calls = Array.from({ length: 60 }, (_, i) =>
      i === 30 ? db.query('SELECT nonsense FROM nowhere') : db.query('SELECT $1::int AS n', [i]),
    );
    const outcomes = await Promise.allSettled(calls);
    outcomes.forEach((o, i) => {
      if (i === 30) {
        expect(o.status).toBe('rejected');
        expect((o as PromiseRejectedResult).reason).toBeInstanceOf(QueryError);
      } else expect(o).toEqual({ status: 'fulfilled', value: expect.objectContaining({ rows: [{ n: i }] }) });
    });
    // one backend served all of them
    const pids = await Promise.all(Array.from({ length: 8 }, () => db.query('SELECT pg_backend_pid() AS p')));
    expect(new Set(pids.map((r) => r.rows[0]?.['p'])).size).toBe(1);
  });

  it('gives a transaction its connection to itself: statements of other callers neither join it nor run beside it', async () => {
    const db = await pgPool('workers = 1', 'pipeline = 16');
    const table = uniqueTable('pipe_tx');
    await db.query(`CREATE TABLE ${table} (id int)`);
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const order: string[] = [];
      const tx = db.transaction(async (t) => {
        await t.query(`INSERT INTO ${table} VALUES (1)`);
        order.push('inserted');
        await gate;
        await t.query(`INSERT INTO ${table} VALUES (2)`);
        return 'committed';
      });
      await until(() => order.length === 1, 5000, 'the first insert');
      // Another caller while the transaction is open: on a shared pipelined connection it would run
      // inside the transaction and see the uncommitted row.
      const outside = db.query<{ c: string }>(`SELECT count(*)::text AS c FROM ${table}`).then((r) => {
        order.push(`outside saw ${r.rows[0]?.c}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(order).toEqual(['inserted']); // held back behind the transaction
      release();
      expect(await tx).toBe('committed');
      await outside;
      expect(order).toEqual(['inserted', 'outside saw 2']);
    } finally {
      await db.query(`DROP TABLE ${table}`);
    }
  });

  it('with two workers, other callers go to the other worker while a transaction holds one', async () => {
    const db = await pgPool('workers = 2', 'pipeline = 16');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let txPid: unknown;
    const tx = db.transaction(async (t) => {
      txPid = (await t.query('SELECT pg_backend_pid() AS p')).rows[0]?.['p'];
      await gate;
    });
    await until(() => txPid !== undefined, 5000, 'the transaction started');
    const others = await Promise.all(Array.from({ length: 10 }, () => db.query('SELECT pg_backend_pid() AS p')));
    expect(others.every((r) => r.rows[0]?.['p'] !== txPid)).toBe(true);
    release();
    await tx;
  });

  it('refuses BEGIN through query() on a pipelined pool, without sending it', async () => {
    const db = await pgPool('workers = 1', 'pipeline = 4');
    const error = await db.query('  begin').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementRefusedError);
    expect((error as StatementRefusedError).mayHaveRun).toBe(false);
    expect(await db.query<{ s: string }>('SELECT current_setting($1) AS s', ['transaction_isolation'])).toBeDefined();
    // with pipeline = 1 the connection runs one call at a time and BEGIN is the caller's own business
    const plain = await pgPool('workers = 1', 'pipeline = 1');
    await plain.query('BEGIN');
    await plain.query('ROLLBACK');
  });

  it('a statement stopped by statement_timeout fails alone: those pipelined behind it run', async () => {
    const db = await pgPool('workers = 1', 'pipeline = 8\nquery_timeout = 300');
    const slow = db.query('SELECT pg_sleep(3)');
    const behind = [db.query('SELECT 1 AS n'), db.query('SELECT 2 AS n')];
    await expect(slow).rejects.toBeInstanceOf(QueryTimeoutError);
    expect((await Promise.all(behind)).map((r) => r.rows[0]?.['n'])).toEqual([1, 2]);
  });

  it('a caller that gives up on the only statement in flight cancels it on the server', async () => {
    const db = await pgPool('workers = 1', 'pipeline = 8');
    const error = await db
      .query('SELECT pg_sleep(10)', [], { signal: AbortSignal.timeout(200) })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    const started = Date.now();
    const next = await db.query('SELECT 7 AS n'); // held until the cancel landed, then not cancelled itself
    expect(next.rows).toEqual([{ n: 7 }]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a statement past its client-side deadline poisons the ones behind it: each fails with a coded error saying whether it may have run', async () => {
    const proxy = await freezableProxy();
    const ctx = fakeContext();
    const connection = await connectRdbms({ ...PG_BASE, port: proxy.port, query_timeout: 200, pipeline: 8 }, ctx);
    try {
      expect((await connection.query('SELECT 1 AS n', undefined, callContext())).rows).toEqual([{ n: 1 }]);
      proxy.freeze();
      const head = connection.query('SELECT 1', undefined, callContext());
      const behind = [
        connection.query('SELECT 2', undefined, callContext()).catch((e: unknown) => e),
        connection.query('SELECT 3', undefined, callContext()).catch((e: unknown) => e),
      ];
      const started = Date.now();
      await expect(head).rejects.toBeInstanceOf(QueryTimeoutError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // query_timeout + 1 s grace
      for (const p of behind) {
        const error = await p;
        expect(error).toBeInstanceOf(PipelineAbortedError);
        expect((error as PipelineAbortedError).mayHaveRun).toBe(true);
      }
      const late = await connection.query('SELECT 4', undefined, callContext()).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(PipelineAbortedError);
      expect((late as PipelineAbortedError).mayHaveRun).toBe(false);
      await until(() => ctx.lostErrors.length === 1, 2000, 'lost()');
      expect(ctx.lostErrors[0]).toBeInstanceOf(QueryTimeoutError);
    } finally {
      await connection.close();
      await proxy.close();
    }
  });
});
