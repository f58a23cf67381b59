// pgsql `prepare`: statements with parameters are parsed once per connection (named server-side
// statements), up to PREPARED_PER_CONNECTION of them; off with `prepare = false`. Checked on the
// shared PostgreSQL through its own view of the session's prepared statements.
import { describe, expect, it } from 'vitest';
import { QueryError, type RdbmsClient } from '@outpools/driver-rdbms';
import { PREPARED_PER_CONNECTION } from '../src/schema.js';
import { pgsqlPoolsPerTest } from './helpers/pools.js';
import { uniqueTable } from './helpers/servers.js';

const pgPool = pgsqlPoolsPerTest();

/** One pgsql worker, so every statement runs on the same connection (the one whose session is inspected). */
const oneConnection = (connection = ''): Promise<RdbmsClient> => pgPool('workers = 1', connection);

/** The connection's prepared statements whose text is `sql` (a statement without parameters is never prepared). */
async function preparedCount(db: RdbmsClient, sql?: string): Promise<number> {
  const where = sql === undefined ? '' : ` WHERE statement = '${sql.replaceAll("'", "''")}'`;
  const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_prepared_statements${where}`);
  return Number(rows[0]?.['n']);
}

describe('pgsql prepared statements', () => {
  it('prepares a statement with parameters once per connection and runs it with its parameters only', async () => {
    const db = await oneConnection();
    const sql = 'SELECT $1::int + 1 AS n';
    const results = await Promise.all([1, 2, 3].map((n) => db.query(sql, [n])));
    expect(results.map((r) => r.rows[0]?.['n'])).toEqual([2, 3, 4]);
    expect((await db.query(sql, [41])).rows).toEqual([{ n: 42 }]);
    expect(await preparedCount(db, sql)).toBe(1);
    // without parameters: sent as a simple query, never prepared (it may hold several statements)
    expect((await db.query('SELECT 1 AS a; SELECT 2 AS a')).rows).toEqual([{ a: 2 }]);
    expect(await preparedCount(db)).toBe(1);
  });

  it('prepares nothing with prepare = false', async () => {
    const db = await oneConnection('prepare = false');
    expect((await db.query('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
    expect((await db.query('SELECT $1::int AS n', [8])).rows).toEqual([{ n: 8 }]);
    expect(await preparedCount(db)).toBe(0);
  });

  it(`prepares at most ${PREPARED_PER_CONNECTION} distinct statements per connection; later ones still run`, async () => {
    const db = await oneConnection();
    const distinct = PREPARED_PER_CONNECTION + 4;
    const results = await Promise.all(
      Array.from({ length: distinct }, (_, i) => db.query(`SELECT $1::int + ${i} AS n`, [1])),
    );
    expect(results.map((r) => r.rows[0]?.['n'])).toEqual(Array.from({ length: distinct }, (_, i) => i + 1));
    expect(await preparedCount(db)).toBe(PREPARED_PER_CONNECTION);
  });

  it(`keeps counting a statement forgotten after its table changed: the server never holds more than ${PREPARED_PER_CONNECTION}`, async () => {
    const db = await oneConnection();
    const table = uniqueTable('prepcap');
    await db.query(`CREATE TABLE ${table} (a int)`);
    try {
      const sql = `SELECT * FROM ${table} WHERE a = $1`;
      await db.query(sql, [1]);
      await Promise.all(
        Array.from({ length: PREPARED_PER_CONNECTION - 1 }, (_, i) => db.query(`SELECT $1::int + ${i} AS n`, [1])),
      );
      expect(await preparedCount(db)).toBe(PREPARED_PER_CONNECTION);
      await db.query(`ALTER TABLE ${table} ADD COLUMN b int`);
      await expect(db.query(sql, [1])).rejects.toThrow(/cached plan must not change result type/);
      // The stale statement stays on the server: the next runs are parsed unnamed, nothing new is prepared.
      await db.query(`INSERT INTO ${table} (a, b) VALUES (1, 2)`);
      expect((await db.query(sql, [1])).rows).toEqual([{ a: 1, b: 2 }]);
      expect((await db.query('SELECT $1::int + 1000 AS n', [1])).rows).toEqual([{ n: 1001 }]);
      expect(await preparedCount(db)).toBe(PREPARED_PER_CONNECTION);
      // Once the session drops them all, each is prepared again at its next run.
      await db.query('DEALLOCATE ALL');
      await expect(db.query('SELECT $1::int + 0 AS n', [1])).rejects.toThrow(/does not exist/);
      expect((await db.query('SELECT $1::int + 0 AS n', [1])).rows).toEqual([{ n: 1 }]);
      expect(await preparedCount(db)).toBe(1);
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it('fails one run when a table changes under a prepared statement or the session drops it, then prepares it again', async () => {
    const db = await oneConnection();
    const table = uniqueTable('prep');
    await db.query(`CREATE TABLE ${table} (a int)`);
    try {
      await db.query(`INSERT INTO ${table} (a) VALUES (1)`);
      const sql = `SELECT * FROM ${table} WHERE a = $1`;
      expect((await db.query(sql, [1])).rows).toEqual([{ a: 1 }]);
      await db.query(`ALTER TABLE ${table} ADD COLUMN b int DEFAULT 2`);
      const stale = await db.query(sql, [1]).then(
        () => undefined,
        (error: unknown) => error,
      );
      // PostgreSQL refuses a prepared statement whose result type changed; the error is the caller's
      expect(stale).toBeInstanceOf(QueryError);
      expect(String((stale as Error).message)).toMatch(/cached plan must not change result type/);
      expect((await db.query(sql, [1])).rows).toEqual([{ a: 1, b: 2 }]);
      // the session drops its prepared statements: one run fails, the next prepares it again
      await db.query('DEALLOCATE ALL');
      await expect(db.query(sql, [1])).rejects.toThrow(/does not exist/);
      expect((await db.query(sql, [1])).rows).toEqual([{ a: 1, b: 2 }]);
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });
});
