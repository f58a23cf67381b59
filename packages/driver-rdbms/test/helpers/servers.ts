/**
 * The servers the rdbms tests talk to (set up by scripts/services/00-base.sh, 10-rdbms.sh and
 * 11-pg-tls.sh) and one SQL dialect per backend.
 */
import type { RdbmsConnectionOptions } from '@outpools/driver-rdbms';

export const ODBC_DIR = '/tmp/outpools-services/odbc';
// unixODBC reads these when the odbc module opens its environment: set before any test loads it.
process.env['ODBCSYSINI'] = ODBC_DIR;
process.env['ODBCINI'] = `${ODBC_DIR}/odbc.ini`;

export const USER = 'outpools';
export const PASSWORD = 'outpools-test-pw';
export const PG_TLS_DIR = '/tmp/outpools-services/pg-tls';
export const PG_TLS_PORT = 55433;
export const PG_TLS_CA = `${PG_TLS_DIR}/ca.crt`;

const common = { query_timeout: 5000, max_start_interval: 30 } as const;

/** The base PostgreSQL (no TLS, trust auth on loopback). */
export const PG_BASE: RdbmsConnectionOptions = {
  ...common,
  driver: 'pgsql',
  host: '127.0.0.1',
  port: 5432,
  database: 'test',
  username: USER,
  password: PASSWORD,
};

/** The private TLS cluster (ssl=on, scram-sha-256). */
export const PG_TLS: RdbmsConnectionOptions = { ...PG_BASE, port: PG_TLS_PORT };

/** The base MariaDB (no TLS). */
export const MARIADB: RdbmsConnectionOptions = { ...PG_BASE, driver: 'mysql', port: 3306 };

/** The private MariaDB with TLS (scripts/services/10-rdbms.sh). */
export const MARIADB_TLS: RdbmsConnectionOptions = { ...MARIADB, port: 33307 };
export const MARIADB_TLS_CA = '/tmp/outpools-services/mariadb-tls/ca.crt';

export const ODBC_PG: RdbmsConnectionOptions = { ...common, driver: 'odbc', settings: 'DSN=outpools-pg' };
export const ODBC_MARIADB: RdbmsConnectionOptions = { ...common, driver: 'odbc', settings: 'DSN=outpools-mariadb' };

/** What differs between the backends in the tests' SQL. */
export interface Dialect {
  readonly name: string;
  readonly options: RdbmsConnectionOptions;
  /** Placeholder of the i-th parameter (1-based). */
  p(i: number): string;
  /** A query returning the integers 1..n in a column `n`. */
  series(n: number): string;
  /** A statement that sleeps `seconds`. */
  sleep(seconds: number): string;
  /** query_timeout leaves the connection usable (false: the driver gives the connection up). */
  readonly serverStopsTimeouts: boolean;
  /** A text column type. */
  readonly text: string;
}

const pgDialect = {
  p: (i: number) => `$${i}`,
  series: (n: number) => `SELECT g AS n FROM generate_series(1, ${n}) AS g ORDER BY g`,
  sleep: (s: number) => `SELECT pg_sleep(${s})`,
  text: 'text',
};
const qmark = (_i: number): string => '?';
const mariaDialect = {
  p: qmark,
  series: (n: number) => `SELECT seq AS n FROM seq_1_to_${n} ORDER BY seq`,
  sleep: (s: number) => `SELECT SLEEP(${s})`,
  text: 'varchar(200) CHARACTER SET utf8mb4',
};

export const DIALECTS: readonly Dialect[] = [
  { name: 'pgsql', options: PG_BASE, ...pgDialect, serverStopsTimeouts: true },
  { name: 'mysql', options: MARIADB, ...mariaDialect, serverStopsTimeouts: true },
  { name: 'odbc (PostgreSQL driver)', options: ODBC_PG, ...pgDialect, p: qmark, serverStopsTimeouts: true },
  { name: 'odbc (MariaDB driver)', options: ODBC_MARIADB, ...mariaDialect, serverStopsTimeouts: false },
];

/** A table name no other test (or test run) uses. */
export function uniqueTable(prefix: string): string {
  return `outpools_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}
