/**
 * The mysql backend (MySQL and MariaDB): one `mysql2` connection per worker.
 *
 * - Queries with parameters run as server-side prepared statements (`execute`): values never
 *   enter the SQL text. Queries without parameters use the text protocol.
 * - `query_timeout` is the call's sub-deadline (`ctx.armTimeout`, on the pool's one deadline
 *   service). When it fires, or when the call is aborted (`call_timeout`, the caller's signal)
 *   after the statement was sent, `KILL QUERY <thread id>` is sent on the connection's side
 *   connection and the sub-deadline is armed again for {@link MYSQL_KILL_GRACE_MS}: the
 *   statement then ends (interrupted) and the call ends with it ({@link QueryTimeoutError}, or
 *   the abort's reason). Until then the worker stays busy, so no statement piles up behind it in
 *   mysql2's queue. When the statement has not ended within the grace (the server does not
 *   answer: a dead or half-open connection), the side connection is dropped and the connection
 *   is reported lost, as pgsql does.
 * - The side connection is opened (one login) at the first kill and kept for the next ones
 *   until the connection closes; one that failed to answer is dropped and opened again later.
 * - TLS: with a `tls` section, TLS is always required. mysql2 cannot take a custom
 *   `checkServerIdentity`, and skips the host name check for IP addresses, so the driver wraps
 *   the connection's TLS upgrade: when the handshake completes (before the authentication
 *   packet, which carries the password hash, is sent) it runs `ctx.verifyTls` and the host name
 *   check itself.
 * @module
 */
import { messageOf, type ConnectContext } from '@outpools/core/driver';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { QueryError, QueryTimeoutError, RdbmsConnectError, scrubSecrets } from './errors.js';
import { loadMysql2, type Mysql2Module } from './load.js';
import type { RdbmsConnectionOptions } from './schema.js';
import { describeTarget, networkTarget, type NetworkTarget } from './target.js';
import type { FieldInfo, QueryResult, RdbmsConnection, Row, SqlValue, StatementBound, StatementCall } from './types.js';
import { settleWithin } from './util.js';

/** How long `KILL QUERY` (side connection, login, kill) may take after `query_timeout` fired. */
export const MYSQL_KILL_GRACE_MS = 1000;

/** Why a kill is given up: the statement ended (the side connection is kept), or no answer in time (dropped). */
const KILL_DONE = 'statement ended';
const KILL_GIVEN_UP = 'no answer';

type MysqlConnection = ReturnType<Mysql2Module['createConnection']>;
type Callback = (error: Error | null, rows?: unknown, fields?: unknown) => void;
interface MysqlInternals {
  threadId: number | null;
  stream: TLSSocket & NodeJS.EventEmitter;
  startTLS(onSecure: (error?: Error) => void): void;
  query(sql: string, cb: Callback): void;
  execute(sql: string, values: unknown[], cb: Callback): void;
  end(cb: (error?: Error) => void): void;
  destroy(): void;
  connect(cb: (error: Error | null) => void): void;
  on(event: string, listener: (...args: never[]) => void): void;
}

/** Open a mysql connection. */
export async function connectMysql(options: RdbmsConnectionOptions, ctx: ConnectContext): Promise<RdbmsConnection> {
  const mysql = await loadMysql2();
  const target = networkTarget(options, 'mysql');
  const live = { value: false };
  const conn = await openMysql(mysql, target, options, ctx, ctx.signal, (error) => {
    if (live.value) ctx.lost(error);
  });
  live.value = true;
  const openSide = (signal: AbortSignal, broken: () => void): Promise<MysqlInternals> =>
    openMysql(mysql, target, options, ctx, signal, broken);
  return new MysqlRdbmsConnection(conn, openSide, options.query_timeout, ctx);
}

/**
 * Open one mysql2 connection. It has no connect timer of its own: `signal` (the core's bound of
 * the attempt, or the kill's grace for a side connection) destroys it.
 */
async function openMysql(
  mysql: Mysql2Module,
  target: NetworkTarget,
  options: RdbmsConnectionOptions,
  ctx: Pick<ConnectContext, 'tls' | 'verifyTls'>,
  signal: AbortSignal,
  onBroken: (error: Error) => void,
): Promise<MysqlInternals> {
  const tls = options.tls === undefined ? undefined : (ctx.tls ?? {});
  const conn = mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    charset: 'utf8mb4',
    connectTimeout: 0, // bounded by `signal`, not by a mysql2 timer
    supportBigNumbers: true,
    enableKeepAlive: true,
    ...(tls !== undefined && { ssl: mysqlSsl(tls) }),
  }) as unknown as MysqlConnection & MysqlInternals;
  conn.on('error', (error: Error) => onBroken(error));
  conn.on('end', () => onBroken(new Error('the MySQL connection ended')));
  if (tls !== undefined) wrapTls(conn, tls, target.host, ctx);
  const abort = (): void => conn.destroy();
  signal.addEventListener('abort', abort, { once: true });
  try {
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new Error('connection attempt aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      conn.connect((error) => {
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      });
    });
  } catch (error) {
    conn.destroy();
    throw new RdbmsConnectError(
      `mysql: cannot connect${tls ? ' with TLS' : ''} to ${describeTarget(target)}: ${scrubSecrets(messageOf(error), [target.password])}`,
      { cause: error },
    );
  } finally {
    signal.removeEventListener('abort', abort);
  }
  return conn;
}

function mysqlSsl(tls: ConnectionOptions): Record<string, unknown> {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    passphrase: tls.passphrase,
    ciphers: tls.ciphers,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
    rejectUnauthorized: tls.rejectUnauthorized !== false,
    verifyIdentity: false, // checked in wrapTls, also for IP addresses and SNI host overrides
  };
}

/** Verify the peer as soon as the TLS handshake completes, before mysql2 sends the auth packet. */
function wrapTls(
  conn: MysqlInternals,
  tls: ConnectionOptions,
  host: string,
  ctx: Pick<ConnectContext, 'verifyTls'>,
): void {
  const startTLS = conn.startTLS.bind(conn);
  conn.startTLS = (onSecure) =>
    startTLS((error) => {
      if (error) return onSecure(error);
      try {
        const socket = conn.stream;
        ctx.verifyTls(socket);
        if (tls.rejectUnauthorized !== false) {
          const check = tls.checkServerIdentity ?? process.getBuiltinModule('node:tls').checkServerIdentity;
          const mismatch = check(tls.servername ?? host, socket.getPeerCertificate(true));
          if (mismatch) throw mismatch;
        }
      } catch (failure) {
        return onSecure(failure instanceof Error ? failure : new Error(String(failure)));
      }
      onSecure();
    });
}

/** Opens a side connection for `KILL QUERY`; `broken` runs when it breaks later. */
type OpenSide = (signal: AbortSignal, broken: () => void) => Promise<MysqlInternals>;

class MysqlRdbmsConnection implements RdbmsConnection {
  readonly driver = 'mysql' as const;
  readonly queryTimeoutMs: number;
  readonly #conn: MysqlInternals;
  readonly #openSide: OpenSide;
  readonly #ctx: ConnectContext;
  #kill: AbortController | undefined = undefined;
  /** The side connection for `KILL QUERY` (opening or open), reused from one kill to the next. */
  #side: Promise<MysqlInternals> | undefined = undefined;
  #closed = false;

  constructor(conn: MysqlInternals, openSide: OpenSide, queryTimeoutMs: number, ctx: ConnectContext) {
    this.#conn = conn;
    this.#openSide = openSide;
    this.queryTimeoutMs = queryTimeoutMs;
    this.#ctx = ctx;
  }

  query(sql: string, params: readonly SqlValue[] | undefined, call?: StatementCall): Promise<QueryResult> {
    return this.#send(sql, params, call, call);
  }

  ping(call: StatementCall): Promise<unknown> {
    return this.#send('SELECT 1', undefined, call, call);
  }

  #send(
    sql: string,
    params: readonly SqlValue[] | undefined,
    bound: StatementBound | undefined,
    abortable: StatementCall | undefined,
  ): Promise<QueryResult> {
    return new Promise<QueryResult>((resolve, reject) => {
      let done = false;
      let sent = false;
      /** Why the statement is being stopped (query_timeout, or the call's abort): the call ends with it. */
      let stopped: { readonly reason: unknown } | undefined;
      /** The KILL QUERY in flight: it lives no longer than the statement it stops. */
      let kill: AbortController | undefined;
      /** `giveUp`: the kill got no answer in time (its side connection is dropped); else the statement ended. */
      const endKill = (giveUp: boolean): void => {
        if (kill === undefined) return;
        kill.abort(giveUp ? KILL_GIVEN_UP : KILL_DONE);
        if (this.#kill === kill) this.#kill = undefined;
      };
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        bound?.disarmTimeout();
        return true;
      };
      /** Stop the sent statement: KILL QUERY, bounded by the grace; past it the connection is lost. */
      const stop = (reason: unknown): void => {
        if (stopped !== undefined) return;
        stopped = { reason };
        kill = new AbortController();
        this.#kill = kill;
        void this.killQuery(kill.signal);
        const grace = (): void => {
          endKill(true);
          if (!finish()) return;
          // still busy with a statement that the kill did not stop: replace the connection
          this.#ctx.lost(new Error(`mysql: the statement did not end within ${MYSQL_KILL_GRACE_MS} ms of KILL QUERY`));
          this.#conn.destroy();
          reject(reason);
        };
        if (bound !== undefined) bound.armTimeout(MYSQL_KILL_GRACE_MS, grace);
      };
      if (abortable !== undefined) {
        abortable.onAbort((reason) => {
          if (done) return;
          if (sent) return stop(reason); // the call ends when the statement does
          finish();
          reject(reason);
        });
        if (done) return;
      }
      bound?.armTimeout(this.queryTimeoutMs, () => {
        if (!done) stop(new QueryTimeoutError(this.queryTimeoutMs));
      });
      sent = true;
      const callback: Callback = (error, rows, fields) => {
        endKill(false);
        if (!finish()) return;
        if (stopped !== undefined) reject(stopped.reason);
        else if (error) reject(this.#mapError(error));
        else resolve(toResult(rows, fields));
      };
      if (params === undefined || params.length === 0) this.#conn.query(sql, callback);
      else this.#conn.execute(sql, params.map(toMysqlValue), callback);
    });
  }

  async begin(call?: StatementBound): Promise<void> {
    await this.#send('START TRANSACTION', undefined, call, undefined);
  }
  async commit(call?: StatementBound): Promise<void> {
    await this.#send('COMMIT', undefined, call, undefined);
  }
  async rollback(call?: StatementBound): Promise<void> {
    await this.#send('ROLLBACK', undefined, call, undefined);
  }

  /**
   * Stop this connection's running statement on the server (`KILL QUERY` on the side
   * connection, opened at the first kill and kept). Best effort; `signal` gives up on it: an
   * unanswered kill drops the side connection (the next kill opens another).
   */
  async killQuery(signal: AbortSignal): Promise<void> {
    const threadId = this.#conn.threadId;
    if (threadId === null || this.#closed) return;
    let answered = false;
    const side = this.#sideConnection(signal);
    const drop = (): void => {
      if (!answered && signal.reason !== KILL_DONE) this.#dropSide(side);
    };
    signal.addEventListener('abort', drop, { once: true });
    try {
      const opened = await side;
      await new Promise<void>((resolve) => opened.query(`KILL QUERY ${Number(threadId)}`, () => resolve()));
      answered = true;
    } catch {
      // best effort: the statement then runs to its end on the server, or the grace gives up on it
      this.#dropSide(side);
    } finally {
      signal.removeEventListener('abort', drop);
    }
  }

  /** The side connection, opened on first use (its login bounded by the first kill's `signal`). */
  #sideConnection(signal: AbortSignal): Promise<MysqlInternals> {
    if (this.#side !== undefined) return this.#side;
    const side: Promise<MysqlInternals> = this.#openSide(signal, () => this.#dropSide(side));
    side.catch(() => this.#dropSide(side));
    this.#side = side;
    return side;
  }

  #dropSide(side: Promise<MysqlInternals>): void {
    if (this.#side === side) this.#side = undefined;
    side.then(
      (conn) => conn.destroy(),
      () => undefined,
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#kill?.abort(KILL_GIVEN_UP);
    const side = this.#side;
    this.#side = undefined;
    if (side !== undefined) this.#dropSide(side);
    const ended = await settleWithin(new Promise<void>((resolve) => this.#conn.end(() => resolve())), 2000);
    if (!ended) this.#conn.destroy();
  }

  #mapError(error: Error): unknown {
    const e = error as Error & { sqlState?: string; code?: string; fatal?: boolean; errno?: number };
    if (e.fatal) {
      this.#ctx.lost(error);
      return error;
    }
    if (typeof e.sqlState === 'string' || typeof e.errno === 'number') {
      return new QueryError(`mysql: ${messageOf(error)}`, e.sqlState, { cause: error });
    }
    return error;
  }
}

function toMysqlValue(value: SqlValue): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array && !Buffer.isBuffer(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

function toResult(rows: unknown, fields: unknown): QueryResult {
  if (Array.isArray(rows)) {
    const list = Array.isArray(fields) ? (fields as { name: string; columnType?: number; type?: number }[]) : undefined;
    const info: FieldInfo[] | undefined = list?.map((f) => {
      const type = f.columnType ?? f.type;
      return type === undefined ? { name: f.name } : { name: f.name, type };
    });
    return info === undefined
      ? { rows: rows as Row[], rowCount: rows.length }
      : { rows: rows as Row[], rowCount: rows.length, fields: info };
  }
  const header = rows as { affectedRows?: number } | undefined;
  return { rows: [], rowCount: header?.affectedRows ?? 0 };
}
