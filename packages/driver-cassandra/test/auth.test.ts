import { afterEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import type { Pools } from '@outpools/core';
import { CassandraAuthError, CassandraConnectError, cassandraDriver } from '@outpools/driver-cassandra';
import { stubContexts } from '@outpools/testing';
import { cassandraToml, clientOf, startPools } from './helpers/pools.js';
import { KEYSPACE, SERVER, useCassandra, USER } from './helpers/server.js';

useCassandra();

const WRONG = 'not-the-cql-pw-93e1d';
const wrongAuth = { servers: [SERVER], keyspace: KEYSPACE, auth: { plain: { username: USER, password: WRONG } } };

/** Everything a user may see of an error. */
function printed(error: unknown): string {
  return [String(error), inspect(error, { depth: 10 }), (error as Error).stack ?? '', JSON.stringify(error)].join('\n');
}

describe('cassandra plain-text authentication (live)', () => {
  let pools: Pools | undefined;
  afterEach(async () => {
    await pools?.stop();
    pools = undefined;
  });

  it('connects with the right password', async () => {
    const started = await startPools(cassandraToml('auth_ok', { workers: 2 }));
    pools = started.pools;
    expect(started.report.ok).toBe(true);
    const row = (
      await clientOf(pools, 'auth_ok').execute('SELECT role FROM system_auth.roles WHERE role = ?', [USER])
    ).first();
    expect(row?.['role']).toBe(USER);
  });

  it('refuses a wrong password with a coded error that names the user and never the password', async () => {
    const error = await cassandraDriver.connect(wrongAuth, stubContexts('cassandra').connect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassandraAuthError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_CASSANDRA_AUTH' });
    expect((error as Error).message).toContain(`user "${USER}"`);
    expect((error as Error).message).toContain('127.0.0.1:19042');
    expect((error as Error).message).toMatch(/password are incorrect/);
    expect(printed(error)).not.toContain(WRONG);
  });

  it('reports the refused pool as not live, without the password in report, health or stats', async () => {
    const started = await startPools(cassandraToml('auth_wrong', { workers: 2 }, wrongAuth));
    pools = started.pools;
    expect(started.report.ok).toBe(false);
    expect(started.report.instances[0]).toMatchObject({ live: 0, workers: 2 });
    expect(started.report.instances[0]?.error).toContain('authentication');
    const health = await pools.health();
    expect(health[0]?.ok).toBe(false);
    expect(
      [JSON.stringify(started.report), JSON.stringify(health), JSON.stringify(pools.stats())].join('\n'),
    ).not.toContain(WRONG);
  });

  it('refuses a pool without credentials with the same coded error', async () => {
    const error = await cassandraDriver
      .connect({ servers: [SERVER], keyspace: KEYSPACE }, stubContexts('cassandra').connect)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassandraAuthError);
    expect(String(error)).toContain('no credentials');
  });

  it('keeps the password out of a failed connect to a closed port', async () => {
    const options = { ...wrongAuth, servers: [{ host: '127.0.0.1', port: 1 }] };
    const error = await cassandraDriver.connect(options, stubContexts('cassandra').connect).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CassandraConnectError);
    expect(error).toMatchObject({ code: 'OUTPOOLS_CASSANDRA_CONNECT' });
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(printed(error)).not.toContain(WRONG);
  });
});
