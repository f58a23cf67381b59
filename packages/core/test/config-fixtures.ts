// Small fake pool drivers for the config tests (TypeBox schemas, no client library).
import { defineDriver, Type } from '@outpools/core/driver';
import { noopMethods as noop } from './cli-fake-drivers.mjs';

/** A redis-like type: host/port/database/password, refuses available_worker. */
export const kvDriver = defineDriver({
  ...noop,
  type: 'kv',
  connectionSchema: Type.Object(
    {
      host: Type.String({ minLength: 1, default: '127.0.0.1' }),
      port: Type.Integer({ minimum: 1, maximum: 65534, default: 6379 }),
      database: Type.Integer({ minimum: 0, default: 0 }),
      password: Type.String({ default: '' }),
    },
    { additionalProperties: false },
  ),
  refuseStrategy: (strategy) =>
    strategy === 'available_worker' ? 'kv does not support "available_worker"' : undefined,
});

/** An rdbms-like type: required enum `driver`, per-type defaults, a cross-field check. */
export const sqlDriver = defineDriver({
  ...noop,
  type: 'sql',
  defaults: { call_timeout: 60000 },
  connectionSchema: Type.Object(
    {
      driver: Type.Union([Type.Literal('pgsql'), Type.Literal('mysql'), Type.Literal('odbc')]),
      host: Type.Optional(Type.String({ minLength: 1 })),
      database: Type.Optional(Type.String({ minLength: 1 })),
      password: Type.Optional(Type.String({ minLength: 1 })),
      query_timeout: Type.Integer({ minimum: 1, default: 5000 }),
    },
    { additionalProperties: false },
  ),
  check(ctx) {
    if (ctx.connection.driver !== 'odbc' && ctx.connection.host === undefined) {
      ctx.error('connection.host', `required with driver = "${ctx.connection.driver}"`);
    }
    if (ctx.connection.query_timeout > ctx.pool.call_timeout)
      ctx.warn('connection.query_timeout', 'longer than call_timeout');
  },
});

/** A cassandra-like type: array of tables with defaults, unions, nested optional tables, TLS. */
export const clusterDriver = defineDriver({
  ...noop,
  type: 'cluster',
  defaults: { workers: 20 },
  connectionSchema: Type.Object(
    {
      servers: Type.Array(
        Type.Object(
          { host: Type.String({ minLength: 1 }), port: Type.Integer({ minimum: 1, maximum: 65535, default: 9042 }) },
          { additionalProperties: false },
        ),
        { minItems: 1, uniqueItems: true, default: [{ host: 'localhost', port: 9042 }] },
      ),
      max_queue: Type.Union([Type.Integer({ minimum: 0 }), Type.Literal('infinity')], { default: 1000 }),
      auth: Type.Optional(
        Type.Object(
          {
            plain: Type.Object(
              { username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) },
              { additionalProperties: false },
            ),
          },
          { additionalProperties: false },
        ),
      ),
      port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
      tls: Type.Optional(
        Type.Object(
          {
            verify_mode: Type.Union([Type.Literal('peer'), Type.Literal('none')], { default: 'peer' }),
            password: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  resolve: (options) => ({ ...options, port: options.port ?? (options.tls ? 636 : 389) }),
});
