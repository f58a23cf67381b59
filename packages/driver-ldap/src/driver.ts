/**
 * The `ldap` pool type: one `ldapts` connection per worker (requests pipelined on it), servers tried
 * in list order on every (re)connect, a fixed reconnect interval (`connect_interval`).
 * @module
 */
import { defineDriver, type DriverCheckContext, type ReconnectPolicy } from '@outpools/core/driver';
import { createLdapClient, pingLdap } from './client.js';
import { connectLdap } from './connect.js';
import type { LdapConnection } from './connection.js';
import { LDAP_PORT, LDAPS_PORT, LdapConnectionSchema, type LdapConnectionOptions } from './schema.js';

/**
 * How many requests one worker may have in flight on its connection at once. LDAP answers carry
 * the request's message id, so requests are pipelined like `ldapts` does on one client; a
 * password check still holds the connection alone (see `LdapClient.checkPassword`).
 */
export const LDAP_CONCURRENCY = 16;

/**
 * Fill in `port`: 389, or 636 when a `tls` section is present; an explicit port is kept. The
 * port is placed right after `servers`, in schema order, so printed options read like the reference.
 */
export function resolveLdapOptions(options: LdapConnectionOptions): LdapConnectionOptions {
  if (options.port !== undefined) return options;
  const { servers, ...rest } = options;
  return { servers, port: options.tls === undefined ? LDAP_PORT : LDAPS_PORT, ...rest };
}

/**
 * Cross-field rule: a password is only meaningful with a `root_dn` to bind as. Without one the
 * connection is anonymous and the password unused: a warning (MongooseIM accepts the pair).
 */
export function checkLdapBind(ctx: DriverCheckContext<LdapConnectionOptions>): void {
  if (ctx.connection.password !== '' && ctx.connection.root_dn === '') {
    ctx.warn(
      'connection.password',
      'a password is set but root_dn is empty: the connection is anonymous (no bind) and the password is not used; set the root_dn to bind as, or remove the password',
    );
  }
}

/** Reconnect every `connect_interval` ms (MongooseIM's eldap behaviour), without backoff. */
export function ldapReconnect(options: LdapConnectionOptions): ReconnectPolicy {
  return { kind: 'fixed', intervalMs: options.connect_interval };
}

/**
 * The `ldap` pool type (`[outgoing_pools.ldap.<tag>]`). Register it with the core's registry;
 * `pools.get(ldapDriver, host, tag)` then returns an {@link LdapClient}.
 *
 * @example
 * ```ts
 * import { createPools, DriverRegistry, parseConfig } from '@outpools/core/driver';
 * import { ldapDriver } from '@outpools/driver-ldap';
 *
 * const registry = new DriverRegistry([ldapDriver]);
 * const config = parseConfig(`
 *   [outgoing_pools.ldap.default]
 *   workers = 5
 *   [outgoing_pools.ldap.default.connection]
 *   servers = ["ldap-one.example.com", "ldap-two.example.com"]
 *   root_dn = "cn=admin,dc=example,dc=com"
 *   password = "ldap-admin-secret"
 *   [outgoing_pools.ldap.default.connection.tls]
 *   cacertfile = "/etc/ssl/ldap-ca.pem"
 * `, { registry });
 * const pools = createPools(config, { registry });
 * await pools.start();
 * const ldap = pools.get(ldapDriver, 'global', 'default');
 * const { entries } = await ldap.search('ou=people,dc=example,dc=com', { filter: '(uid=alice)' });
 * await pools.stop();
 * ```
 */
export const ldapDriver = defineDriver({
  type: 'ldap',
  packageName: '@outpools/driver-ldap',
  connectionSchema: LdapConnectionSchema,
  resolve: resolveLdapOptions,
  check: checkLdapBind,
  concurrency: () => LDAP_CONCURRENCY,
  reconnect: ldapReconnect,
  tlsHost: (options) => options.servers[0] ?? 'localhost',
  connect: connectLdap,
  close: (connection: LdapConnection) => connection.close(),
  ping: pingLdap,
  client: (pool) => createLdapClient(pool),
});
