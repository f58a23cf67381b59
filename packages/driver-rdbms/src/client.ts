/**
 * The typed API of an rdbms pool: `query()` and `transaction()`, built on `pool.run()`.
 * @module
 */
import { raceAbort, type CallContext, type PoolHandle, type RunOptions } from '@outpools/core/driver';
import { TransactionClosedError } from './errors.js';
import type { RdbmsDriverName } from './schema.js';
import type { QueryOptions, QueryResult, RdbmsConnection, Row, SqlValue } from './types.js';

/** The statements a transaction runs; only valid while the transaction function runs. */
export interface RdbmsTransaction {
  /** Run one statement inside the transaction. */
  query<R = Row>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<R>>;
}

/**
 * What `pools.get(rdbmsDriver, host, tag)` returns.
 * @example
 * ```ts
 * const db = pools.get(rdbmsDriver, 'global', 'default');
 * const { rows } = await db.query<{ n: number }>('SELECT $1::int AS n', [42]);
 * await db.transaction(async (tx) => {
 *   await tx.query('UPDATE accounts SET balance = balance - $1 WHERE id = $2', [10, 1]);
 *   await tx.query('UPDATE accounts SET balance = balance + $1 WHERE id = $2', [10, 2]);
 * });
 * ```
 */
export interface RdbmsClient {
  /** The pool's driver: parameters are `$1, $2...` for pgsql and `?` for mysql and odbc. */
  readonly driver: RdbmsDriverName;
  /**
   * Run one statement with parameters on a worker chosen by the pool's strategy. A SQL error
   * rejects with `QueryError` (the worker stays live); a statement longer than `query_timeout`
   * rejects with `QueryTimeoutError`. When the call times out (`call_timeout`) or
   * `options.signal` aborts, the statement is cancelled on the server (pgsql, mysql).
   */
  query<R = Row>(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<QueryResult<R>>;
  /**
   * Run `fn` in a transaction on one worker: commits when `fn` resolves, rolls back when it
   * throws or when the call times out (`call_timeout`), and settles with `fn`'s outcome. On a
   * pipelined pgsql pool the transaction owns its connection while it runs: it waits for the
   * statements in flight there, and other calls go to other workers (or wait) until it ends.
   */
  transaction<T>(fn: (tx: RdbmsTransaction) => Promise<T>, options?: QueryOptions): Promise<T>;
}

function runOptions(options: QueryOptions | undefined): RunOptions | undefined {
  if (options === undefined) return undefined;
  return {
    ...(options.signal !== undefined && { signal: options.signal }),
    ...(options.hashKey !== undefined && { hashKey: options.hashKey }),
  };
}

/** A transaction owns its worker's connection while it runs (a pipelined pgsql connection runs many calls at once). */
const EXCLUSIVE: RunOptions = { exclusive: true };

function transactionOptions(options: QueryOptions | undefined): RunOptions {
  return options === undefined ? EXCLUSIVE : { ...runOptions(options), exclusive: true };
}

/** Build the client of one rdbms pool. */
export function createRdbmsClient(pool: PoolHandle<RdbmsConnection>, driver: RdbmsDriverName): RdbmsClient {
  return {
    driver,
    query<R = Row>(sql: string, params?: readonly SqlValue[], options?: QueryOptions): Promise<QueryResult<R>> {
      return pool.run(
        (connection, ctx) => connection.query(sql, params, ctx) as Promise<QueryResult<R>>,
        runOptions(options),
      );
    },
    transaction<T>(fn: (tx: RdbmsTransaction) => Promise<T>, options?: QueryOptions): Promise<T> {
      return pool.run((connection, ctx) => runTransaction(connection, ctx, fn), transactionOptions(options));
    },
  };
}

async function runTransaction<T>(
  connection: RdbmsConnection,
  ctx: CallContext,
  fn: (tx: RdbmsTransaction) => Promise<T>,
): Promise<T> {
  const signal = ctx.signal;
  await connection.begin(ctx);
  let open = true;
  const tx: RdbmsTransaction = {
    query<R = Row>(sql: string, params?: readonly SqlValue[]): Promise<QueryResult<R>> {
      if (!open) return Promise.reject(new TransactionClosedError());
      return connection.query(sql, params, ctx) as Promise<QueryResult<R>>;
    },
  };
  let result: T;
  try {
    result = await raceAbort(
      Promise.resolve().then(() => fn(tx)),
      signal,
    );
  } catch (error) {
    open = false;
    await connection.rollback(ctx).catch(() => undefined);
    throw error;
  }
  open = false;
  if (signal.aborted) {
    await connection.rollback(ctx).catch(() => undefined);
    throw signal.reason;
  }
  await connection.commit(ctx);
  return result;
}
