/**
 * Lazy loading of the client libraries: `pg`, `mysql2` and `odbc` are optional peer
 * dependencies, imported only when a pool selects them. A missing one is a
 * {@link ClientLibraryMissingError} naming the package to install.
 * @module
 */
import { ClientLibraryMissingError } from './errors.js';

/** The `pg` module. */
export type PgModule = typeof import('pg');
/** The `mysql2` module. */
export type Mysql2Module = typeof import('mysql2');
/** The `odbc` module. */
export type OdbcModule = typeof import('odbc');

let pg: Promise<PgModule> | undefined;
let mysql2: Promise<Mysql2Module> | undefined;
let odbc: Promise<OdbcModule> | undefined;

function unwrap<M>(mod: unknown): M {
  const inner = (mod as { default?: M }).default;
  return inner ?? (mod as M);
}

/**
 * Import an optional client library; a failure becomes a {@link ClientLibraryMissingError}
 * naming the package to install. Exported for tests.
 */
export function importOptional<M>(importer: () => Promise<unknown>, packageName: string, driver: string): Promise<M> {
  return importer().then(unwrap<M>, (error: unknown) => {
    throw new ClientLibraryMissingError(packageName, driver, { cause: error });
  });
}

/** `pg`, loaded once (a failed load is retried on the next call). */
export function loadPg(): Promise<PgModule> {
  pg ??= importOptional<PgModule>(() => import('pg'), 'pg', 'pgsql').catch((error: unknown) => {
    pg = undefined;
    throw error;
  });
  return pg;
}

/** `mysql2`, loaded once (a failed load is retried on the next call). */
export function loadMysql2(): Promise<Mysql2Module> {
  mysql2 ??= importOptional<Mysql2Module>(() => import('mysql2'), 'mysql2', 'mysql').catch((error: unknown) => {
    mysql2 = undefined;
    throw error;
  });
  return mysql2;
}

/** `odbc`, loaded once (a failed load is retried on the next call). */
export function loadOdbc(): Promise<OdbcModule> {
  odbc ??= importOptional<OdbcModule>(() => import('odbc'), 'odbc', 'odbc').catch((error: unknown) => {
    odbc = undefined;
    throw error;
  });
  return odbc;
}
