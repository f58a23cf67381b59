/**
 * One worker's LDAP connection: an `ldapts` client bound to one socket that the driver dialled
 * itself (so that failover, TLS verification and the connect deadline stay with the pool).
 *
 * `ldapts` would transparently reconnect (possibly unauthenticated) when its socket is gone; here
 * it cannot: its connection factory hands out the dialled socket once, and a closed socket is
 * reported to the pool (`ctx.lost`), which reconnects every `connect_interval` ms.
 * @module
 */
import type { Socket } from 'node:net';
import { ConnectionLostError, messageOf, type CallContext } from '@outpools/core/driver';
import type { Client } from 'ldapts';
import { LdapRequestError, LdapResultError, redact } from './errors.js';
import type { LdaptsModule } from './load.js';
import { useMessageTable } from './message-table.js';

/** The LDAP identity a connection is bound as: a DN and its password, or anonymous (`dn === ''`). */
export interface LdapIdentity {
  readonly dn: string;
  readonly password: string;
}

/** The LDAP result code of invalidCredentials (RFC 4511). */
export const INVALID_CREDENTIALS = 49;

const CLOSED_TEXTS = ['Connection closed before message response', 'Socket error', 'Socket connection not established'];

/** Where an operation learns that its call gave up: a call's context (or a connect's, see {@link abortSourceOf}). */
export type AbortSource = Pick<CallContext, 'onAbort'>;

/** A request whose call was aborted before its answer arrived. */
interface Abandoned {
  readonly startedAt: number;
  readonly abortedAt: number;
}

/** An {@link AbortSource} for a signal (a connect attempt's): the listener runs once when it aborts. */
export function abortSourceOf(signal: AbortSignal): AbortSource {
  return {
    onAbort(listener) {
      if (signal.aborted) listener(signal.reason);
      else signal.addEventListener('abort', () => listener(signal.reason), { once: true });
    },
  };
}

/**
 * A pooled LDAP connection. The API users call goes through {@link LdapConnection.run}, which
 * maps errors and honours the call's abort; `checkPassword` switches identities and back.
 */
export class LdapConnection {
  /** `host:port` of the server this connection is open to. */
  readonly server: string;
  /** The host name of that server (one of `servers`). */
  readonly host: string;
  readonly #lib: LdaptsModule;
  readonly #client: Client;
  readonly #socket: Socket;
  readonly #identity: LdapIdentity;
  #closed = false;
  #closing = false;
  #live = false;
  #onLost: ((error: unknown) => void) | undefined;
  #lastSocketError: unknown;
  /** Requests abandoned by a call abort whose answer has not arrived yet, oldest first. */
  readonly #unanswered = new Set<Abandoned>();
  /** Operations sent and not yet answered (including abandoned ones). */
  #inFlight = 0;
  /** Set while a password check holds the connection: resolves when it ends. */
  #gate: Promise<void> | undefined;
  /** Called when `#inFlight` drops to 0 (a password check waits for it). */
  #drained: (() => void) | undefined;

  constructor(lib: LdaptsModule, socket: Socket, host: string, server: string, identity: LdapIdentity) {
    this.#lib = lib;
    this.#socket = socket;
    this.host = host;
    this.server = server;
    this.#identity = identity;
    let handedOut = false;
    this.#client = new lib.Client({
      url: 'ldap://placeholder.invalid',
      // The socket is connected already; a second request for a socket means ldapts wants to
      // reconnect by itself, which the pool does instead.
      createConnection: (() => {
        if (handedOut || this.#closed) throw this.#lostError();
        handedOut = true;
        return socket;
      }) as typeof import('node:net').connect,
    });
    // Its requests in flight in a table that young-generation GCs can free (message-table.ts).
    useMessageTable(this.#client);
    // A permanent listener: no socket error ever goes unhandled (ldapts adds its own too).
    socket.on('error', (error: Error) => {
      this.#lastSocketError = error;
    });
    socket.once('close', () => {
      this.#closed = true;
      if (!this.#closing && this.#live) this.#onLost?.(this.#lostError());
    });
  }

  /** The `ldapts` module this connection was made with (its `Change`, `Attribute` classes). */
  get lib(): LdaptsModule {
    return this.#lib;
  }

  /** True once the socket is closed (by either side). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Hand the connection to the pool: from now on a closed socket is reported to `onLost`.
   * Called by the driver's `connect` when the connection is ready.
   */
  goLive(onLost: (error: unknown) => void): void {
    this.#onLost = onLost;
    this.#live = true;
    if (this.#closed && !this.#closing) onLost(this.#lostError());
  }

  #lostError(cause?: unknown): ConnectionLostError {
    const why = cause ?? this.#lastSocketError;
    return new ConnectionLostError(
      `ldap connection to ${this.server} lost`,
      undefined,
      why === undefined ? {} : { cause: why },
    );
  }

  /**
   * Run one `ldapts` operation for a call. Several may be in flight on the connection at once
   * (LDAP matches answers by message id), except while a password check holds it exclusively:
   * then the operation waits for the check to finish. Settles at once when the call aborts (the
   * server's late answer is dropped), and maps errors: a closed connection to
   * `ConnectionLostError`, a server result to {@link LdapResultError}, anything else to
   * {@link LdapRequestError}. When a request abandoned by an abort is still unanswered at a later
   * abort, twice as long after it was sent as it had run when abandoned, the server has stopped
   * answering: the connection is given up (the pool reconnects). `map` turns the library's result
   * into the call's (without another promise).
   */
  run<R, T = R>(
    ctx: AbortSource,
    operation: string,
    op: (client: Client) => Promise<R>,
    map?: (value: R) => T,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(this.#lostError());
    if (this.#gate !== undefined) return this.#afterGate(ctx, () => this.run(ctx, operation, op, map));
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      let abandoned: Abandoned | undefined;
      const startedAt = performance.now();
      ctx.onAbort((reason) => {
        if (settled) return;
        settled = true;
        abandoned = { startedAt, abortedAt: performance.now() };
        this.#abandoned(abandoned);
        reject(reason);
      });
      let pending: Promise<R>;
      this.#inFlight += 1;
      try {
        pending = op(this.#client);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => {
          this.#answered(abandoned);
          if (settled) return;
          settled = true;
          if (map === undefined) resolve(value as unknown as T);
          else {
            try {
              resolve(map(value));
            } catch (error) {
              reject(error);
            }
          }
        },
        (error: unknown) => {
          this.#answered(abandoned);
          if (settled) return;
          settled = true;
          reject(this.mapError(operation, error));
        },
      );
    });
  }

  /** A request whose call aborted: give the connection up when an older one is stalled. */
  #abandoned(request: Abandoned): void {
    const now = request.abortedAt;
    for (const older of this.#unanswered) {
      if (now - older.startedAt >= 2 * (older.abortedAt - older.startedAt)) {
        this.destroy(new Error(`ldap server ${this.server} stopped answering`));
        return;
      }
      break; // the oldest decides
    }
    this.#unanswered.add(request);
  }

  /** An operation's answer (or failure) arrived. */
  #answered(abandoned: Abandoned | undefined): void {
    if (abandoned !== undefined) this.#unanswered.delete(abandoned);
    if (--this.#inFlight === 0) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained?.();
    }
  }

  /** Run `next` once the exclusive section (a password check) has ended, unless the call aborts first. */
  #afterGate<R>(ctx: AbortSource, next: () => Promise<R>): Promise<R> {
    const gate = this.#gate!;
    return new Promise<R>((resolve, reject) => {
      let aborted = false;
      ctx.onAbort((reason) => {
        aborted = true;
        reject(reason);
      });
      void gate.then(() => {
        if (!aborted) next().then(resolve, reject);
      });
    });
  }

  /** Translate an `ldapts` error (see {@link LdapConnection.run}); never leaks a secret. */
  mapError(operation: string, error: unknown, secrets: readonly string[] = []): unknown {
    if (error instanceof ConnectionLostError) return error;
    const message = messageOf(error);
    if (this.#closed || CLOSED_TEXTS.some((text) => message.startsWith(text))) return this.#lostError(error);
    const all = [...secrets, this.#identity.password];
    if (error instanceof this.#lib.ResultCodeError) {
      const detail = redact(message.replace(/\s*Code: 0x[0-9a-f]+$/i, ''), all);
      return new LdapResultError(operation, error.code, error.name, detail, { cause: scrubbed(error, all) });
    }
    return new LdapRequestError(operation, redact(message, all), { cause: scrubbed(error, all) });
  }

  /** Simple bind as `identity` (anonymous when its DN is empty: an explicit anonymous bind). */
  bind(identity: LdapIdentity): Promise<void> {
    return this.#client.bind(identity.dn, identity.password);
  }

  /**
   * Check a user's password: bind as `dn`, then bind back as the pool's identity on the same
   * connection before the call returns, so the connection is never left bound as the user.
   * Resolves `true` for a successful bind, `false` for invalidCredentials (49) and for an empty
   * password (an empty password would be an unauthenticated bind, which proves nothing).
   * When anything interrupts the switch (an abort, an error of the bind back), the connection
   * is given up instead of being reused with an unknown identity. The check holds the connection
   * exclusively: it waits until the operations in flight are answered, and operations started
   * meanwhile wait until it is done (no operation ever runs as the user).
   */
  checkPassword(ctx: AbortSource, dn: string, password: string): Promise<boolean> {
    if (password === '' || dn === '') return Promise.resolve(false);
    if (this.#closed) return Promise.reject(this.#lostError());
    if (this.#gate !== undefined) return this.#afterGate(ctx, () => this.checkPassword(ctx, dn, password));
    let release!: () => void;
    this.#gate = new Promise<void>((resolve) => (release = resolve));
    return this.#exclusiveCheck(ctx, dn, password).finally(() => {
      this.#gate = undefined;
      release();
    });
  }

  /** The password check itself, with the connection held exclusively. */
  async #exclusiveCheck(ctx: AbortSource, dn: string, password: string): Promise<boolean> {
    // While waiting for the operations in flight, an abort just ends the call; once the bind is
    // sent, it also gives the connection up (its identity is unknown until the bind back is done).
    let binding = false;
    let abortedWith: { reason: unknown } | undefined;
    let wake: (() => void) | undefined;
    ctx.onAbort((reason) => {
      abortedWith = { reason };
      if (binding) this.destroy(new Error('call aborted during a password check'));
      wake?.();
    });
    // No operation may be in flight during a bind (RFC 4511 4.2.1), nor run as the user.
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        this.#drained = resolve;
      });
    }
    if (abortedWith !== undefined) throw abortedWith.reason;
    if (this.#closed) throw this.#lostError();
    binding = true;
    let outcome: boolean | LdapResultError;
    try {
      await this.#tracked(this.#client.bind(dn, password));
      outcome = true;
    } catch (error) {
      const mapped = this.mapError('bind', error, [password]);
      if (!(mapped instanceof LdapResultError)) throw mapped;
      outcome = mapped.resultCode === INVALID_CREDENTIALS ? false : mapped;
    }
    // A failed bind leaves the connection anonymous (RFC 4513 section 4), a successful one bound
    // as the user: go back to the pool's identity before anyone else uses the connection.
    if (outcome === true || this.#identity.dn !== '') {
      try {
        await this.#tracked(this.bind(this.#identity));
      } catch (error) {
        this.destroy(error);
        throw this.#lostError(
          new Error(`could not bind back as the pool's identity: ${redact(messageOf(error), [password])}`),
        );
      }
    }
    if (abortedWith !== undefined) throw this.#lostError();
    if (outcome instanceof LdapResultError) throw outcome;
    return outcome;
  }

  /** Count `operation` as in flight until it settles. */
  #tracked<R>(operation: Promise<R>): Promise<R> {
    this.#inFlight += 1;
    return operation.finally(() => this.#answered(undefined));
  }

  /** Break the connection at once and report it lost (used when its state cannot be trusted). */
  destroy(cause?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#lastSocketError ??= cause;
    this.#socket.destroy();
  }

  /** Close politely (an unbind request), without waiting for the server; never throws. */
  close(): Promise<void> {
    this.#closing = true;
    if (this.#closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()));
    // ldapts writes the unbind request synchronously; the socket is then closed at once.
    this.#client.unbind().catch(() => undefined);
    this.#socket.destroy();
    return closed;
  }
}

/** An `ldapts` error with every secret removed from its message (it becomes a `cause`). */
function scrubbed(error: unknown, secrets: readonly string[]): unknown {
  if (!(error instanceof Error)) return error;
  const clean = redact(error.message, secrets);
  if (clean !== error.message) error.message = clean;
  return error;
}
