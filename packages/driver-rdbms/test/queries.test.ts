import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callContext } from '@outpools/core/driver';
import { CallTimeoutError } from '@outpools/core';
import { QueryError, QueryTimeoutError, TransactionClosedError, type RdbmsClient } from '@outpools/driver-rdbms';
import { connectRdbms, pingRdbms } from '../src/driver.js';
import { createRdbmsClient } from '../src/client.js';
import type { RdbmsConnection } from '../src/types.js';
import { DIALECTS, uniqueTable } from './helpers/servers.js';
import { fakeContext, KEY, onePool, type FakeContext } from './helpers/fake-pool.js';

describe.each(DIALECTS)('$name queries against the real server', (dialect) => {
  const { p } = dialect;
  let ctx: FakeContext;
  let connection: RdbmsConnection;
  let db: RdbmsClient;
  const table = uniqueTable('q');

  beforeAll(async () => {
    ctx = fakeContext();
    connection = await connectRdbms({ ...dialect.options, query_timeout: 1500 }, ctx);
    db = createRdbmsClient(onePool(connection), dialect.options.driver);
    await db.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name ${dialect.text})`);
  });
  afterAll(async () => {
    void connection?.close();
    // a fresh connection: the first one may be busy with (or given up on) the timed-out statement
    const cleanup = await connectRdbms(dialect.options, fakeContext());
    await cleanup.query(`DROP TABLE IF EXISTS ${table}`, undefined).catch(() => undefined);
    await cleanup.close();
  });

  it('passes parameters as values, not as SQL text', async () => {
    const evil = "x'); DROP TABLE nothing; --";
    const { rows, rowCount, fields } = await db.query(`SELECT ${p(1)} AS s, ${p(2)} AS n`, [evil, 42]);
    expect(rowCount).toBe(1);
    expect(rows[0]?.['s']).toBe(evil);
    expect(Number(rows[0]?.['n'])).toBe(42);
    expect(fields?.map((f) => f.name)).toEqual(['s', 'n']);
  });

  it('round-trips NULL parameters and NULL columns', async () => {
    await db.query(`INSERT INTO ${table} (id, name) VALUES (${p(1)}, ${p(2)})`, [1, null]);
    const { rows } = await db.query(`SELECT name FROM ${table} WHERE id = ${p(1)}`, [1]);
    expect(rows).toEqual([{ name: null }]);
  });

  it('round-trips unicode text', async () => {
    const text = 'zażółć gęślą jaźń — 日本語 — 🐘🐬';
    await db.query(`INSERT INTO ${table} (id, name) VALUES (${p(1)}, ${p(2)})`, [2, text]);
    const { rows } = await db.query(`SELECT name FROM ${table} WHERE id = ${p(1)}`, [2]);
    expect(rows[0]?.['name']).toBe(text);
  });

  it('reports affected rows of writes as rowCount, with no rows', async () => {
    await db.query(`INSERT INTO ${table} (id, name) VALUES (${p(1)}, ${p(2)}), (${p(3)}, ${p(4)})`, [10, 'a', 11, 'b']);
    const result = await db.query(`UPDATE ${table} SET name = ${p(1)} WHERE id >= ${p(2)}`, ['c', 10]);
    expect(result.rowCount).toBe(2);
    expect(result.rows).toEqual([]);
  });

  it('returns a large result of 10k rows in order', async () => {
    const { rows, rowCount } = await db.query(dialect.series(10_000));
    expect(rowCount).toBe(10_000);
    expect(rows.length).toBe(10_000);
    expect(Number(rows[0]?.['n'])).toBe(1);
    expect(Number(rows[9_999]?.['n'])).toBe(10_000);
  });

  it('returns a SQL error as QueryError and the connection stays usable', async () => {
    const error = await db.query('SELECT no_such_column FROM no_such_table').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).sqlState).toMatch(/^42/);
    expect((await db.query(`SELECT ${p(1)} AS ok`, ['yes'])).rows[0]?.['ok']).toBe('yes');
    expect(ctx.lostErrors).toEqual([]);
  });

  it('answers the keepalive ping with SELECT 1', async () => {
    await expect(pingRdbms(connection, callContext({ key: KEY }))).resolves.toBeDefined();
  });

  it('stops a statement that runs longer than query_timeout', async () => {
    const started = Date.now();
    const error = await db.query(dialect.sleep(5)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(Date.now() - started).toBeLessThan(3500);
    if (dialect.serverStopsTimeouts) {
      // the server stopped the statement: the same connection answers at once
      expect(ctx.lostErrors).toEqual([]);
      expect((await db.query(`SELECT ${p(1)} AS ok`, ['after'])).rows[0]?.['ok']).toBe('after');
    } else {
      // the ODBC driver ignores the statement timeout: the busy connection is given up
      expect(ctx.lostErrors).toHaveLength(1);
    }
  });
});

describe.each(DIALECTS)('$name transactions', (dialect) => {
  const { p } = dialect;
  let connection: RdbmsConnection;
  const table = uniqueTable('tx');
  const count = async (db: RdbmsClient): Promise<number> =>
    Number((await db.query(`SELECT COUNT(*) AS c FROM ${table}`)).rows[0]?.['c']);

  beforeAll(async () => {
    connection = await connectRdbms(dialect.options, fakeContext());
    await connection.query(`CREATE TABLE ${table} (id integer PRIMARY KEY)`, undefined);
  });
  afterAll(async () => {
    await connection?.query(`DROP TABLE IF EXISTS ${table}`, undefined).catch(() => undefined);
    await connection?.close();
  });

  it('commits when the function resolves, and returns its value', async () => {
    const db = createRdbmsClient(onePool(connection), dialect.options.driver);
    const value = await db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [1]);
      await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [2]);
      return 'done';
    });
    expect(value).toBe('done');
    expect(await count(db)).toBe(2);
  });

  it('rolls back when the function throws, and rethrows', async () => {
    const db = createRdbmsClient(onePool(connection), dialect.options.driver);
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [3]);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count(db)).toBe(2);
  });

  it('rolls back when a statement inside fails', async () => {
    const db = createRdbmsClient(onePool(connection), dialect.options.driver);
    const error = await db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [4]);
        await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [4]);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect(await count(db)).toBe(2);
  });

  it('rolls back when the call times out, and refuses statements after that', async () => {
    const db = createRdbmsClient(onePool(connection, 300), dialect.options.driver);
    let late: unknown;
    const error = await db
      .transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [5]);
        await new Promise((resolve) => setTimeout(resolve, 600));
        late = await tx.query(`INSERT INTO ${table} (id) VALUES (${p(1)})`, [6]).catch((e: unknown) => e);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallTimeoutError);
    const deadline = Date.now() + 2000;
    while (late === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(late).toBeInstanceOf(TransactionClosedError);
    const fresh = createRdbmsClient(onePool(connection), dialect.options.driver);
    expect(await count(fresh)).toBe(2);
  });
});
