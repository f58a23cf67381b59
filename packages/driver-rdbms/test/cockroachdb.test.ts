/**
 * `driver = "cockroachdb"` speaks PostgreSQL's wire protocol through `pg`. No CockroachDB server
 * runs here, so these tests point it at the project's PostgreSQL servers with the port given.
 */
import { describe, expect, it } from 'vitest';
import { withTlsDefaults } from '@outpools/core/driver';
import { QueryError, RdbmsConnectError } from '@outpools/driver-rdbms';
import { closeAfterEach } from '@outpools/testing';
import { connectRdbms } from '../src/driver.js';
import type { RdbmsConnection } from '../src/types.js';
import { coreTlsContext, fakeContext } from './helpers/fake-pool.js';
import { connectionToml, startRdbms } from './helpers/pools.js';
import { PG_BASE, PG_TLS, PG_TLS_CA } from './helpers/servers.js';

const COCKROACH = { ...PG_BASE, driver: 'cockroachdb' } as const;
const track = closeAfterEach((connection: RdbmsConnection) => connection.close());

describe('rdbms driver = "cockroachdb" against a PostgreSQL-protocol server', () => {
  it('runs parameterised queries through a pool started from TOML, the client saying "cockroachdb"', async () => {
    const { pools, db } = await startRdbms('workers = 2', connectionToml('cockroachdb', 5432));
    try {
      expect(db.driver).toBe('cockroachdb');
      const { rows } = await db.query<{ answer: number }>('SELECT $1::int + 1 AS answer', [41]);
      expect(rows).toEqual([{ answer: 42 }]);
      const inTx = await db.transaction(async (tx) => (await tx.query('SELECT $1::text AS t', ['in tx'])).rows);
      expect(inTx).toEqual([{ t: 'in tx' }]);
    } finally {
      await pools.stop();
    }
  });

  it('names the driver in its errors', async () => {
    const connection = track(await connectRdbms(COCKROACH, fakeContext()));
    const error = await connection.query('SELECT * FROM no_such_table_here', undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as Error).message).toMatch(/^cockroachdb: /);
  });

  it('uses TLS with tls.required = true, and refuses a server without TLS', async () => {
    const tls = withTlsDefaults({ verify_mode: 'peer', cacertfile: PG_TLS_CA, required: true } as const);
    const secure = track(
      await connectRdbms({ ...PG_TLS, driver: 'cockroachdb', tls }, coreTlsContext(tls, '127.0.0.1')),
    );
    const { rows } = await secure.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', undefined);
    expect(rows[0]?.['ssl']).toBe(true);
    const error = await connectRdbms({ ...COCKROACH, tls }, coreTlsContext(tls, '127.0.0.1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RdbmsConnectError);
    expect((error as Error).message).toMatch(/^cockroachdb: cannot connect with TLS/);
  });
});
