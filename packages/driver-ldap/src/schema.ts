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
 * | `password` | string (unused without a `root_dn`: a warning) | `""` |
 * | `connect_interval` | positive integer (ms) | `10000` |
 * | `tls` | TLS section (LDAPS) | unset (plain LDAP) |
 */
export const LdapConnectionSchema = Type.Object(
  {
    servers: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      uniqueItems: true,
      default: ['localhost'],
      description: 'LDAP server host names, no duplicates; tried in list order on every (re)connect',
    }),
    port: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description:
          'One port for every server: 389, or 636 when a tls section is present (resolved by the driver, so outpools check shows it)',
      }),
    ),
    root_dn: Type.String({ default: '', description: "DN of the pool's simple bind; empty: anonymous (no bind)" }),
    password: Type.String({
      default: '',
      description: 'Bind password; with an empty root_dn it is not used (a warning); never printed ("***")',
    }),
    connect_interval: Type.Integer({
      minimum: 1,
      default: 10000,
      description: 'Fixed interval between reconnect attempts, in ms (no backoff)',
    }),
    tls: Type.Optional(
      Type.With(TlsSchema, {
        description: 'LDAPS: TLS from the first byte (verify_mode, cacertfile, ... as for every pool type)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an ldap pool after defaults (`port` is set after `resolve`). */
export type LdapConnectionOptions = Static<typeof LdapConnectionSchema>;
