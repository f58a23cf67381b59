/**
 * One request in flight on an undici `Client`: an undici dispatch handler that collects the
 * whole response, and decides how a failure is reported.
 * @module
 */
import { ConnectionLostError, messageOf, type CallContext, type PoolKey } from '@outpools/core/driver';
import { HttpRequestError, HttpTimeoutError } from './errors.js';
import { makeResponse, type BodyAs, type HttpResponse } from './response.js';

type Abort = (reason?: Error) => void;

/**
 * What bounds and cancels a request: the pool's call context (its one abort channel, and the
 * sub-deadline `request_timeout` rides on).
 */
export type RequestCall = Pick<CallContext, 'onAbort' | 'armTimeout' | 'disarmTimeout'>;

/** The connection a {@link Call} runs on. */
export interface CallOwner {
  /** The call settled. */
  done(call: Call): void;
  /** `request_timeout` fired before undici started writing the request (its socket is not there yet). */
  stalled(): void;
}

/**
 * An undici (legacy-style) dispatch handler for one request. It resolves with the whole
 * response, or rejects with:
 * - {@link ConnectionLostError} when the request failed before undici started writing it (the
 *   connection could not be opened, or broke before the request's turn): nothing reached the
 *   server, so the pool may run it again (`retryOnLost`, idempotent methods only);
 * - {@link HttpTimeoutError} when `request_timeout` fired (the call's sub-deadline);
 * - {@link HttpRequestError} for any other failure once the request was on the wire.
 * An abort of the call rejects with its reason.
 */
export class Call {
  /** undici started writing the request (its `onConnect` ran). */
  started = false;
  settled = false;
  #abort: Abort | undefined = undefined;
  #reason: unknown = undefined;
  #statusCode = 0;
  #rawHeaders: readonly (Buffer | string)[] = [];
  #chunks: Buffer[] = [];

  constructor(
    readonly timeoutMs: number,
    private readonly as: BodyAs,
    private readonly key: PoolKey | undefined,
    private readonly resolve: (response: HttpResponse) => void,
    private readonly reject: (error: unknown) => void,
    private readonly owner: CallOwner,
    private readonly call: RequestCall | undefined,
  ) {
    if (call === undefined) return;
    call.onAbort((reason) => this.cancel(reason));
    if (!this.settled) call.armTimeout(timeoutMs, () => this.timeout());
  }

  /** Give up on the request: reject now with `reason`, and abort it in undici. */
  cancel(reason: unknown): void {
    if (this.settled) return;
    this.#reason = reason;
    this.#finish();
    this.reject(reason);
    if (this.#abort) this.#abort(reason instanceof Error ? reason : new Error(String(reason)));
  }

  /** `request_timeout` fired. */
  timeout(): void {
    if (this.settled) return;
    const stalled = !this.started;
    this.cancel(new HttpTimeoutError(this.timeoutMs, this.key ? { poolKey: this.key } : {}));
    if (stalled) this.owner.stalled();
  }

  // --- undici handler ---

  onConnect(abort: Abort): void {
    if (this.settled) {
      // Given up before undici wrote a byte of it (call_timeout or an abort while the request
      // waited for its socket): throwing here makes undici drop the request and keep the socket,
      // a connected one that the next request uses. `abort` would destroy it, and the next
      // request would wait for another connect (a TLS handshake) that may outlast its own deadline.
      throw this.#reason instanceof Error ? this.#reason : new Error('request cancelled');
    }
    this.started = true;
    this.#abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[], _resume: () => void, _statusText: string): boolean {
    if (statusCode >= 200) {
      this.#statusCode = statusCode;
      this.#rawHeaders = rawHeaders;
    }
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(_trailers: unknown): void {
    if (this.settled) return;
    this.#finish();
    let response: HttpResponse;
    try {
      response = makeResponse(this.#statusCode, this.#rawHeaders, this.#chunks, this.as);
    } catch (error) {
      this.reject(new HttpRequestError(`invalid http response: ${messageOf(error)}`, this.#options(error)));
      return;
    }
    this.resolve(response);
  }

  onError(error: Error): void {
    if (this.settled) return;
    this.#finish();
    if (!this.started) {
      this.reject(
        new ConnectionLostError(`http connection failed before the request was sent: ${messageOf(error)}`, this.key, {
          cause: error,
        }),
      );
      return;
    }
    this.reject(new HttpRequestError(`http request failed: ${messageOf(error)}`, this.#options(error)));
  }

  onUpgrade(): void {
    this.onError(new Error('unexpected protocol upgrade'));
  }

  #finish(): void {
    this.settled = true;
    this.call?.disarmTimeout();
    this.owner.done(this);
  }

  #options(cause: unknown): { cause: unknown; poolKey?: PoolKey } {
    return this.key ? { cause, poolKey: this.key } : { cause };
  }
}
