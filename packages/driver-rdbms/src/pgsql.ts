/**
 * The pgsql backend: one `pg.Client` per worker.
 *
 * - `query_timeout`: the session's `statement_timeout` (the server cancels the statement and the
 *   connection stays usable) plus a client-side deadline {@link PG_CLIENT_GRACE_MS} later, for a
 *   server that does not answer at all: the statement then fails with `QueryTimeoutError` and the
 *   connection is reported lost. The client-side deadline is the call's sub-deadline
 *   (`ctx.armTimeout`, on the pool's one deadline service) rather than pg's `query_timeout`,
 *   which costs a `setTimeout` per query. A keepalive ping is bounded by `query_timeout` itself.
 * - Cancelling (the call aborts): a CancelRequest on a fresh socket, which lives no longer than
 *   the statement it cancels.
 * - TLS "prefer" (`tls.required = false`): pg's `ssl` either demands TLS or never asks, so the
 *   driver asks with TLS first and, only when the server answers the SSLRequest with "no TLS
 *   here", connects again in plaintext. A failed handshake or certificate check is never followed
 *   by a plaintext attempt.
 * - `selfsigned_peer`: `ctx.verifyTls` runs on the TLS socket's `secureConnect`, which comes
 *   before the server's authentication request is read, so no password is sent to a refused peer.
 * @module
 */
import { messageOf, type ConnectContext } from '@outpools/core/driver';
import { checkServerIdentity, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { QueryError, QueryTimeoutError, RdbmsConnectError, scrubSecrets } from './errors.js';
import { loadPg, type PgModule } from './load.js';
import { sendPgCancel, type PgCancel } from './pg-cancel.js';
import type { RdbmsConnectionOptions } from './schema.js';
import { describeTarget, networkTarget, type NetworkTarget } from './target.js';
import type { FieldInfo, QueryResult, RdbmsConnection, SqlValue, StatementBound, StatementCall } from './types.js';
import { settleWithin } from './util.js';

/** How much later than `statement_timeout` the client-side timeout fires. */
export const PG_CLIENT_GRACE_MS = 1000;

/** pg's message when the server answers the SSLRequest with 'N'. */
const NO_SSL_MESSAGE = 'The server does not support SSL connections';

type PgClient = InstanceType<PgModule['Client']>;
interface PgInternals {
  readonly connection: {
    readonly stream: NodeJS.ReadableStream & { destroy(error?: Error): void };
  } & NodeJS.EventEmitter;
  readonly processID: number | null;
  readonly secretKey: number | null;
}
/** The callback form of `Client.query` (the module's types favour the promise form). */
interface PgCallbackClient {
  query(sql: string, callback: (error: Error | null, result: PgResultLike | PgResultLike[]) => void): void;
  query(
    sql: string,
    params: readonly SqlValue[],
    callback: (error: Error | null, result: PgResultLike | PgResultLike[]) => void,
  ): void;
}
const EMPTY_RESULT: PgResultLike = { rows: [], rowCount: 0 };
interface PgResultLike {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
  readonly fields?: readonly { readonly name: string; readonly dataTypeID: number }[];
}

/**
 * Open a pgsql (or cockroachdb: the same wire protocol) connection (TLS per the `tls` section;
 * see the module notes).
 */
export async function connectPgsql(options: RdbmsConnectionOptions, ctx: ConnectContext): Promise<RdbmsConnection> {
  const pg = await loadPg();
  const target = networkTarget(options, options.driver === 'cockroachdb' ? 'cockroachdb' : 'pgsql');
  if (options.tls === undefined) return openPg(pg, target, options, ctx, undefined);
  const ssl = pgSslOptions(ctx.tls);
  try {
    return await openPg(pg, target, options, ctx, ssl);
  } catch (error) {
    if (!options.tls.required && error instanceof RdbmsConnectError && messageOf(error.cause) === NO_SSL_MESSAGE) {
      return openPg(pg, target, options, ctx, undefined);
    }
    throw error;
  }
}

/**
 * pg overrides `servername` with the host name; keep the configured SNI host as the name the
 * certificate is checked against.
 */
function pgSslOptions(tls: ConnectionOptions | undefined): ConnectionOptions {
  const base: ConnectionOptions = { ...(tls ?? {}) };
  const sni = base.servername;
  const check = base.checkServerIdentity;
  if (sni !== undefined && base.rejectUnauthorized !== false) {
    base.checkServerIdentity = (_host, cert) => (check ?? checkServerIdentity)(sni, cert);
  }
  return base;
}

async function openPg(
  pg: PgModule,
  target: NetworkTarget,
  options: RdbmsConnectionOptions,
  ctx: ConnectContext,
  ssl: ConnectionOptions | undefined,
): Promise<RdbmsConnection> {
  const client: PgClient = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    statement_timeout: options.query_timeout,
    application_name: 'outpools',
    keepAlive: true,
    ...(ssl !== undefined && { ssl }),
  });
  const internals = client as unknown as PgInternals;
  let live = false;
  client.on('error', (error: Error) => {
    if (live) ctx.lost(error);
  });
  client.on('end', () => {
    if (live) ctx.lost(new Error('the PostgreSQL connection ended'));
  });
  if (ssl !== undefined) {
    internals.connection.once('sslconnect', () => {
      const socket = internals.connection.stream as unknown as TLSSocket;
      socket.once('secureConnect', () => {
        try {
          ctx.verifyTls(socket);
        } catch (error) {
          socket.destroy(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
  }
  const abort = (): void => internals.connection.stream.destroy(new Error('connection attempt aborted'));
  ctx.signal.addEventListener('abort', abort, { once: true });
  try {
    if (ctx.signal.aborted) throw new Error('connection attempt aborted');
    await client.connect();
  } catch (error) {
    internals.connection.stream.destroy();
    const how = ssl === undefined ? '' : ' with TLS';
    throw new RdbmsConnectError(
      `${options.driver}: cannot connect${how} to ${describeTarget(target)}: ${scrubSecrets(messageOf(error), [target.password])}`,
      { cause: error },
    );
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
  live = true;
  const driver = options.driver === 'cockroachdb' ? 'cockroachdb' : 'pgsql';
  return new PgConnection(driver, client, internals, target, options.query_timeout, ctx);
}

class PgConnection implements RdbmsConnection {
  readonly driver: 'pgsql' | 'cockroachdb';
  readonly queryTimeoutMs: number;
  readonly #client: PgClient;
  readonly #internals: PgInternals;
  readonly #target: NetworkTarget;
  readonly #ctx: ConnectContext;
  /** Statements sent and not yet answered. */
  #running = 0;
  /** The call bounding the latest statement, and its client-side budget. */
  #bound: StatementBound | undefined = undefined;
  #boundMs = 0;
  #timedOut = false;
  /** Numbers the statements, so that a late abort cancels only its own. */
  #seq = 0;
  /** The CancelRequest in flight: it lives no longer than the statement it cancels. */
  #cancel: PgCancel | undefined = undefined;

  constructor(
    driver: 'pgsql' | 'cockroachdb',
    client: PgClient,
    internals: PgInternals,
    target: NetworkTarget,
    queryTimeoutMs: number,
    ctx: ConnectContext,
  ) {
    this.driver = driver;
    this.#client = client;
    this.#internals = internals;
    this.#target = target;
    this.queryTimeoutMs = queryTimeoutMs;
    this.#ctx = ctx;
  }

  /** The client-side deadline fired: a statement past it breaks the connection. */
  readonly #onTimeout = (): void => {
    if (this.#running === 0 || this.#timedOut) return;
    this.#timedOut = true;
    this.#endCancel();
    this.#ctx.lost(new QueryTimeoutError(this.queryTimeoutMs));
    this.#internals.connection.stream.destroy();
  };

  #settled(): void {
    this.#running -= 1;
    const bound = this.#bound;
    if (this.#running > 0) {
      // pg runs queued statements one after the other: the next one starts about now
      bound?.armTimeout(this.#boundMs, this.#onTimeout);
      return;
    }
    this.#bound = undefined;
    bound?.disarmTimeout();
    this.#endCancel();
  }

  query(sql: string, params: readonly SqlValue[] | undefined, call?: StatementCall): Promise<QueryResult> {
    return this.#send(sql, params, call, true, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
  }

  ping(call: StatementCall): Promise<unknown> {
    return this.#send('SELECT 1', undefined, call, true, this.queryTimeoutMs);
  }

  /**
   * The hot path: no async frame, no AbortController (the core's onAbort), no timer per
   * statement (the call's sub-deadline). `abortable`: the call's abort cancels the statement.
   */
  #send(
    sql: string,
    params: readonly SqlValue[] | undefined,
    call: StatementCall | StatementBound | undefined,
    abortable: boolean,
    clientMs: number,
  ): Promise<QueryResult> {
    const seq = ++this.#seq;
    if (call !== undefined) {
      if (abortable) {
        let early: { readonly reason: unknown } | undefined;
        let sent = false;
        (call as StatementCall).onAbort((reason) => {
          if (!sent) early = { reason };
          else if (this.#seq === seq && this.#running > 0) this.cancel();
        });
        if (early !== undefined) return Promise.reject(early.reason);
        sent = true;
      }
      this.#bound = call;
      this.#boundMs = clientMs;
      call.armTimeout(clientMs, this.#onTimeout);
    }
    this.#running++;
    // pg's callback form: its promise form costs two more promises (and hops) per query.
    return new Promise<QueryResult>((resolve, reject) => {
      const done = (error: Error | null, result: PgResultLike | PgResultLike[]): void => {
        this.#settled();
        if (error) reject(this.#mapError(error));
        else resolve(toResult(Array.isArray(result) ? (result[result.length - 1] ?? EMPTY_RESULT) : result));
      };
      const client = this.#client as unknown as PgCallbackClient;
      try {
        if (params === undefined || params.length === 0) client.query(sql, done);
        else client.query(sql, params, done);
      } catch (error) {
        done(error as Error, []);
      }
    });
  }

  async begin(call?: StatementBound): Promise<void> {
    await this.#send('BEGIN', undefined, call, false, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
  }
  async commit(call?: StatementBound): Promise<void> {
    await this.#send('COMMIT', undefined, call, false, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
  }
  async rollback(call?: StatementBound): Promise<void> {
    await this.#send('ROLLBACK', undefined, call, false, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
  }

  /** Cancel the running statement (out of band); the request ends when the statement does. */
  cancel(): void {
    const { processID, secretKey } = this.#internals;
    if (processID === null || secretKey === null || this.#cancel !== undefined) return;
    const cancel = sendPgCancel(this.#target.host, this.#target.port, processID, secretKey, () => {
      if (this.#cancel === cancel) this.#cancel = undefined;
    });
    this.#cancel = cancel;
  }

  #endCancel(): void {
    const cancel = this.#cancel;
    this.#cancel = undefined;
    cancel?.destroy();
  }

  async close(): Promise<void> {
    this.#endCancel();
    const ended = await settleWithin(this.#client.end(), 2000);
    if (!ended) this.#internals.connection.stream.destroy();
  }

  #mapError(error: unknown): unknown {
    if (this.#timedOut) return new QueryTimeoutError(this.queryTimeoutMs, { cause: error });
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
      if (code === '57014' && /statement timeout/.test(messageOf(error))) {
        return new QueryTimeoutError(this.queryTimeoutMs, { cause: error });
      }
      return new QueryError(`${this.driver}: ${messageOf(error)}`, code, { cause: error });
    }
    return error;
  }
}

function toResult(r: PgResultLike): QueryResult {
  return new PgQueryResult(r);
}

/** pg's result in the common shape; `fields` is built only when read. */
class PgQueryResult implements QueryResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number;
  readonly #raw: PgResultLike['fields'];

  constructor(r: PgResultLike) {
    this.rows = r.rows;
    this.rowCount = r.rowCount ?? r.rows.length;
    this.#raw = r.fields;
  }

  get fields(): readonly FieldInfo[] | undefined {
    const raw = this.#raw;
    return raw && raw.length > 0 ? raw.map((f) => ({ name: f.name, type: f.dataTypeID })) : undefined;
  }
}
