/**
 * The mysql backend (MySQL and MariaDB): one `mysql2` connection per worker.
 *
 * - Queries with parameters run as server-side prepared statements (`execute`): values never
 *   enter the SQL text. Queries without parameters use the text protocol.
 * - `query_timeout` is a client-side timer; when it fires the caller gets
 *   {@link QueryTimeoutError} at once and `KILL QUERY <thread id>` is sent on a short-lived side
 *   connection so the server stops the statement too.
 * - TLS: with a `tls` section, TLS is always required. mysql2 cannot take a custom
 *   `checkServerIdentity`, and skips the host name check for IP addresses, so the driver wraps
 *   the connection's TLS upgrade: when the handshake completes (before the authentication
 *   packet, which carries the password hash, is sent) it runs `ctx.verifyTls` and the host name
 *   check itself.
 * @module
 */
import type { ConnectContext } from '@outpools/core/driver';
import { checkServerIdentity, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { QueryError, QueryTimeoutError, RdbmsConnectError, scrubSecrets } from './errors.js';
import { loadMysql2, type Mysql2Module } from './load.js';
import type { RdbmsConnectionOptions } from './schema.js';
import { connectTimeoutMs, describeTarget, networkTarget, type NetworkTarget } from './target.js';
import type { AbortSource, FieldInfo, QueryResult, RdbmsConnection, Row, SqlValue } from './types.js';
import { messageOf, onCallAbort, settleWithin } from './util.js';

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
  const conn = await openMysql(mysql, target, options, ctx, (error) => {
    if (live.value) ctx.lost(error);
  });
  live.value = true;
  return new MysqlRdbmsConnection(conn, () => openMysql(mysql, target, options, ctx, () => undefined), options.query_timeout, ctx);
}

async function openMysql(
  mysql: Mysql2Module,
  target: NetworkTarget,
  options: RdbmsConnectionOptions,
  ctx: ConnectContext,
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
    connectTimeout: connectTimeoutMs(options),
    supportBigNumbers: true,
    enableKeepAlive: true,
    ...(tls !== undefined && { ssl: mysqlSsl(tls) }),
  }) as unknown as MysqlConnection & MysqlInternals;
  conn.on('error', (error: Error) => onBroken(error));
  conn.on('end', () => onBroken(new Error('the MySQL connection ended')));
  if (tls !== undefined) wrapTls(conn, tls, target.host, ctx);
  const abort = (): void => conn.destroy();
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())));
  } catch (error) {
    conn.destroy();
    throw new RdbmsConnectError(
      `mysql: cannot connect${tls ? ' with TLS' : ''} to ${describeTarget(target)}: ${scrubSecrets(messageOf(error), [target.password])}`,
      { cause: error },
    );
  } finally {
    ctx.signal.removeEventListener('abort', abort);
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
function wrapTls(conn: MysqlInternals, tls: ConnectionOptions, host: string, ctx: ConnectContext): void {
  const startTLS = conn.startTLS.bind(conn);
  conn.startTLS = (onSecure) =>
    startTLS((error) => {
      if (error) return onSecure(error);
      try {
        const socket = conn.stream;
        ctx.verifyTls(socket);
        if (tls.rejectUnauthorized !== false) {
          const check = tls.checkServerIdentity ?? checkServerIdentity;
          const mismatch = check(tls.servername ?? host, socket.getPeerCertificate(true));
          if (mismatch) throw mismatch;
        }
      } catch (failure) {
        return onSecure(failure instanceof Error ? failure : new Error(String(failure)));
      }
      onSecure();
    });
}

class MysqlRdbmsConnection implements RdbmsConnection {
  readonly driver = 'mysql' as const;
  readonly queryTimeoutMs: number;
  readonly #conn: MysqlInternals;
  readonly #openSide: () => Promise<MysqlInternals>;
  readonly #ctx: ConnectContext;

  constructor(conn: MysqlInternals, openSide: () => Promise<MysqlInternals>, queryTimeoutMs: number, ctx: ConnectContext) {
    this.#conn = conn;
    this.#openSide = openSide;
    this.queryTimeoutMs = queryTimeoutMs;
    this.#ctx = ctx;
  }

  query(sql: string, params: readonly SqlValue[] | undefined, call?: AbortSource): Promise<QueryResult> {
    return new Promise<QueryResult>((resolve, reject) => {
      let done = false;
      let unhook: (() => void) | undefined;
      const finish = (): boolean => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        unhook?.();
        return true;
      };
      const timer = setTimeout(() => {
        if (!finish()) return;
        void this.killQuery();
        reject(new QueryTimeoutError(this.queryTimeoutMs));
      }, this.queryTimeoutMs);
      let sent = false;
      if (call !== undefined) {
        unhook = onCallAbort(call, (reason) => {
          if (!finish()) return;
          if (sent) void this.killQuery();
          reject(reason);
        });
        if (done) return;
      }
      sent = true;
      const callback: Callback = (error, rows, fields) => {
        if (!finish()) return;
        if (error) reject(this.#mapError(error));
        else resolve(toResult(rows, fields));
      };
      if (params === undefined || params.length === 0) this.#conn.query(sql, callback);
      else this.#conn.execute(sql, params.map(toMysqlValue), callback);
    });
  }

  async begin(): Promise<void> {
    await this.query('START TRANSACTION', undefined);
  }
  async commit(): Promise<void> {
    await this.query('COMMIT', undefined);
  }
  async rollback(): Promise<void> {
    await this.query('ROLLBACK', undefined);
  }

  /** Stop this connection's running statement on the server (`KILL QUERY` on a side connection). */
  async killQuery(): Promise<void> {
    const threadId = this.#conn.threadId;
    if (threadId === null) return;
    try {
      const side = await this.#openSide();
      await new Promise<void>((resolve) => side.query(`KILL QUERY ${Number(threadId)}`, () => resolve()));
      await settleWithin(new Promise<void>((resolve) => side.end(() => resolve())), 1000);
      side.destroy();
    } catch {
      // best effort: the statement then runs to its end on the server
    }
  }

  async close(): Promise<void> {
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
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
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
