/**
 * One request in flight on an undici `Client`: an undici dispatch handler that collects the
 * whole response, and decides how a failure is reported.
 * @module
 */
import { ConnectionLostError, type PoolKey } from '@outpools/core/driver';
import { HttpRequestError, HttpTimeoutError, messageOf } from './errors.js';
import { makeResponse, type BodyAs, type HttpResponse } from './response.js';

type Abort = (reason?: Error) => void;

/**
 * How a request learns that its call was aborted: the pool's call context (its cheap `onAbort`
 * when it has one; reading `signal` would create an `AbortController`), or just a signal.
 */
export interface Cancellation {
  readonly signal?: AbortSignal | undefined;
  onAbort?(listener: (reason: unknown) => void): void;
}

/**
 * An undici (legacy-style) dispatch handler for one request. It resolves with the whole
 * response, or rejects with:
 * - {@link ConnectionLostError} when the request failed before undici started writing it (the
 *   connection could not be opened, or broke before the request's turn): nothing reached the
 *   server, so the pool may run it again (`retryOnLost`, idempotent methods only);
 * - {@link HttpTimeoutError} when `request_timeout` fired;
 * - {@link HttpRequestError} for any other failure once the request was on the wire.
 * An abort through the call's signal rejects with the signal's reason.
 */
export class Call {
  /** undici started writing the request (its `onConnect` ran). */
  started = false;
  settled = false;
  /** The signal listened to, when the cancellation has no `onAbort`. */
  private signal: AbortSignal | undefined = undefined;
  /** A timer of its own, when the connection's shared one is taken. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** When `request_timeout` fires (`performance.now()` time). */
  readonly deadline: number;
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
    private readonly done: (call: Call) => void,
    cancellation: Cancellation | undefined,
  ) {
    this.deadline = performance.now() + timeoutMs;
    if (cancellation === undefined) return;
    if (typeof cancellation.onAbort === 'function') {
      cancellation.onAbort((reason) => this.cancel(reason));
    } else if (cancellation.signal !== undefined) {
      this.signal = cancellation.signal;
      if (this.signal.aborted) this.cancel(this.signal.reason);
      else this.signal.addEventListener('abort', this, { once: true });
    }
  }

  /** The call's signal aborted (an `EventListener` object: no closure per call). */
  handleEvent(): void {
    this.cancel(this.signal?.reason);
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
    this.cancel(new HttpTimeoutError(this.timeoutMs, this.key ? { poolKey: this.key } : {}));
  }

  // --- undici handler ---

  onConnect(abort: Abort): void {
    if (this.settled) {
      abort(this.#reason instanceof Error ? this.#reason : new Error('request cancelled'));
      return;
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
      this.reject(new ConnectionLostError(`http connection failed before the request was sent: ${messageOf(error)}`, this.key, { cause: error }));
      return;
    }
    const code = (error as { code?: unknown }).code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      this.reject(new HttpTimeoutError(this.timeoutMs, this.#options(error)));
      return;
    }
    this.reject(new HttpRequestError(`http request failed: ${messageOf(error)}`, this.#options(error)));
  }

  onUpgrade(): void {
    this.onError(new Error('unexpected protocol upgrade'));
  }

  #finish(): void {
    this.settled = true;
    this.signal?.removeEventListener('abort', this);
    this.done(this);
  }

  #options(cause: unknown): { cause: unknown; poolKey?: PoolKey } {
    return this.key ? { cause, poolKey: this.key } : { cause };
  }
}
