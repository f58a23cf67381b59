/**
 * Schema of `[outgoing_pools.cassandra.<tag>.connection]` (README, Connection options).
 * @module
 */
import { Type, TlsSchema, type Static } from '@outpools/core/driver';

/** Schema of one entry of `servers`: a `{host, port}` table, `port` defaulting to 9042. */
export const CassandraServerSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, description: 'Node host name or address (IPv6 without brackets)' }),
    port: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 9042,
      description: "CQL native protocol port; nodes the cluster reports later are dialed on the first server's port",
    }),
  },
  { additionalProperties: false },
);

/** Schema of `auth.plain`: plain-text authentication, both keys mandatory. */
export const CassandraPlainAuthSchema = Type.Object(
  {
    username: Type.String({
      minLength: 1,
      description: 'User name for plain-text authentication (PlainTextAuthProvider)',
    }),
    password: Type.String({
      description: 'Password for plain-text authentication; never printed ("***"), scrubbed from every error',
    }),
  },
  { additionalProperties: false },
);

/**
 * Schema of `auth`: one known mechanism must be given (`plain` is the only one), so an empty
 * `auth` table or an unknown mechanism is a config error.
 */
export const CassandraAuthSchema = Type.Object(
  {
    plain: Type.With(CassandraPlainAuthSchema, {
      description: 'Plain-text authentication: username and password, both required',
    }),
  },
  { additionalProperties: false },
);

/**
 * The cassandra connection options. Keys with a default are filled in before validation, so
 * {@link CassandraConnectionOptions} (its `Static<>`) is what the driver receives.
 *
 * | key | type | default |
 * |---|---|---|
 * | `servers` | non-empty array of `{host, port = 9042}` tables, no duplicates | `[{host = "localhost", port = 9042}]` |
 * | `keyspace` | non-empty string | `"mongooseim"` |
 * | `auth.plain.username` | non-empty string | mandatory when `auth.plain` is present |
 * | `auth.plain.password` | string | mandatory when `auth.plain` is present |
 * | `tls` | TLS section | unset (plaintext) |
 */
export const CassandraConnectionSchema = Type.Object(
  {
    servers: Type.Array(CassandraServerSchema, {
      minItems: 1,
      uniqueItems: true,
      default: [{ host: 'localhost', port: 9042 }],
      description: 'The contact points; duplicates (after the port default) are an error',
    }),
    keyspace: Type.String({
      minLength: 1,
      default: 'mongooseim',
      description: 'The session keyspace of every connection; it must exist (a missing keyspace fails the connect)',
    }),
    auth: Type.Optional(
      Type.With(CassandraAuthSchema, { description: 'Authentication; auth.plain is the only mechanism' }),
    ),
    tls: Type.Optional(Type.With(TlsSchema, { description: 'TLS to every node (see TLS in the README)' })),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of a cassandra pool after defaults. */
export type CassandraConnectionOptions = Static<typeof CassandraConnectionSchema>;

/** One `servers` entry after defaults. */
export type CassandraServer = Static<typeof CassandraServerSchema>;
