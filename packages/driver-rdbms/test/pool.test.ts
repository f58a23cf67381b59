import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { CallTimeoutError, type Pools } from '@outpools/core';
import type { RdbmsClient } from '@outpools/driver-rdbms';
import { recordUnhandled, waitUntil } from '@outpools/testing';
import { connectionToml, startRdbms } from './helpers/pools.js';

const stray = recordUnhandled();
afterAll(() => {
  stray.uninstall();
  expect(stray.errors).toEqual([]);
});

async function adminPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function adminMysql<T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const conn = await mysql.createConnection({ socketPath: '/run/mysqld/mysqld.sock', user: 'root' });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

describe('pgsql pool through the engine', () => {
  let pools: Pools;
  let db: RdbmsClient;
  beforeAll(async () => {
    ({ pools, db } = await startRdbms(
      'workers = 1',
      connectionToml('pgsql', 5432, 'keepalive_interval = 1\nmax_start_interval = 1'),
    ));
  });
  afterAll(() => pools?.stop());

  const backendPid = async (): Promise<number> =>
    Number((await db.query('SELECT pg_backend_pid() AS pid')).rows[0]?.['pid']);

  it('runs parameterised queries on a live worker', async () => {
    const { rows } = await db.query<{ n: number }>('SELECT $1::int + 1 AS n', [41]);
    expect(rows).toEqual([{ n: 42 }]);
  });

  it('sends SELECT 1 on the idle connection every keepalive_interval (seen in pg_stat_activity)', async () => {
    const pid = await backendPid();
    const starts = new Set<string>();
    const seen = await waitUntil(
      async () => {
        const { rows } = await adminPg((c) =>
          c.query('SELECT query, query_start FROM pg_stat_activity WHERE pid = $1', [pid]),
        );
        if (rows[0]?.query === 'SELECT 1') starts.add(String(rows[0].query_start));
        return starts.size >= 3;
      },
      { timeoutMs: 4000, intervalMs: 200 },
    );
    expect(seen, `keepalive query starts seen: ${[...starts].join(', ')}`).toBe(true);
  });

  it('replaces a connection whose backend was terminated', async () => {
    const pid = await backendPid();
    await adminPg((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
    const replaced = await waitUntil(async () => (await backendPid()) !== pid, { timeoutMs: 3000 });
    expect(replaced).toBe(true);
  });

  it("cancels the statement on the server when the caller's signal aborts", async () => {
    const error = await db
      .query('SELECT pg_sleep(10)', [], { signal: AbortSignal.timeout(200) })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    const started = Date.now();
    await db.query('SELECT 1'); // the one worker is free again: pg_sleep was cancelled
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('reports a live pool through health()', async () => {
    const reports = await pools.health();
    expect(reports.length).toBe(1);
    expect(reports[0]?.ok).toBe(true);
    expect(JSON.stringify(reports)).not.toContain('outpools-test-pw');
  });
});

describe('mysql pool through the engine', () => {
  let pools: Pools;
  let db: RdbmsClient;
  beforeAll(async () => {
    ({ pools, db } = await startRdbms(
      'workers = 1',
      connectionToml('mysql', 3306, 'keepalive_interval = 1\nmax_start_interval = 1'),
    ));
  });
  afterAll(() => pools?.stop());

  const threadId = async (): Promise<number> =>
    Number((await db.query('SELECT CONNECTION_ID() AS id')).rows[0]?.['id']);

  it('runs parameterised queries on a live worker', async () => {
    const { rows } = await db.query('SELECT ? + 1 AS n', [41]);
    expect(Number(rows[0]?.['n'])).toBe(42);
  });

  it("kills the statement on the server when the caller's signal aborts", async () => {
    const error = await db.query('SELECT SLEEP(10)', [], { signal: AbortSignal.timeout(200) }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('TimeoutError');
    const started = Date.now();
    await db.query('SELECT 1'); // the one worker is free again: SLEEP was killed
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('replaces a connection killed on the server', async () => {
    const id = await threadId();
    await adminMysql((c) => c.query(`KILL ${id}`));
    const replaced = await waitUntil(async () => (await threadId()) !== id, { timeoutMs: 3000 });
    expect(replaced).toBe(true);
  });
});

describe('a call that times out cancels its statement on the server', () => {
  for (const [driver, port, sleep] of [
    ['pgsql', 5432, 'SELECT pg_sleep(10)'],
    ['mysql', 3306, 'SELECT SLEEP(10)'],
  ] as const) {
    it(`${driver}: call_timeout stops the statement, and the one worker answers the next call at once`, async () => {
      const { pools, db } = await startRdbms('workers = 1\ncall_timeout = 300', connectionToml(driver, port));
      try {
        await expect(db.query(sleep)).rejects.toBeInstanceOf(CallTimeoutError);
        const started = Date.now();
        await db.query('SELECT 1');
        expect(Date.now() - started).toBeLessThan(1500);
      } finally {
        await pools.stop();
      }
    });
  }
});
