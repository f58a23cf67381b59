import { describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { connectRdbms } from '../src/driver.js';
import type { RdbmsConnection } from '../src/types.js';
import { MARIADB, ODBC_MARIADB, ODBC_PG, PG_BASE } from './helpers/servers.js';
import { fakeContext, type FakeContext } from './helpers/fake-pool.js';
import { closeAfterEach, waitUntil } from '@outpools/testing';

async function terminatePg(pid: number): Promise<void> {
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

async function killMysql(id: number): Promise<void> {
  const admin = await mysql.createConnection({ socketPath: '/run/mysqld/mysqld.sock', user: 'root' });
  try {
    await admin.query(`KILL ${Number(id)}`);
  } finally {
    await admin.end();
  }
}

const track = closeAfterEach((connection: RdbmsConnection) => connection.close());

async function connect(
  options: Parameters<typeof connectRdbms>[0],
): Promise<{ connection: RdbmsConnection; ctx: FakeContext }> {
  const ctx = fakeContext();
  const connection = track(await connectRdbms(options, ctx));
  return { connection, ctx };
}

const idOf = async (connection: RdbmsConnection, sql: string): Promise<number> =>
  Number(Object.values((await connection.query(sql, undefined)).rows[0] ?? {})[0]);

describe('a connection killed on the server is reported lost', () => {
  it('pgsql: pg_terminate_backend reports the idle connection lost at once (pg end/error events)', async () => {
    const { connection, ctx } = await connect(PG_BASE);
    await terminatePg(await idOf(connection, 'SELECT pg_backend_pid()'));
    expect(await waitUntil(() => ctx.lostErrors.length > 0, { timeoutMs: 3000 })).toBe(true);
  });

  it('mysql: KILL reports the idle connection lost at once (mysql2 end/error events)', async () => {
    const { connection, ctx } = await connect(MARIADB);
    await killMysql(await idOf(connection, 'SELECT CONNECTION_ID()'));
    expect(await waitUntil(() => ctx.lostErrors.length > 0, { timeoutMs: 3000 })).toBe(true);
  });

  it('odbc (PostgreSQL driver): the next statement fails and reports the connection lost', async () => {
    const { connection, ctx } = await connect(ODBC_PG);
    await terminatePg(await idOf(connection, 'SELECT pg_backend_pid()'));
    await expect(connection.query('SELECT 1', undefined)).rejects.toBeDefined();
    expect(ctx.lostErrors.length).toBeGreaterThan(0);
  });

  it('odbc (MariaDB driver): the next statement fails and reports the connection lost', async () => {
    const { connection, ctx } = await connect(ODBC_MARIADB);
    await killMysql(await idOf(connection, 'SELECT CONNECTION_ID()'));
    await expect(connection.query('SELECT 1', undefined)).rejects.toBeDefined();
    expect(ctx.lostErrors.length).toBeGreaterThan(0);
  });
});
