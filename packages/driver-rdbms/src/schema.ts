/**
 * Schema of `[outgoing_pools.rdbms.<tag>.connection]` (seed "RDBMS options", "ODBC options",
 * spec 5.1), the driver-dependent defaults (`resolve`) and the cross-field rules (`check`).
 * @module
 */
import { Type, tlsSchemaWith, type DriverCheckContext, type Static } from '@outpools/core/driver';

/** The three RDBMS drivers, as the seed spells them. */
export const RDBMS_DRIVERS = ['pgsql', 'mysql', 'odbc'] as const;
/** One RDBMS driver name. */
export type RdbmsDriverName = (typeof RDBMS_DRIVERS)[number];

/** Default ports of the network drivers (seed: 5432 for pgsql, 3306 for mysql). */
export const DEFAULT_PORTS = { pgsql: 5432, mysql: 3306 } as const;

/** The TLS section of an rdbms pool: the common TLS keys plus `required` (PostgreSQL only). */
export const RdbmsTlsSchema = tlsSchemaWith({
  required: Type.Boolean({
    default: false,
    description: 'pgsql only: refuse a server without TLS (false: ask for TLS, continue in plaintext if the server has none)',
  }),
});

/**
 * The rdbms connection options. Keys with a default are filled in before validation;
 * `port` is filled in by {@link resolveRdbmsOptions} (5432 for pgsql, 3306 for mysql).
 *
 * | key | type | default | drivers |
 * |---|---|---|---|
 * | `driver` | `"pgsql"`, `"mysql"`, `"odbc"` | required | all |
 * | `host` | non-empty string | required | pgsql, mysql |
 * | `port` | integer 1..65535 | 5432 / 3306 | pgsql, mysql |
 * | `database` | non-empty string | required | pgsql, mysql |
 * | `username` | non-empty string | required | pgsql, mysql |
 * | `password` | non-empty string | required | pgsql, mysql |
 * | `settings` | non-empty ODBC connection string | required | odbc |
 * | `query_timeout` | integer >= 1, ms | 5000 | all |
 * | `keepalive_interval` | integer >= 1, seconds | unset (off) | all |
 * | `max_start_interval` | integer >= 1, seconds | 30 | all |
 * | `tls` | TLS section (+ `required`) | unset | pgsql, mysql |
 */
export const RdbmsConnectionSchema = Type.Object(
  {
    // Literals written out: Static<> of a mapped array would be `never`.
    driver: Type.Union(
      [Type.Literal('pgsql'), Type.Literal('mysql'), Type.Literal('odbc')],
      { description: 'The database driver: "pgsql" (pg), "mysql" (mysql2) or "odbc" (odbc)' },
    ),
    host: Type.Optional(Type.String({ minLength: 1, description: 'pgsql/mysql: server host name or address' })),
    port: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, description: 'pgsql/mysql: TCP port (default 5432 for pgsql, 3306 for mysql)' }),
    ),
    database: Type.Optional(Type.String({ minLength: 1, description: 'pgsql/mysql: database name' })),
    username: Type.Optional(Type.String({ minLength: 1, description: 'pgsql/mysql: user name' })),
    password: Type.Optional(Type.String({ minLength: 1, description: 'pgsql/mysql: password (non-empty)' })),
    settings: Type.Optional(Type.String({ minLength: 1, description: 'odbc: the ODBC connection string, e.g. "DSN=mydb"' })),
    query_timeout: Type.Integer({ minimum: 1, default: 5000, description: 'The longest a query may run, in milliseconds' }),
    keepalive_interval: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Seconds between SELECT 1 keepalives on idle connections; unset: off' }),
    ),
    max_start_interval: Type.Integer({
      minimum: 1,
      default: 30,
      description: 'Cap of the reconnect backoff, in seconds',
    }),
    tls: Type.Optional(RdbmsTlsSchema),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an rdbms pool after defaults. */
export type RdbmsConnectionOptions = Static<typeof RdbmsConnectionSchema>;

/** The rdbms TLS section after defaults. */
export type RdbmsTlsOptions = Static<typeof RdbmsTlsSchema>;

/** Fill in the driver-dependent port (5432 for pgsql, 3306 for mysql); odbc has no port. */
export function resolveRdbmsOptions(options: RdbmsConnectionOptions): RdbmsConnectionOptions {
  if (options.driver === 'odbc' || options.port !== undefined) return options;
  return { ...options, port: DEFAULT_PORTS[options.driver] };
}

const NETWORK_KEYS = ['host', 'database', 'username', 'password'] as const;
const ODBC_FORBIDDEN = ['host', 'port', 'database', 'username', 'password'] as const;

/** Cross-field rules of an rdbms connection section (paths relative to the pool section). */
export function checkRdbmsOptions(ctx: DriverCheckContext<RdbmsConnectionOptions>): void {
  const c = ctx.connection;
  if (c.driver === 'odbc') {
    if (c.settings === undefined) {
      ctx.error('connection.settings', 'missing required key: driver = "odbc" needs the ODBC connection string (e.g. "DSN=mydb")');
    }
    for (const key of ODBC_FORBIDDEN) {
      if (c[key] !== undefined) {
        ctx.error(
          `connection.${key}`,
          `not allowed with driver = "odbc": the ODBC connection string in "settings" (or its data source) gives ${key}`,
        );
      }
    }
    if (c.tls !== undefined) {
      ctx.error(
        'connection.tls',
        'not allowed with driver = "odbc": TLS comes from the ODBC data source (e.g. sslmode and sslrootcert in odbc.ini)',
      );
    }
    return;
  }
  for (const key of NETWORK_KEYS) {
    if (c[key] === undefined) {
      ctx.error(`connection.${key}`, `missing required key: driver = "${c.driver}" needs ${key} (a non-empty string)`);
    }
  }
  if (c.settings !== undefined) {
    ctx.error('connection.settings', `only allowed with driver = "odbc" (this pool's driver is "${c.driver}")`);
  }
  if (c.driver === 'mysql' && c.tls?.required === true) {
    ctx.error(
      'connection.tls.required',
      'only allowed with driver = "pgsql": a mysql pool always uses TLS when the tls section is present',
    );
  }
}
