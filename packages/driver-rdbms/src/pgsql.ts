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
import { corkForTurn, messageOf, type ConnectContext, type CorkableStream } from '@outpools/core/driver';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import {
  PipelineAbortedError,
  QueryError,
  QueryTimeoutError,
  RdbmsConnectError,
  scrubSecrets,
  StatementRefusedError,
} from './errors.js';
import { loadPg, type PgModule } from './load.js';
import { sendPgCancel, type PgCancel } from './pg-cancel.js';
import { PreparedNames } from './pg-prepared.js';
import { PREPARED_PER_CONNECTION, pgPipelineDepth, type RdbmsConnectionOptions } from './schema.js';
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
    readonly stream: NodeJS.ReadableStream & CorkableStream & { destroy(error?: Error): void };
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
  /** A prepared `Query` object (pg takes it as it is: no copy of a config object). */
  query(query: PgQuery): void;
}
/** pg's `Query`, named after it is made (its constructor copies a config object, not a string). */
type PgQuery = InstanceType<PgModule['Query']> & { name?: string };
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
    base.checkServerIdentity = (_host, cert) =>
      (check ?? process.getBuiltinModule('node:tls').checkServerIdentity)(sni, cert);
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
  const pipelined = pgPipelineDepth(options) > 1;
  const client: PgClient = new pg.Client({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    statement_timeout: options.query_timeout,
    application_name: 'outpools',
    keepAlive: true,
    pipeline: pipelined,
    ...(ssl !== undefined && { ssl }),
  });
  const internals = client as unknown as PgInternals;
  let live = false;
  let connection: PgConnection | undefined;
  // A connection given up after a statement timeout reports itself (after failing its statements).
  client.on('error', (error: Error) => {
    if (live && connection?.poisoned !== true) ctx.lost(error);
  });
  client.on('end', () => {
    if (live && connection?.poisoned !== true) ctx.lost(new Error('the PostgreSQL connection ended'));
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
  connection = new PgConnection({
    driver: options.driver === 'cockroachdb' ? 'cockroachdb' : 'pgsql',
    client,
    internals,
    target,
    queryTimeoutMs: options.query_timeout,
    ctx,
    pipelined,
    Query: pg.Query,
    prepared: options.prepare === false ? undefined : new PreparedNames(PREPARED_PER_CONNECTION),
  });
  return connection;
}

/** One statement sent and not yet answered (the connection's FIFO; pg answers in order). */
interface Pending {
  readonly call: StatementBound | undefined;
  /** Its client-side budget, counted from when it heads the FIFO. */
  readonly clientMs: number;
  readonly resolve: (result: QueryResult) => void;
  readonly reject: (error: unknown) => void;
  /** Hand it to pg (`undefined` once sent). */
  write: (() => void) | undefined;
  /** Its caller has the outcome; pg's own (late or second) callback is ignored. */
  done: boolean;
}

/** What one pgsql connection is made of. */
interface PgConnectionParts {
  readonly driver: 'pgsql' | 'cockroachdb';
  readonly client: PgClient;
  readonly internals: PgInternals;
  readonly target: NetworkTarget;
  readonly queryTimeoutMs: number;
  readonly ctx: ConnectContext;
  /** The `pipeline` option is on. */
  readonly pipelined: boolean;
  /** pg's `Query` class (a named statement is sent as one). */
  readonly Query: PgModule['Query'];
  /** The connection's statement names; `undefined` with `prepare = false`. */
  readonly prepared: PreparedNames | undefined;
}

/** A statement that opens a transaction, which must not share a pipelined connection. */
const OPENS_TRANSACTION = /^\s*(?:begin|start\s+transaction)\b/i;

class PgConnection implements RdbmsConnection {
  readonly driver: 'pgsql' | 'cockroachdb';
  readonly queryTimeoutMs: number;
  readonly #client: PgClient;
  readonly #internals: PgInternals;
  readonly #target: NetworkTarget;
  readonly #ctx: ConnectContext;
  /** Statements are written without waiting for the previous result (the `pipeline` option). */
  readonly #pipelined: boolean;
  /** Statements sent and not yet answered, oldest first; the head carries the client-side deadline. */
  readonly #inflight: Pending[] = [];
  /**
   * Pipelined: statements held back while a CancelRequest is on its way (a cancel stops whatever
   * the backend runs when it lands, so nothing else is sent until the cancelled statement has
   * answered and the server has closed the cancel connection).
   */
  readonly #held: Pending[] = [];
  /** Between `begin()` and `commit()`/`rollback()`: the transaction owns the connection. */
  #inTransaction = false;
  /**
   * A statement passed its client-side deadline: every statement on the connection has failed
   * and it is closing (reported lost on the next turn of the event loop).
   */
  poisoned = false;
  /** The CancelRequest in flight. */
  #cancel: PgCancel | undefined = undefined;
  readonly #Query: PgModule['Query'];
  /** The statements prepared on this connection (`undefined`: `prepare = false`). */
  readonly #prepared: PreparedNames | undefined;

  constructor(parts: PgConnectionParts) {
    this.driver = parts.driver;
    this.#client = parts.client;
    this.#internals = parts.internals;
    this.#target = parts.target;
    this.queryTimeoutMs = parts.queryTimeoutMs;
    this.#ctx = parts.ctx;
    this.#pipelined = parts.pipelined;
    this.#Query = parts.Query;
    this.#prepared = parts.prepared;
  }

  /**
   * The head statement passed its client-side deadline: the server did not answer, so the
   * connection is given up. The head fails with `QueryTimeoutError`, every statement sent behind
   * it with `PipelineAbortedError` (`mayHaveRun` true), every one held back with
   * `PipelineAbortedError` (`mayHaveRun` false).
   */
  readonly #onTimeout = (): void => {
    const inflight = this.#inflight;
    if (inflight.length === 0 || this.poisoned) return;
    this.poisoned = true;
    this.#endCancel();
    const failed = inflight.splice(0);
    for (let i = 0; i < failed.length; i++) {
      const p = failed[i]!;
      p.done = true;
      p.reject(
        i === 0 ? new QueryTimeoutError(this.queryTimeoutMs) : new PipelineAbortedError(true, this.queryTimeoutMs),
      );
    }
    for (const p of this.#held.splice(0)) {
      p.done = true;
      p.reject(new PipelineAbortedError(false, this.queryTimeoutMs));
    }
    this.#internals.connection.stream.destroy();
    // After the callers have their coded errors: the pool then fails nothing more than what waits.
    setImmediate(() => this.#ctx.lost(new QueryTimeoutError(this.queryTimeoutMs)));
  };

  /** `p` got its answer: take it out of the FIFO; the next head starts its client-side deadline. */
  #settled(p: Pending): void {
    const inflight = this.#inflight;
    const wasHead = inflight[0] === p;
    if (wasHead) inflight.shift();
    else {
      const i = inflight.indexOf(p);
      if (i >= 0) inflight.splice(i, 1);
    }
    const head = inflight[0];
    if (head === undefined) {
      p.call?.disarmTimeout();
      // Pipelined: a cancel still on its way could stop a later statement; let it land first.
      if (!this.#pipelined) this.#endCancel();
      return;
    }
    if (wasHead) {
      if (head.call !== p.call) p.call?.disarmTimeout();
      head.call?.armTimeout(head.clientMs, this.#onTimeout);
    }
  }

  query(sql: string, params: readonly SqlValue[] | undefined, call?: StatementCall): Promise<QueryResult> {
    if (this.#pipelined && !this.#inTransaction && OPENS_TRANSACTION.test(sql)) {
      return Promise.reject(new StatementRefusedError());
    }
    return this.#send(sql, params, call, true, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
  }

  ping(call: StatementCall): Promise<unknown> {
    return this.#send('SELECT 1', undefined, call, true, this.queryTimeoutMs);
  }

  /**
   * The hot path: no async frame, no AbortController (the core's onAbort), no timer per
   * statement (the call's sub-deadline, armed while the statement heads the FIFO).
   * `abortable`: the call's abort cancels the statement on the server when nothing else is in
   * flight on the connection (see {@link PgConnection.cancel}); otherwise it runs to its end (or
   * to `statement_timeout`) and its result is dropped.
   */
  #send(
    sql: string,
    params: readonly SqlValue[] | undefined,
    call: StatementCall | StatementBound | undefined,
    abortable: boolean,
    clientMs: number,
  ): Promise<QueryResult> {
    if (this.poisoned) return Promise.reject(new PipelineAbortedError(false, this.queryTimeoutMs));
    let pending: Pending | undefined;
    if (call !== undefined && abortable) {
      let early: { readonly reason: unknown } | undefined;
      (call as StatementCall).onAbort((reason) => {
        if (pending === undefined) early = { reason };
        else this.#aborted(pending, reason);
      });
      if (early !== undefined) return Promise.reject(early.reason);
    }
    // pg's callback form: its promise form costs two more promises (and hops) per query.
    return new Promise<QueryResult>((resolve, reject) => {
      const p: Pending = { call, clientMs, resolve, reject, write: undefined, done: false };
      pending = p;
      /** The server-side statement this run used (see the `prepare` option). */
      let name: string | undefined;
      const done = (error: Error | null, result: PgResultLike | PgResultLike[]): void => {
        if (p.done) return;
        p.done = true;
        this.#settled(p);
        if (error) {
          // A table changed under a prepared statement, or the session dropped it: prepared again next run.
          if (name !== undefined) this.#prepared?.failed(sql, name, (error as { code?: unknown }).code);
          reject(this.#mapError(error));
        } else resolve(toResult(Array.isArray(result) ? (result[result.length - 1] ?? EMPTY_RESULT) : result));
      };
      p.write = () => {
        p.write = undefined;
        const inflight = this.#inflight;
        inflight.push(p);
        if (inflight.length === 1) call?.armTimeout(clientMs, this.#onTimeout);
        const client = this.#client as unknown as PgCallbackClient;
        // Pipelined: the statements sent in one turn of the event loop leave in one write (pg
        // corks each statement on its own: one system call per statement otherwise).
        if (this.#pipelined) corkForTurn(this.#internals.connection.stream);
        try {
          if (params === undefined || params.length === 0) client.query(sql, done);
          else {
            name = this.#prepared?.nameFor(sql);
            if (name === undefined) client.query(sql, params, done);
            else {
              const query: PgQuery = new this.#Query(sql, params as unknown[], done as never);
              query.name = name;
              client.query(query);
            }
          }
        } catch (error) {
          done(error as Error, []);
        }
      };
      if (this.#cancel !== undefined && this.#pipelined) this.#held.push(p);
      else p.write();
    });
  }

  /** The call of `p` aborted: cancel it on the server when that stops nothing else. */
  #aborted(p: Pending, reason: unknown): void {
    if (p.done) return;
    if (p.write !== undefined) {
      // held back, never sent
      const i = this.#held.indexOf(p);
      if (i >= 0) this.#held.splice(i, 1);
      p.done = true;
      p.reject(reason);
      return;
    }
    const inflight = this.#inflight;
    if (!this.#pipelined || this.#inTransaction || (inflight.length === 1 && inflight[0] === p)) this.cancel();
  }

  async begin(call?: StatementBound): Promise<void> {
    this.#inTransaction = true;
    await this.#send('BEGIN', undefined, call, false, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
  }
  async commit(call?: StatementBound): Promise<void> {
    try {
      await this.#send('COMMIT', undefined, call, false, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
    } finally {
      this.#inTransaction = false;
    }
  }
  async rollback(call?: StatementBound): Promise<void> {
    try {
      await this.#send('ROLLBACK', undefined, call, false, this.queryTimeoutMs + PG_CLIENT_GRACE_MS);
    } finally {
      this.#inTransaction = false;
    }
  }

  /**
   * Cancel the running statement (out of band); the request ends when the statement does. A
   * CancelRequest stops whatever the backend runs when it lands, so a pipelined connection sends
   * one only when the cancelled statement is the only one in flight (or a transaction owns the
   * connection), and holds back new statements until the server has closed the cancel connection.
   */
  cancel(): void {
    const { processID, secretKey } = this.#internals;
    if (processID === null || secretKey === null || this.#cancel !== undefined) return;
    const cancel = sendPgCancel(this.#target.host, this.#target.port, processID, secretKey, () => {
      if (this.#cancel !== cancel) return;
      this.#cancel = undefined;
      this.#release();
    });
    this.#cancel = cancel;
  }

  /** Send what was held back while a cancel was on its way (once nothing cancellable is in flight). */
  #release(): void {
    const held = this.#held;
    if (this.poisoned) return; // #onTimeout fails them
    while (held.length > 0 && this.#cancel === undefined) held.shift()!.write?.();
  }

  #endCancel(): void {
    const cancel = this.#cancel;
    this.#cancel = undefined;
    cancel?.destroy();
    if (cancel !== undefined) this.#release();
  }

  async close(): Promise<void> {
    this.#endCancel();
    const ended = await settleWithin(this.#client.end(), 2000);
    if (!ended) this.#internals.connection.stream.destroy();
  }

  #mapError(error: unknown): unknown {
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
