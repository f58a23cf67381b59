/**
 * Schema of `[outgoing_pools.redis.<tag>.connection]`, MongooseIM's redis connection options (the
 * options table of packages/driver-redis/README.md and "Connection options" in docs/configuration.md).
 * @module
 */
import { Type, TlsSchema, type Static } from '@outpools/core/driver';

/**
 * The redis connection options. Keys with a default are filled in before validation, so
 * {@link RedisConnectionOptions} (its `Static<>`) is what the driver receives. Each key's
 * `description` is what the README's option table says (generated: `pnpm docs:options`).
 */
export const RedisConnectionSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Redis server host name or address' }),
    port: Type.Integer({
      minimum: 1,
      maximum: 65534,
      default: 6379,
      description: 'TCP port, between 0 and 65535 non-inclusive',
    }),
    database: Type.Integer({
      minimum: 0,
      default: 0,
      description:
        'Logical database index, zero-based: `SELECT` after connecting; a database the server lacks fails the connect',
    }),
    password: Type.String({
      default: '',
      description: 'AUTH password; empty means no `AUTH`; never printed (`"***"`)',
    }),
    username: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'ACL user (Redis 6+): `AUTH username password`. With an empty password: a warning (only `nopass` users accept that)',
      }),
    ),
    auto_pipelining: Type.Boolean({
      default: true,
      description:
        'Beyond MongooseIM: the commands a worker sends in one turn of the event loop go to Redis in one write ' +
        '(pipelined); `false`: one write per command. See "Auto-pipelining" in packages/driver-redis/README.md',
    }),
    tls: Type.Optional(
      Type.With(TlsSchema, {
        description: "TLS section (docs/configuration.md, TLS); present: the connection uses TLS (Redis' `tls-port`)",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of a redis pool after defaults. */
export type RedisConnectionOptions = Static<typeof RedisConnectionSchema>;

/** Why `available_worker` is refused for redis pools (a config error at `strategy`). */
export const AVAILABLE_WORKER_REFUSAL =
  'the redis pool type does not support "available_worker": a redis worker pipelines many commands on one ' +
  'connection, so it is never "available" in that strategy\'s sense; use "best_worker", "random_worker", ' +
  '"next_worker" or "next_available_worker"';
