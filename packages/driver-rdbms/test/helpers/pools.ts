/** Start real rdbms pools from TOML through the core engine (shared helpers from `@outpools/testing`). */
import { afterAll, afterEach, expect } from 'vitest';
import type { Pools } from '@outpools/core';
import { rdbmsDriver, type RdbmsClient } from '@outpools/driver-rdbms';
import { recordUnhandled, startPoolsFromToml } from '@outpools/testing';

/** Pools of one `[outgoing_pools.rdbms.default]` section; `pool` and `connection` are TOML lines. */
export async function startRdbms(
  pool: string,
  connection: string,
  extra = '',
): Promise<{ pools: Pools; db: RdbmsClient }> {
  const text = `[outgoing_pools.rdbms.default]\n${pool}\n[outgoing_pools.rdbms.default.connection]\n${connection}\n${extra}`;
  const { pools } = await startPoolsFromToml(text, [rdbmsDriver]);
  return { pools, db: pools.get(rdbmsDriver, 'global', 'default') };
}

/** TOML connection lines for the given server. */
export function connectionToml(driver: 'pgsql' | 'mysql' | 'cockroachdb', port: number, more = ''): string {
  return [
    `driver = "${driver}"`,
    'host = "127.0.0.1"',
    `port = ${port}`,
    'database = "test"',
    'username = "outpools"',
    'password = "outpools-test-pw"',
    more,
  ].join('\n');
}

/**
 * For a test file of pgsql pools on the shared PostgreSQL: the file fails on an unhandled
 * rejection, and the pools a test started are stopped after it. Returns the pool starter
 * (`pool` and `connection` are TOML lines).
 */
export function pgsqlPoolsPerTest(): (pool: string, connection?: string) => Promise<RdbmsClient> {
  const stray = recordUnhandled();
  afterAll(() => {
    stray.uninstall();
    expect(stray.errors).toEqual([]);
  });
  const started: Pools[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
  });
  return async (pool, connection = '') => {
    const { pools, db } = await startRdbms(pool, connectionToml('pgsql', 5432, connection));
    started.push(pools);
    return db;
  };
}
