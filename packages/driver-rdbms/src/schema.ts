/**
 * Schema of `[outgoing_pools.rdbms.<tag>.connection]` (MongooseIM's RDBMS and ODBC options; the
 * options table of packages/driver-rdbms/README.md and "Connection options" in docs/configuration.md), the
 * driver-dependent defaults (`resolve`) and the cross-field rules (`check`).
 * @module
 */
import { Type, tlsSchemaWith, type DriverCheckContext, type Static } from '@outpools/core/driver';

/**
 * The RDBMS drivers, as MongooseIM spells them. `cockroachdb` (current MongooseIM) speaks
 * PostgreSQL's wire protocol and goes through `pg`, like `pgsql`.
 */
export const RDBMS_DRIVERS = ['pgsql', 'mysql', 'odbc', 'cockroachdb'] as const;
/** One RDBMS driver name. */
export type RdbmsDriverName = (typeof RDBMS_DRIVERS)[number];

/** Default ports of the network drivers: 5432 for pgsql, 3306 for mysql, 26257 for cockroachdb. */
export const DEFAULT_PORTS = { pgsql: 5432, mysql: 3306, cockroachdb: 26257 } as const;

/**
 * pgsql's `pipeline` when unset: how many statements one connection has in flight at once
 * (see "Pipelining" in packages/driver-rdbms/README.md for the figures behind it).
 */
export const DEFAULT_PG_PIPELINE = 32;

/** pgsql's `prepare`: distinct statements one connection prepares; later ones are parsed on every run. */
export const PREPARED_PER_CONNECTION = 256;

/** A driver that connects over the network (every one but odbc). */
export type NetworkDriverName = keyof typeof DEFAULT_PORTS;

/** The TLS section of an rdbms pool: the common TLS keys plus `required` (PostgreSQL protocol only). */
export const RdbmsTlsSchema = tlsSchemaWith({
  required: Type.Boolean({
    default: false,
    description:
      'pgsql, cockroachdb: refuse a server without TLS (`false`: ask for TLS, continue in plaintext if the server has none); ' +
      'with mysql an error (a mysql pool always uses TLS when the section is present)',
  }),
});

/**
 * The rdbms connection options. Keys with a default are filled in before validation;
 * `port` is filled in by {@link resolveRdbmsOptions} (5432 for pgsql, 3306 for mysql). Each key's
 * `description` says which drivers take it and is what the README's option table says
 * (generated: `pnpm docs:options`); {@link checkRdbmsOptions} enforces the per-driver rules.
 */
export const RdbmsConnectionSchema = Type.Object(
  {
    // Literals written out: Static<> of a mapped array would be `never`.
    driver: Type.Union(
      [Type.Literal('pgsql'), Type.Literal('mysql'), Type.Literal('odbc'), Type.Literal('cockroachdb')],
      {
        description:
          'The client library: `pgsql` (pg), `mysql` (mysql2, also for MariaDB), `odbc` (odbc) or `cockroachdb` ' +
          '(pg: CockroachDB speaks PostgreSQL\'s protocol; the same options as pgsql); a near miss (`"psgql"`) ' +
          'is an error with a suggestion',
      },
    ),
    host: Type.Optional(
      Type.String({ minLength: 1, description: 'pgsql, mysql, cockroachdb (required): server host name or address' }),
    ),
    port: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 65535,
        description:
          'pgsql, mysql, cockroachdb: TCP port; unset: 5432 for pgsql, 3306 for mysql, 26257 for cockroachdb',
      }),
    ),
    database: Type.Optional(
      Type.String({ minLength: 1, description: 'pgsql, mysql, cockroachdb (required): database name' }),
    ),
    username: Type.Optional(
      Type.String({ minLength: 1, description: 'pgsql, mysql, cockroachdb (required): user name' }),
    ),
    password: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'pgsql, mysql, cockroachdb (required): password; never printed (`"***"`)',
      }),
    ),
    settings: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'odbc (required): the ODBC connection string, e.g. `"DSN=mydb"`; its `PWD=` is never printed',
      }),
    ),
    query_timeout: Type.Integer({
      minimum: 1,
      default: 5000,
      description: 'All drivers: the longest a statement may run, in milliseconds',
    }),
    keepalive_interval: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'All drivers: seconds between `SELECT 1` keepalives on each idle live connection; unset: off',
      }),
    ),
    max_start_interval: Type.Integer({
      minimum: 1,
      default: 30,
      description: 'All drivers: cap of the reconnect backoff (base 1 s, doubling, full jitter), in seconds',
    }),
    pipeline: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description:
          `pgsql only (beyond MongooseIM): how many statements one connection runs at once, each sent without ` +
          `waiting for the previous result (pg's pipeline mode); 1 = off. Unset: ${DEFAULT_PG_PIPELINE} for pgsql and cockroachdb. ` +
          'Transactions own their connection while they run; with mysql or odbc only 1 is allowed',
      }),
    ),
    prepare: Type.Optional(
      Type.Boolean({
        description:
          'pgsql only (beyond MongooseIM): a statement with parameters is prepared once per connection (a named ' +
          `server-side statement, up to ${PREPARED_PER_CONNECTION} distinct ones per connection), so later runs send only its ` +
          'parameters. Unset: true for pgsql and cockroachdb. false behind a pooler that does not keep prepared ' +
          'statements (PgBouncer in transaction mode before 1.21); with mysql or odbc not allowed',
      }),
    ),
    tls: Type.Optional(
      Type.With(RdbmsTlsSchema, {
        description:
          'pgsql, mysql, cockroachdb: TLS section (docs/configuration.md, TLS) plus `required`; with odbc an error ' +
          '(TLS comes from the ODBC data source)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an rdbms pool after defaults. */
export type RdbmsConnectionOptions = Static<typeof RdbmsConnectionSchema>;

/** The rdbms TLS section after defaults. */
export type RdbmsTlsOptions = Static<typeof RdbmsTlsSchema>;

/**
 * Fill in the driver-dependent port (5432 for pgsql, 3306 for mysql, 26257 for cockroachdb; odbc
 * has none) and, over the PostgreSQL protocol, `pipeline` ({@link DEFAULT_PG_PIPELINE}).
 */
export function resolveRdbmsOptions(options: RdbmsConnectionOptions): RdbmsConnectionOptions {
  if (options.driver === 'odbc') return options;
  const port = options.port ?? DEFAULT_PORTS[options.driver];
  const pipeline = speaksPg(options) ? (options.pipeline ?? DEFAULT_PG_PIPELINE) : options.pipeline;
  if (port === options.port && pipeline === options.pipeline) return options;
  return { ...options, port, ...(pipeline !== undefined && { pipeline }) };
}

/** The driver speaks PostgreSQL's protocol through `pg` (pgsql, cockroachdb). */
function speaksPg(options: RdbmsConnectionOptions): boolean {
  return options.driver === 'pgsql' || options.driver === 'cockroachdb';
}

/** Statements one connection of this pool runs at once: `pipeline` over the PostgreSQL protocol, 1 for the others. */
export function pgPipelineDepth(options: RdbmsConnectionOptions): number {
  return speaksPg(options) ? (options.pipeline ?? DEFAULT_PG_PIPELINE) : 1;
}

const NETWORK_KEYS = ['host', 'database', 'username', 'password'] as const;
const ODBC_FORBIDDEN = ['host', 'port', 'database', 'username', 'password'] as const;

/** Cross-field rules of an rdbms connection section (paths relative to the pool section). */
export function checkRdbmsOptions(ctx: DriverCheckContext<RdbmsConnectionOptions>): void {
  const c = ctx.connection;
  if (c.driver !== 'pgsql' && c.driver !== 'cockroachdb' && c.pipeline !== undefined && c.pipeline !== 1) {
    ctx.error(
      'connection.pipeline',
      `only allowed with driver = "pgsql" or "cockroachdb" (this pool's driver is "${c.driver}", which runs one statement at a time): use 1 or leave it out`,
    );
  }
  if (c.prepare !== undefined && !speaksPg(c)) {
    ctx.error(
      'connection.prepare',
      `only allowed with driver = "pgsql" or "cockroachdb" (driver "${c.driver}" prepares statements its own way): leave it out`,
    );
  }
  if (c.driver === 'odbc') {
    if (c.settings === undefined) {
      ctx.error(
        'connection.settings',
        'missing required key: driver = "odbc" needs the ODBC connection string (e.g. "DSN=mydb")',
      );
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
      'only allowed with driver = "pgsql" or "cockroachdb": a mysql pool always uses TLS when the tls section is present',
    );
  }
}
