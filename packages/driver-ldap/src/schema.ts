/**
 * Schema of `[outgoing_pools.ldap.<tag>.connection]` (see the README's "Connection options").
 * @module
 */
import { Type, TlsSchema, type Static } from '@outpools/core/driver';

/** The LDAP port without TLS. */
export const LDAP_PORT = 389;
/** The LDAPS port, the default when a `tls` section is present. */
export const LDAPS_PORT = 636;

/**
 * The ldap connection options. Keys with a default are filled in before validation, so
 * {@link LdapConnectionOptions} (its `Static<>`) is what the driver receives; `port` is filled in
 * afterwards by the driver's `resolve` (389, or 636 with a `tls` section).
 *
 * | key | type | default |
 * |---|---|---|
 * | `servers` | non-empty array of non-empty strings, no duplicates | `["localhost"]` |
 * | `port` | integer 1..65535 | `389`, or `636` when `tls` is present |
 * | `root_dn` | string (`""` = anonymous) | `""` |
 * | `password` | string (needs a `root_dn`) | `""` |
 * | `connect_interval` | positive integer (ms) | `10000` |
 * | `tls` | TLS section (LDAPS) | unset (plain LDAP) |
 */
export const LdapConnectionSchema = Type.Object(
  {
    servers: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      default: ['localhost'],
      description: 'LDAP server host names, tried in order on each (re)connect',
    }),
    port: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port; 389, or 636 when a tls section is present' }),
    ),
    root_dn: Type.String({ default: '', description: 'Bind DN; empty means an anonymous connection' }),
    password: Type.String({ default: '', description: 'Bind password' }),
    connect_interval: Type.Integer({ minimum: 1, default: 10000, description: 'Reconnect interval after a failed connection, in ms' }),
    tls: Type.Optional(TlsSchema),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an ldap pool after defaults (`port` is set after `resolve`). */
export type LdapConnectionOptions = Static<typeof LdapConnectionSchema>;
