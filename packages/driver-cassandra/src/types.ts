/**
 * The public shapes of the cassandra client: rows, results, statements and per-call options.
 * @module
 */
import type { Consistency } from './consistency.js';

/** One row: column name to value (cassandra-driver's `Row`). */
export interface CassandraRow {
  readonly [column: string]: unknown;
}

/** Bound values of a statement: by position (`?`) or by name (`:name`). */
export type CqlParams = readonly unknown[] | Readonly<Record<string, unknown>>;

/** One column of a result. `type.code` is the native protocol's data type code. */
export interface CassandraColumn {
  readonly name: string;
  readonly type: { readonly code: number };
}

/** The result of one statement or one page (cassandra-driver's `ResultSet`). */
export interface CassandraResult<R extends object = CassandraRow> {
  /** The rows of this page (empty for writes). */
  readonly rows: R[];
  /** `rows.length`. */
  readonly rowLength: number;
  /** The columns, or `undefined`/`null` for a statement without rows. */
  readonly columns: readonly CassandraColumn[] | null | undefined;
  /**
   * Where the next page starts (hex), or `null`/`undefined` when this was the last page. Pass it
   * back as `pageState` to read on.
   */
  readonly pageState: string | null | undefined;
  /** Which node answered and with what consistency. */
  readonly info: {
    readonly queriedHost: string;
    readonly achievedConsistency: number;
    readonly warnings: readonly string[] | null | undefined;
  };
  /** The first row, or `null`. */
  first(): R | null;
  /** For a lightweight transaction (`IF ...`): whether it was applied. */
  wasApplied(): boolean;
}

/** Options common to {@link ExecuteOptions} and {@link BatchOptions}. */
export interface StatementOptions {
  /** Consistency level of this call (default: cassandra-driver's, `localOne`). */
  readonly consistency?: Consistency;
  /** Serial consistency for lightweight transactions. */
  readonly serialConsistency?: Consistency;
  /** Prepare the statement(s) (cached per worker) instead of sending them as text. Default true. */
  readonly prepare?: boolean;
  /**
   * The statement may safely run twice: cassandra-driver may retry it on another node, and a
   * call that lost its connection runs once more on another worker.
   */
  readonly idempotent?: boolean;
  /** Write timestamp in microseconds since the epoch (default: the server's clock). */
  readonly timestamp?: number;
  /** The caller's own cancellation (the call rejects with the signal's reason). */
  readonly signal?: AbortSignal;
  /** Route by key: the same key goes to the same worker while the worker count is unchanged. */
  readonly hashKey?: string | number;
}

/** Options of `execute`. */
export interface ExecuteOptions extends StatementOptions {
  /** Rows per page: the result holds at most this many and a `pageState` when there are more. */
  readonly fetchSize?: number;
  /** Continue reading from a previous page's `pageState`. */
  readonly pageState?: string;
  /** Ask the server to trace the statement (the trace id is in `info`). */
  readonly traceQuery?: boolean;
}

/** Options of `batch`. */
export interface BatchOptions extends StatementOptions {
  /** A logged batch (atomic through the batch log). Default true. */
  readonly logged?: boolean;
  /** A counter batch (only counter updates). Default false. */
  readonly counter?: boolean;
}

/** One statement of a batch: CQL text, or CQL with its bound values. */
export type BatchStatement = string | { readonly query: string; readonly params?: CqlParams };
