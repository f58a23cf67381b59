/**
 * The one result shape of all three drivers, the parameter values they accept, and the
 * per-connection contract each backend (pg, mysql2, odbc) implements.
 * @module
 */
import type { CallContext } from '@outpools/core/driver';
import type { RdbmsDriverName } from './schema.js';

/**
 * A value bound to a query parameter (`$1` for pgsql, `?` for mysql and odbc). Values are always
 * sent as parameters, never spliced into the SQL text.
 */
export type SqlValue = string | number | bigint | boolean | null | Date | Uint8Array;

/** A result row: column name to value (types as the client library returns them). */
export type Row = Record<string, unknown>;

/** One column of a result, when the client library reports it. */
export interface FieldInfo {
  readonly name: string;
  /** The library's type identifier: pg's type OID, mysql2's column type, odbc's SQL type name. */
  readonly type?: number | string;
}

/**
 * What a query returns, the same for pgsql, mysql and odbc.
 * @example
 * ```ts
 * const { rows, rowCount } = await db.query<{ id: number }>('SELECT id FROM users WHERE name = $1', ['ann']);
 * ```
 */
export interface QueryResult<R = Row> {
  /** The rows of a SELECT (or RETURNING); empty for other statements. */
  readonly rows: R[];
  /** Rows returned by a SELECT, or rows affected by INSERT/UPDATE/DELETE. */
  readonly rowCount: number;
  /** The result's columns, when the statement returns rows and the library reports them. */
  readonly fields?: readonly FieldInfo[];
}

/** Per-query options. */
export interface QueryOptions {
  /** Cancel the query (the call rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Route by key: the same key runs on the same worker while the worker count is unchanged. */
  readonly hashKey?: string | number;
}

/**
 * What bounds a statement: the sub-deadline of the core's call context (`query_timeout` rides
 * the pool's deadline service through `armTimeout`; no timer per statement).
 */
export type StatementBound = Pick<CallContext, 'armTimeout' | 'disarmTimeout'>;

/**
 * What bounds and cancels a statement: the core's call context, its sub-deadline and its one
 * abort channel (`onAbort`, no `AbortController` per call).
 */
export type StatementCall = Pick<CallContext, 'onAbort' | 'armTimeout' | 'disarmTimeout'>;

/**
 * One open database connection as the client API drives it (one per worker). Internal contract
 * between the client and the backends; exported for the conformance suite and tests.
 */
export interface RdbmsConnection {
  readonly driver: RdbmsDriverName;
  /** The pool's `query_timeout` in ms (bounds keepalive pings too). */
  readonly queryTimeoutMs: number;
  /**
   * Run one statement; with `call`, bounded by `query_timeout` (on the call's sub-deadline) and
   * cancelled on the server when the call aborts. Without `call` it is not bounded client-side.
   */
  query(sql: string, params: readonly SqlValue[] | undefined, call?: StatementCall): Promise<QueryResult>;
  /** `SELECT 1`, bounded by `query_timeout` (a slower reply rejects with `QueryTimeoutError`). */
  ping(call: StatementCall): Promise<unknown>;
  /** Start a transaction (autocommit off until commit/rollback); `call` bounds it by `query_timeout`. */
  begin(call?: StatementBound): Promise<void>;
  commit(call?: StatementBound): Promise<void>;
  rollback(call?: StatementBound): Promise<void>;
  /** Close; never throws, also for a broken connection. */
  close(): Promise<void>;
}
