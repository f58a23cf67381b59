/**
 * Start ldap pools through the real engine from TOML (shared helpers from `@outpools/testing`,
 * with the ldap driver as the default and its typed client).
 */
import type { Pools } from '@outpools/core';
import { ldapDriver, type LdapClient, type LdapConnection } from '@outpools/driver-ldap';
import { poolToml, startPoolsFromToml, type StartedPools, type TomlTable } from '@outpools/testing';

export type { Pools } from '@outpools/core';

/** Start the pools of `toml` with `driver` (default: the ldap driver). */
export function startPools(toml: string, driver: typeof ldapDriver = ldapDriver): Promise<StartedPools> {
  return startPoolsFromToml(toml, [driver]);
}

/** The typed client of `ldap.<tag>@global`. */
export function clientOf(pools: Pools, tag: string): LdapClient {
  return pools.get(ldapDriver, 'global', tag);
}

/** A TOML file with one ldap pool. */
export function ldapToml(tag: string, pool: TomlTable, connection: TomlTable, tls?: TomlTable): string {
  return poolToml('ldap', tag, pool, connection, tls);
}

/** The connection a call on `ldap.<tag>@global` runs on (the worker the strategy picks). */
export function connectionOf(pools: Pools, tag: string): Promise<LdapConnection> {
  return pools.pool('ldap', 'global', tag).run((connection) => connection as LdapConnection);
}
