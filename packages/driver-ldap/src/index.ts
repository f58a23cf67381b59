/**
 * `@outpools/driver-ldap`: the ldap pool type (configuration only in this version).
 * @module
 */
export {
  ldapDriver,
  ldapNotImplemented,
  resolveLdapOptions,
  checkLdapBind,
  ldapReconnect,
  NOT_IMPLEMENTED_CODE,
} from './driver.js';
export type { LdapClient, LdapConnection } from './driver.js';
export { LdapConnectionSchema, LDAP_PORT, LDAPS_PORT } from './schema.js';
export type { LdapConnectionOptions } from './schema.js';
