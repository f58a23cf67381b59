/**
 * Errors of http pools. Both are {@link OutpoolsError}s; the undici error is the `cause`.
 * @module
 */
import { OutpoolsError, type OutpoolsErrorOptions } from '@outpools/core/driver';

/** Codes of the http pool type's own errors. */
export const HttpErrorCodes = {
  HttpRequestError: 'OUTPOOLS_HTTP_REQUEST',
  HttpTimeoutError: 'OUTPOOLS_HTTP_TIMEOUT',
} as const;

/**
 * An HTTP request failed without an HTTP answer, after (part of) it was sent: the connection
 * broke while waiting for the response, the response was malformed, a header or body timeout
 * fired inside undici. It is not retried (the server may have acted on it). An HTTP error status
 * (4xx, 5xx) is not an error: it is a response.
 */
export class HttpRequestError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(HttpErrorCodes.HttpRequestError, message, options);
  }
}

/** The request did not finish (headers and whole body) within `request_timeout`. */
export class HttpTimeoutError extends OutpoolsError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options: OutpoolsErrorOptions = {}) {
    super(HttpErrorCodes.HttpTimeoutError, `http request timed out after ${timeoutMs} ms (request_timeout)`, options);
    this.timeoutMs = timeoutMs;
  }
}
