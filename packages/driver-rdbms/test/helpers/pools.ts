/** Start real rdbms pools from TOML through the core engine (shared helpers from `@outpools/testing`). */
import type { Pools } from '@outpools/core';
import { rdbmsDriver, type RdbmsClient } from '@outpools/driver-rdbms';
import { startPoolsFromToml } from '@outpools/testing';

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
