/**
 * `@outpools/driver-ldap`: the ldap pool type, on `ldapts`.
 * @module
 */
export { ldapDriver, resolveLdapOptions, checkLdapBind, ldapReconnect, LDAP_CONCURRENCY } from './driver.js';
export { createLdapClient, pingLdap, WHOAMI_OID } from './client.js';
export type { LdapClient } from './client.js';
export { connectLdap, portOf } from './connect.js';
export { LdapConnection, INVALID_CREDENTIALS } from './connection.js';
export type { LdapIdentity } from './connection.js';
export { escapeFilterValue, escapeDnValue } from './escape.js';
export {
  LdapErrorCodes,
  LdapConnectError,
  LdapBindError,
  LdapResultError,
  LdapRequestError,
  LdapLibraryMissingError,
} from './errors.js';
export type { LdapServerAttempt } from './errors.js';
export type {
  LdapScope,
  LdapSearchOptions,
  LdapSearchResult,
  LdapEntry,
  LdapChange,
  LdapAttributes,
  LdapCallOptions,
} from './types.js';
export { LdapConnectionSchema, LDAP_PORT, LDAPS_PORT } from './schema.js';
export type { LdapConnectionOptions } from './schema.js';
