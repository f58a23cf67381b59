/**
 * The ldap pool type. This version validates the configuration only: talking to LDAP servers
 * lands in a later release.
 * @module
 */
import { defineDriver, OutpoolsError, type DriverCheckContext, type PoolHandle, type ReconnectPolicy } from '@outpools/core/driver';
import { LDAP_PORT, LDAPS_PORT, LdapConnectionSchema, type LdapConnectionOptions } from './schema.js';

/** The code of the error every not-yet-implemented ldap operation rejects with. */
export const NOT_IMPLEMENTED_CODE = 'OUTPOOLS_NOT_IMPLEMENTED';

/**
 * An ldap connection. There is none yet: {@link ldapDriver}'s `connect` always rejects,
 * so no value of this type ever exists in this version.
 */
export type LdapConnection = never;

/** The typed client of an ldap pool (planned; not functional in this version). */
export interface LdapClient {
  /**
   * Search the directory under `base` (the planned options: `scope`, `filter`, `attributes`).
   *
   * Not functional yet: no ldap connection can be opened in this version, so the call
   * rejects (with `NoWorkersError` from the pool, or the not-implemented error).
   */
  search(base: string, options?: Readonly<Record<string, unknown>>): Promise<readonly Record<string, unknown>[]>;
}

/** The error every ldap operation rejects with in this version. */
export function ldapNotImplemented(what = 'connection'): OutpoolsError {
  return new OutpoolsError(
    NOT_IMPLEMENTED_CODE,
    `the ldap ${what} is not implemented yet in this version of @outpools/driver-ldap (only its configuration is validated)`,
  );
}

/**
 * Fill in `port`: 389, or 636 when a `tls` section is present; an explicit port is kept. The
 * port is placed right after `servers`, in schema order, so printed options read like the reference.
 */
export function resolveLdapOptions(options: LdapConnectionOptions): LdapConnectionOptions {
  if (options.port !== undefined) return options;
  const { servers, ...rest } = options;
  return { servers, port: options.tls === undefined ? LDAP_PORT : LDAPS_PORT, ...rest };
}

/** Cross-field rule: a password is only meaningful with a `root_dn` to bind as. */
export function checkLdapBind(ctx: DriverCheckContext<LdapConnectionOptions>): void {
  if (ctx.connection.password !== '' && ctx.connection.root_dn === '') {
    ctx.error(
      'connection.password',
      'a password is set but root_dn is empty: set the root_dn to bind as, or remove the password for an anonymous connection',
    );
  }
}

/** Reconnect every `connect_interval` ms (MongooseIM's eldap behaviour), without backoff. */
export function ldapReconnect(options: LdapConnectionOptions): ReconnectPolicy {
  return { kind: 'fixed', intervalMs: options.connect_interval };
}

/**
 * The `ldap` pool type (`[outgoing_pools.ldap.<tag>]`). Register it to validate ldap sections
 * (the port is resolved to 389 or 636); talking to LDAP servers is not implemented yet.
 *
 * @example
 * ```ts
 * import { checkConfig, DriverRegistry } from '@outpools/core';
 * import { ldapDriver } from '@outpools/driver-ldap';
 *
 * const result = checkConfig(`
 *   [outgoing_pools.ldap.default.connection]
 *   servers = ["ldap_one", "ldap_two"]
 *   root_dn = "cn=admin,dc=example,dc=com"
 *   password = "topsecret"
 *   [outgoing_pools.ldap.default.connection.tls]
 *   verify_mode = "peer"
 * `, { registry: new DriverRegistry([ldapDriver]) });
 * result.config?.pools[0]?.connection.port; // 636
 * ```
 */
export const ldapDriver = defineDriver({
  type: 'ldap',
  packageName: '@outpools/driver-ldap',
  connectionSchema: LdapConnectionSchema,
  resolve: resolveLdapOptions,
  check: checkLdapBind,
  reconnect: ldapReconnect,
  connect: (): Promise<LdapConnection> => Promise.reject(ldapNotImplemented()),
  close: () => Promise.resolve(),
  ping: () => Promise.reject(ldapNotImplemented('ping')),
  client: (pool: PoolHandle<LdapConnection>): LdapClient => ({
    search: () =>
      pool.run(
        () => {
          throw ldapNotImplemented('search call');
        },
        { retryOnLost: true },
      ),
  }),
});
