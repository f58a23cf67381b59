/**
 * Schema of `[outgoing_pools.elastic.<tag>.connection]` (MongooseIM's "Elasticsearch options", plus `tls` and credentials).
 * @module
 */
import { Type, TlsSchema, type Static } from '@outpools/core/driver';

/**
 * The elastic connection options. Keys with a default are filled in before validation, so
 * {@link ElasticConnectionOptions} (its `Static<>`) is what the driver receives.
 *
 * | key | type | default |
 * |---|---|---|
 * | `host` | non-empty string | `"localhost"` |
 * | `port` | integer 1..65535 | `9200` |
 * | `username` | non-empty string (basic auth, with `password`) | unset |
 * | `password` | string (basic auth, with `username`) | unset |
 * | `api_key` | non-empty string (instead of `username`/`password`) | unset |
 * | `tls` | TLS section (the client then speaks https) | unset (http) |
 *
 * `username`, `password`, `api_key` and `tls` go beyond MongooseIM's options (a modern Elasticsearch needs them).
 */
export const ElasticConnectionSchema = Type.Object(
  {
    host: Type.String({
      minLength: 1,
      default: 'localhost',
      description: 'Elasticsearch host name or IP address (IPv6 without brackets)',
    }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 9200, description: 'The HTTP port' }),
    username: Type.Optional(
      Type.String({ minLength: 1, description: 'Basic authentication user; needs password (beyond MongooseIM)' }),
    ),
    password: Type.Optional(
      Type.String({ description: 'Basic authentication password; needs username; never printed ("***")' }),
    ),
    api_key: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The encoded API key, instead of username/password, not with them (beyond MongooseIM)',
      }),
    ),
    tls: Type.Optional(
      Type.With(TlsSchema, { description: 'The client speaks https (beyond MongooseIM); see TLS in the README' }),
    ),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an elastic pool after defaults. */
export type ElasticConnectionOptions = Static<typeof ElasticConnectionSchema>;
