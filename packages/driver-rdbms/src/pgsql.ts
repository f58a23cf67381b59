/**
 * The pgsql backend: one `pg.Client` per worker.
 *
 * - `query_timeout`: the session's `statement_timeout` (the server cancels the statement and the
 *   connection stays usable) plus a client-side deadline {@link PG_CLIENT_GRACE_MS} later, for a
 *   server that does not answer at all: the statement then fails with `QueryTimeoutError` and the
 *   connection is reported lost. The client-side deadline is checked by one shared sweep timer
 *   (`deadline-sweep.ts`) rather than pg's `query_timeout`, which costs a `setTimeout` per query.
 * - TLS "prefer" (`tls.required = false`): pg's `ssl` either demands TLS or never asks, so the
 *   driver asks with TLS first and, only when the server answers the SSLRequest with "no TLS
 *   here", connects again in plaintext. A failed handshake or certificate check is never followed
 *   by a plaintext attempt.
 * - `selfsigned_peer`: `ctx.verifyTls` runs on the TLS socket's `secureConnect`, which comes
 *   before the server's authentication request is read, so no password is sent to a refused peer.
 * @module
 */
import type { ConnectContext } from '@outpools/core/driver';
import { checkServerIdentity, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { QueryError, QueryTimeoutError, RdbmsConnectError, scrubSecrets } from './errors.js';
import { loadPg, type PgModule } from './load.js';
import { sendPgCancel } from './pg-cancel.js';
import type { RdbmsConnectionOptions } from './schema.js';
import { connectTimeoutMs, describeTarget, networkTarget, type NetworkTarget } from './target.js';
import type { AbortSource, FieldInfo, QueryResult, RdbmsConnection, SqlValue } from './types.js';
import { unwatchDeadline, watchDeadline, type DeadlineWatched } from './deadline-sweep.js';
import { messageOf, onCallAbort, settleWithin } from './util.js';

/** How much later than `statement_timeout` the client-side timeout fires. */
export const PG_CLIENT_GRACE_MS = 1000;

/** pg's message when the server answers the SSLRequest with 'N'. */
const NO_SSL_MESSAGE = 'The server does not support SSL connections';

type PgClient = InstanceType<PgModule['Client']>;
interface PgInternals {
  readonly connection: { readonly stream: NodeJS.ReadableStream & { destroy(error?: Error): void } } & NodeJS.EventEmitter;
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

/** Open a pgsql connection (TLS per the `tls` section; see the module notes). */
export async function connectPgsql(options: RdbmsConnectionOptions, ctx: ConnectContext): Promise<RdbmsConnection> {
  const pg = await loadPg();
  const target = networkTarget(options, 'pgsql');
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
    connectionTimeoutMillis: connectTimeoutMs(options),
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
      `pgsql: cannot connect${how} to ${describeTarget(target)}: ${scrubSecrets(messageOf(error), [target.password])}`,
      { cause: error },
    );
  } finally {
    ctx.signal.removeEventListener('abort', abort);
  }
  live = true;
  return new PgConnection(client, internals, target, options.query_timeout, ctx);
}

class PgConnection implements RdbmsConnection, DeadlineWatched {
  readonly driver = 'pgsql' as const;
  readonly queryTimeoutMs: number;
  readonly #client: PgClient;
  readonly #internals: PgInternals;
  readonly #target: NetworkTarget;
  readonly #ctx: ConnectContext;
  /** Statements sent and not yet answered, and when the oldest of them started. */
  #running = 0;
  #since = 0;
  #timedOut = false;
  /** Numbers the statements, so that a late abort cancels only its own. */
  #seq = 0;

  constructor(client: PgClient, internals: PgInternals, target: NetworkTarget, queryTimeoutMs: number, ctx: ConnectContext) {
    this.#client = client;
    this.#internals = internals;
    this.#target = target;
    this.queryTimeoutMs = queryTimeoutMs;
    this.#ctx = ctx;
    watchDeadline(this);
    client.once('end', () => unwatchDeadline(this));
  }

  /** Called by the shared sweep: a statement past query_timeout + grace breaks the connection. */
  checkDeadline(now: number): void {
    if (this.#running === 0 || this.#timedOut || now - this.#since <= this.queryTimeoutMs + PG_CLIENT_GRACE_MS) return;
    this.#timedOut = true;
    const error = new QueryTimeoutError(this.queryTimeoutMs);
    this.#ctx.lost(error);
    this.#internals.connection.stream.destroy();
  }

  #settled(): void {
    this.#running -= 1;
    // pg runs queued statements one after the other: the next one starts about now
    if (this.#running > 0) this.#since = Date.now();
  }

  query(sql: string, params: readonly SqlValue[] | undefined, call?: AbortSource): Promise<QueryResult> {
    // The hot path: no async frame, no AbortController (the core's onAbort), no timer per query.
    let unhook: (() => void) | undefined;
    const seq = ++this.#seq;
    if (call !== undefined) {
      let early: { readonly reason: unknown } | undefined;
      let sent = false;
      unhook = onCallAbort(call, (reason) => {
        if (!sent) early = { reason };
        else if (this.#seq === seq && this.#running > 0) void this.cancel();
      });
      if (early !== undefined) return Promise.reject(early.reason);
      sent = true;
    }
    if (this.#running++ === 0) this.#since = Date.now();
    // pg's callback form: its promise form costs two more promises (and hops) per query.
    return new Promise<QueryResult>((resolve, reject) => {
      const done = (error: Error | null, result: PgResultLike | PgResultLike[]): void => {
        this.#settled();
        unhook?.();
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

  async begin(): Promise<void> {
    await this.query('BEGIN', undefined);
  }
  async commit(): Promise<void> {
    await this.query('COMMIT', undefined);
  }
  async rollback(): Promise<void> {
    await this.query('ROLLBACK', undefined);
  }

  /** Cancel the running statement (out of band). */
  cancel(): Promise<void> {
    const { processID, secretKey } = this.#internals;
    if (processID === null || secretKey === null) return Promise.resolve();
    return sendPgCancel(this.#target.host, this.#target.port, processID, secretKey);
  }

  async close(): Promise<void> {
    unwatchDeadline(this);
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
      return new QueryError(`pgsql: ${messageOf(error)}`, code, { cause: error });
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
