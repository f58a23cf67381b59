/**
 * Schema of `[outgoing_pools.rabbit.<tag>.connection]` (see docs/configuration.md and the driver README).
 * @module
 */
import { Type, TlsSchema, type Static } from '@outpools/core/driver';

/** The spelling of "no limit" for `max_worker_queue_len`. */
export const INFINITY = 'infinity';

/**
 * The rabbit connection options. Keys with a default are filled in before validation, so
 * {@link RabbitConnectionOptions} (its `Static<>`) is what the driver receives.
 *
 * | key | type | default |
 * |---|---|---|
 * | `host` | non-empty string | `"localhost"` |
 * | `port` | integer 1..65535 | `5672` |
 * | `username` | non-empty string | `"guest"` |
 * | `password` | non-empty string | `"guest"` |
 * | `virtual_host` | non-empty string | `"/"` |
 * | `confirms_enabled` | boolean | `false` |
 * | `max_worker_queue_len` | integer >= 0 or `"infinity"` | `1000` |
 * | `tls` | TLS section (amqps) | unset (plain amqp) |
 * | `reconnect.attempts` | integer >= 0 | `0` |
 * | `reconnect.delay` | integer >= 0, ms | `2000` |
 */
export const RabbitConnectionSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: 'localhost', description: 'RabbitMQ broker host name or address' }),
    port: Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 5672,
      description: "AMQP port; use the broker's AMQPS port (5671) with a tls section",
    }),
    username: Type.String({ minLength: 1, default: 'guest', description: 'User name (non-empty)' }),
    password: Type.String({
      minLength: 1,
      default: 'guest',
      description: 'Password; never printed in errors, reports or status ("***")',
    }),
    virtual_host: Type.String({
      minLength: 1,
      default: '/',
      description: 'Virtual host to open (a MongooseIM 6 option)',
    }),
    confirms_enabled: Type.Boolean({ default: false, description: 'Enables one-to-one publisher confirms' }),
    max_worker_queue_len: Type.Union([Type.Integer({ minimum: 0 }), Type.Literal(INFINITY)], {
      default: 1000,
      description:
        'Worker mailbox limit: when a mailbox reaches it, the oldest requests are dropped (RequestDroppedError) until it is below; "infinity" disables it',
    }),
    tls: Type.Optional(Type.With(TlsSchema, { description: 'AMQPS: TLS from the first byte (see TLS in the README)' })),
    reconnect: Type.Object(
      {
        attempts: Type.Integer({
          minimum: 0,
          default: 0,
          description:
            "A worker's first `attempts` reconnect attempts in a row each come `delay` ms after the failure; later " +
            'ones follow the pool backoff (1 s doubling, capped at 30 s, full jitter). 0: only the backoff',
        }),
        delay: Type.Integer({
          minimum: 0,
          default: 2000,
          description: 'Milliseconds between the first `attempts` reconnect attempts',
        }),
      },
      {
        additionalProperties: false,
        default: {},
        description: 'Reconnect pacing (current MongooseIM); outpools never gives a worker up (see the README)',
      },
    ),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of a rabbit pool after defaults. */
export type RabbitConnectionOptions = Static<typeof RabbitConnectionSchema>;
