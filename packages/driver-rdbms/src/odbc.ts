/**
 * The odbc backend: one `odbc` connection per worker, opened from the `settings` connection
 * string (a DSN or a full `Driver=...;` string). TLS comes from the data source.
 *
 * - `query_timeout` is passed as the statement's query timeout (whole seconds, rounded up).
 *   Some ODBC drivers ignore it (MariaDB Connector/ODBC does for `SLEEP()`), so a client-side
 *   deadline (the call's sub-deadline, `ctx.armTimeout`) fires {@link ODBC_CLIENT_GRACE_MS} later: the caller gets {@link QueryTimeoutError} and
 *   the connection is reported lost (it is still busy) and replaced.
 * - The odbc library has no connection events: a statement failing with a connection-class
 *   SQLSTATE (`08xxx`) or a "server gone" message reports the connection lost; keepalive pings
 *   find the rest.
 * @module
 */
import { messageOf, type ConnectContext } from '@outpools/core/driver';
import { QueryError, QueryTimeoutError, RdbmsConnectError, scrubSecrets } from './errors.js';
import { loadOdbc, type OdbcModule } from './load.js';
import type { RdbmsConnectionOptions } from './schema.js';
import type { FieldInfo, QueryResult, RdbmsConnection, Row, SqlValue, StatementBound, StatementCall } from './types.js';
import { settleWithin } from './util.js';

/** How much later than the statement's query timeout the client-side timer fires. */
export const ODBC_CLIENT_GRACE_MS = 250;

type OdbcConnection = Awaited<ReturnType<OdbcModule['connect']>>;
interface OdbcErrorLike {
  readonly message: string;
  readonly odbcErrors?: readonly { readonly state?: string; readonly code?: number; readonly message?: string }[];
}
type OdbcParam = string | number | bigint | null | Buffer;

const LOST_PATTERN =
  /gone away|lost connection|server closed the connection|no connection to the server|could not send data|connection (?:is )?(?:dead|closed|broken)|terminating connection|communication link failure/i;

/** Open an odbc connection. */
export async function connectOdbc(options: RdbmsConnectionOptions, ctx: ConnectContext): Promise<RdbmsConnection> {
  const odbc = await loadOdbc();
  const settings = options.settings;
  if (settings === undefined) throw new TypeError('driver = "odbc" needs settings (an ODBC connection string)');
  const loginSeconds = Math.max(1, Math.ceil(Math.max(options.query_timeout, 5000) / 1000));
  let conn: OdbcConnection;
  try {
    conn = await odbc.connect({ connectionString: settings, loginTimeout: loginSeconds });
  } catch (error) {
    throw new RdbmsConnectError(
      `odbc: cannot connect (${scrubSecrets(settings)}): ${scrubSecrets(odbcMessage(error))}`,
      {
        cause: error,
      },
    );
  }
  if (ctx.signal.aborted) {
    await settleWithin(conn.close(), 1000);
    throw new RdbmsConnectError('odbc: connection attempt aborted');
  }
  return new OdbcRdbmsConnection(conn, options.query_timeout, ctx);
}

class OdbcRdbmsConnection implements RdbmsConnection {
  readonly driver = 'odbc' as const;
  readonly queryTimeoutMs: number;
  readonly #conn: OdbcConnection;
  readonly #ctx: ConnectContext;
  readonly #timeoutSeconds: number;

  constructor(conn: OdbcConnection, queryTimeoutMs: number, ctx: ConnectContext) {
    this.#conn = conn;
    this.queryTimeoutMs = queryTimeoutMs;
    this.#ctx = ctx;
    this.#timeoutSeconds = Math.max(1, Math.ceil(queryTimeoutMs / 1000));
  }

  /**
   * The call's abort is not used: the odbc library cannot cancel a running statement from
   * another thread. `call` bounds it client-side (see the module notes).
   */
  query(sql: string, params: readonly SqlValue[] | undefined, call?: StatementCall): Promise<QueryResult> {
    return this.#run(sql, params, call, this.#timeoutSeconds * 1000 + ODBC_CLIENT_GRACE_MS);
  }

  /** `SELECT 1`, bounded by `query_timeout` itself. */
  ping(call: StatementCall): Promise<unknown> {
    return this.#run('SELECT 1', undefined, call, this.queryTimeoutMs);
  }

  #run(
    sql: string,
    params: readonly SqlValue[] | undefined,
    call: StatementBound | undefined,
    clientMs: number,
  ): Promise<QueryResult> {
    const values = (params ?? []).map(toOdbcValue) as (string | number)[];
    const run = this.#conn.query<Row, { timeout: number }>(sql, values, { timeout: this.#timeoutSeconds });
    if (call === undefined) {
      return run.then(toResult, (error: unknown) => Promise.reject(this.#mapError(error)));
    }
    return new Promise<QueryResult>((resolve, reject) => {
      let done = false;
      call.armTimeout(clientMs, () => {
        if (done) return;
        done = true;
        const error = new QueryTimeoutError(this.queryTimeoutMs);
        this.#ctx.lost(error);
        reject(error);
      });
      run.then(
        (result) => {
          if (done) return;
          done = true;
          call.disarmTimeout();
          resolve(toResult(result));
        },
        (error: unknown) => {
          if (done) return;
          done = true;
          call.disarmTimeout();
          reject(this.#mapError(error));
        },
      );
    });
  }

  async begin(): Promise<void> {
    await this.#call(() => this.#conn.beginTransaction());
  }
  async commit(): Promise<void> {
    await this.#call(() => this.#conn.commit());
  }
  async rollback(): Promise<void> {
    await this.#call(() => this.#conn.rollback());
  }

  async close(): Promise<void> {
    await settleWithin(this.#conn.close(), 2000);
  }

  async #call(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      throw this.#mapError(error);
    }
  }

  #mapError(error: unknown): unknown {
    if (error instanceof QueryTimeoutError) return error;
    const first = (error as OdbcErrorLike).odbcErrors?.[0];
    const message = odbcMessage(error);
    const state = first?.state;
    if (state?.startsWith('08') || LOST_PATTERN.test(message)) {
      this.#ctx.lost(error);
    }
    if (state === 'HYT00' || state === '57014') {
      return new QueryTimeoutError(this.queryTimeoutMs, { cause: error });
    }
    return new QueryError(`odbc: ${scrubSecrets(message)}`, state, { cause: error });
  }
}

/** The driver's own message when the odbc library reports one, else the library's. */
function odbcMessage(error: unknown): string {
  const first = (error as OdbcErrorLike).odbcErrors?.[0];
  return first?.message ? first.message.replace(/;\s*\n/g, '; ').trim() : messageOf(error);
}

function toOdbcValue(value: SqlValue): OdbcParam {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

interface OdbcResultLike extends Array<Row> {
  readonly count?: number;
  readonly columns?: readonly { readonly name: string; readonly dataTypeName?: string }[];
}

function toResult(result: OdbcResultLike): QueryResult {
  const columns = result.columns ?? [];
  if (columns.length === 0) return { rows: [], rowCount: Math.max(0, result.count ?? 0) };
  const rows = Array.prototype.slice.call(result) as Row[];
  const fields: FieldInfo[] = columns.map((c) =>
    c.dataTypeName === undefined ? { name: c.name } : { name: c.name, type: c.dataTypeName },
  );
  return { rows, rowCount: rows.length, fields };
}
