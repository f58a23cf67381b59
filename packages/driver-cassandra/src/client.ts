/**
 * The typed client of a cassandra pool: `execute` (prepared by default), `batch`, paging by
 * page state or with async iterators, and a consistency level per call. Each call (each page)
 * is one `pool.run`, so the pool's strategy, `call_timeout` and reconnects apply to it.
 * @module
 */
import type { PoolHandle, RunOptions } from '@outpools/core/driver';
import type { QueryOptions } from 'cassandra-driver';
import type { CassandraConnection } from './connect.js';
import { consistencyCode } from './consistency.js';
import { mapCallError } from './errors.js';
import type {
  BatchOptions,
  BatchStatement,
  CassandraResult,
  CassandraRow,
  CqlParams,
  ExecuteOptions,
  StatementOptions,
} from './types.js';

/** The typed client of a cassandra pool (`pools.get(cassandraDriver, host, tag)`). */
export interface CassandraClient {
  /**
   * Run one CQL statement with its bound values on a worker of the pool. Prepared by default
   * (each worker prepares a statement once and reuses it).
   * @example
   * ```ts
   * const result = await cassandra.execute('SELECT name FROM users WHERE id = ?', [id], { consistency: 'quorum' });
   * const name = result.first()?.['name'];
   * ```
   */
  execute<R extends object = CassandraRow>(
    cql: string,
    params?: CqlParams,
    options?: ExecuteOptions,
  ): Promise<CassandraResult<R>>;
  /**
   * Run statements as one batch (logged by default), all on one worker.
   * @example
   * ```ts
   * await cassandra.batch([
   *   { query: 'INSERT INTO users (id, name) VALUES (?, ?)', params: [id, 'ada'] },
   *   { query: 'INSERT INTO users_by_name (name, id) VALUES (?, ?)', params: ['ada', id] },
   * ], { consistency: 'quorum' });
   * ```
   */
  batch(statements: readonly BatchStatement[], options?: BatchOptions): Promise<CassandraResult>;
  /**
   * Read a query page by page (`fetchSize` rows each, default 5000), one pool call per page.
   * @example
   * ```ts
   * for await (const page of cassandra.pages('SELECT * FROM events WHERE day = ?', [day], { fetchSize: 100 })) {
   *   handle(page.rows);
   * }
   * ```
   */
  pages<R extends object = CassandraRow>(
    cql: string,
    params?: CqlParams,
    options?: ExecuteOptions,
  ): AsyncIterableIterator<CassandraResult<R>>;
  /**
   * Read every row of a query, fetching the next page when the current one is used up.
   * @example
   * ```ts
   * for await (const row of cassandra.rows('SELECT id FROM users', [], { fetchSize: 500 })) count += 1;
   * ```
   */
  rows<R extends object = CassandraRow>(
    cql: string,
    params?: CqlParams,
    options?: ExecuteOptions,
  ): AsyncIterableIterator<R>;
}

/** The library options of the common case (prepared, nothing else): built once. */
const PREPARED: QueryOptions = Object.freeze({ prepare: true });
const EMPTY: readonly unknown[] = Object.freeze([]);

function statementOptions(options: StatementOptions): QueryOptions {
  const out: QueryOptions = { prepare: options.prepare ?? true };
  if (options.consistency !== undefined) out.consistency = consistencyCode(options.consistency);
  if (options.serialConsistency !== undefined) out.serialConsistency = consistencyCode(options.serialConsistency);
  if (options.idempotent !== undefined) out.isIdempotent = options.idempotent;
  if (options.timestamp !== undefined) out.timestamp = options.timestamp;
  return out;
}

/** cassandra-driver's options for one `execute`. */
export function executeQueryOptions(options: ExecuteOptions | undefined): QueryOptions {
  if (options === undefined) return PREPARED;
  const out = statementOptions(options);
  if (options.fetchSize !== undefined) out.fetchSize = options.fetchSize;
  if (options.pageState !== undefined) out.pageState = options.pageState;
  if (options.traceQuery !== undefined) out.traceQuery = options.traceQuery;
  return out;
}

/** cassandra-driver's options for one `batch`. */
export function batchQueryOptions(options: BatchOptions | undefined): QueryOptions {
  const out = statementOptions(options ?? {});
  if (options?.logged !== undefined) out.logged = options.logged;
  if (options?.counter !== undefined) out.counter = options.counter;
  return out;
}

/**
 * Build the client of one pool. `secrets` are scrubbed from every error message.
 * @internal
 */
export function createCassandraClient(
  pool: PoolHandle<CassandraConnection>,
  secrets: readonly string[],
): CassandraClient {
  const mapError = (error: unknown): unknown => mapCallError(error, secrets);
  const plain: RunOptions = { mapError };
  const idempotent: RunOptions = { mapError, retryOnLost: true };
  const runOptions = (options: StatementOptions | undefined): RunOptions => {
    if (options === undefined) return plain;
    const base = options.idempotent === true ? idempotent : plain;
    if (options.signal === undefined && options.hashKey === undefined) return base;
    return {
      ...base,
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.hashKey !== undefined && { hashKey: options.hashKey }),
    };
  };

  const execute = <R extends object = CassandraRow>(
    cql: string,
    params?: CqlParams,
    options?: ExecuteOptions,
  ): Promise<CassandraResult<R>> => {
    const values = (params ?? EMPTY) as unknown[];
    const queryOptions = executeQueryOptions(options);
    return pool.run(
      (c) => c.client.execute(cql, values, queryOptions) as unknown as Promise<CassandraResult<R>>,
      runOptions(options),
    );
  };

  async function* pages<R extends object = CassandraRow>(
    cql: string,
    params?: CqlParams,
    options: ExecuteOptions = {},
  ): AsyncIterableIterator<CassandraResult<R>> {
    let pageState = options.pageState;
    for (;;) {
      const page: CassandraResult<R> = await execute<R>(cql, params, {
        ...options,
        ...(pageState !== undefined && { pageState }),
      });
      yield page;
      if (page.pageState === null || page.pageState === undefined || page.pageState === '') return;
      pageState = page.pageState;
    }
  }

  async function* rows<R extends object = CassandraRow>(
    cql: string,
    params?: CqlParams,
    options?: ExecuteOptions,
  ): AsyncIterableIterator<R> {
    for await (const page of pages<R>(cql, params, options)) yield* page.rows;
  }

  return {
    execute,
    batch(statements, options) {
      const queries = statements.map((s) =>
        typeof s === 'string' ? s : { query: s.query, params: (s.params ?? EMPTY) as unknown[] },
      );
      const queryOptions = batchQueryOptions(options);
      return pool.run(
        (c) => c.client.batch(queries, queryOptions) as unknown as Promise<CassandraResult>,
        runOptions(options),
      );
    },
    pages,
    rows,
  };
}
