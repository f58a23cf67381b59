/**
 * Start ldap pools through the real engine from TOML (shared helpers from `@outpools/testing`,
 * with the ldap driver as the default and its typed client).
 */
import { expect } from 'vitest';
import type { Pools } from '@outpools/core';
import { ldapDriver, type LdapClient, type LdapConnection } from '@outpools/driver-ldap';
import { poolToml, startPoolsFromToml, type StartedPools, type TomlTable } from '@outpools/testing';
import type { LdapServiceInfo } from './servers.js';

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

/** The pools of {@link rootAndAnonymous} and their clients. */
export interface RootAndAnonymous {
  readonly pools: Pools;
  /** `ldap.root`, bound as the service's root DN. */
  readonly root: LdapClient;
  /** `ldap.anon`, anonymous. */
  readonly anonymous: LdapClient;
}

/**
 * Two pools of `workers` workers on the service slapd, `root` bound as the root DN and `anon`
 * anonymous, with `connection` added to both connection sections; expects both to start live.
 */
export async function rootAndAnonymous(
  info: LdapServiceInfo,
  workers: number,
  connection: TomlTable = {},
): Promise<RootAndAnonymous> {
  const shared = { servers: ['127.0.0.1'], port: info.port, ...connection };
  const started = await startPools(
    ldapToml('root', { workers }, { ...shared, root_dn: info.rootDn, password: info.rootPassword }) +
      ldapToml('anon', { workers }, shared),
  );
  expect(started.report.ok, JSON.stringify(started.report)).toBe(true);
  return { pools: started.pools, root: clientOf(started.pools, 'root'), anonymous: clientOf(started.pools, 'anon') };
}
