/**
 * The typed API of an http pool, built on `pool.run()`.
 * @module
 */
import type { PoolHandle, RunOptions } from '@outpools/core/driver';
import type { HttpConnection, HttpRequestHeaders, WireRequest } from './connection.js';
import { joinUrlPath } from './origin.js';
import type { BodyAs, HttpResponse } from './response.js';

/** One request through the pool. */
export interface HttpRequestOptions {
  /** HTTP method, any case. Default `GET`. */
  readonly method?: string;
  /** Path after `path_prefix` (joined with exactly one `/`), may carry a query. Default `""`. */
  readonly path?: string;
  readonly headers?: HttpRequestHeaders;
  /** Request body. */
  readonly body?: string | Uint8Array;
  /** A value sent as a JSON body (sets `content-type: application/json` unless given). */
  readonly json?: unknown;
  /** How the response body is returned: by content type (`auto`, default), `text` or `buffer`. */
  readonly as?: BodyAs;
  /** Cancel the call; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Route by key: the same key goes to the same worker (`hash_worker`). */
  readonly hashKey?: string | number;
}

/** The result of {@link HttpClient.health}. */
export interface HttpHealth {
  /** The status the server answered with (any status counts as alive). */
  readonly statusCode: number;
  /** Round trip, ms. */
  readonly ms: number;
}

/** What users call on an http pool: `pools.get(httpDriver, host, tag)`. */
export interface HttpClient {
  /**
   * Send one request on one worker's connection and read the whole response within
   * `request_timeout`; the call (queueing included) is bounded by `call_timeout`.
   * An HTTP error status is a response, not an error.
   * @example
   * ```ts
   * const res = await http.request({ method: 'POST', path: '/users', json: { name: 'alice' } });
   * if (res.statusCode === 201) console.log(res.json());
   * ```
   */
  request(options: HttpRequestOptions): Promise<HttpResponse>;
  /** `GET path`. */
  get(path: string, options?: Omit<HttpRequestOptions, 'method' | 'path'>): Promise<HttpResponse>;
  /** `POST path` with a body (`string`/bytes) or, with `options.json`, a JSON value. */
  post(
    path: string,
    body?: string | Uint8Array,
    options?: Omit<HttpRequestOptions, 'method' | 'path' | 'body'>,
  ): Promise<HttpResponse>;
  /**
   * One health request: `HEAD` of `path_prefix` joined with `path` (default: the driver's
   * health path, else the prefix itself). Any HTTP answer counts; a connection failure rejects.
   */
  health(path?: string): Promise<HttpHealth>;
}

/** Methods that may run again when their connection broke before they were sent (RFC 9110 9.2.2). */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** Where `ping` and {@link HttpClient.health} go. */
export interface HealthTarget {
  readonly method: string;
  readonly path: string | undefined;
}

/** Build an {@link HttpClient} over a pool. */
export function createHttpClient(pool: PoolHandle<HttpConnection>, prefix: string, health: HealthTarget): HttpClient {
  const send = (
    method: string,
    path: string,
    options: HttpRequestOptions | undefined,
    body: string | Uint8Array | undefined,
  ): Promise<HttpResponse> => {
    let headers = options?.headers;
    if (options?.json !== undefined) {
      body = JSON.stringify(options.json);
      if (!hasHeader(headers, 'content-type')) headers = { ...headers, 'content-type': 'application/json' };
    }
    const wire: WireRequest = { method, path: joinUrlPath(prefix, path), headers, body, as: options?.as };
    const retryOnLost = IDEMPOTENT_METHODS.has(method);
    const runOptions: RunOptions =
      options === undefined || (options.signal === undefined && options.hashKey === undefined)
        ? retryOnLost
          ? RETRY
          : NO_RETRY
        : {
            retryOnLost,
            ...(options.signal !== undefined && { signal: options.signal }),
            ...(options.hashKey !== undefined && { hashKey: options.hashKey }),
          };
    return pool.run((connection, ctx) => connection.request(wire, ctx), runOptions);
  };
  return {
    request: (options) => send(methodOf(options.method), options.path ?? '', options, options.body),
    get: (path, options) => send('GET', path, options, options?.body),
    post: (path, body, options) => send('POST', path, options, body),
    async health(path) {
      const t0 = performance.now();
      const res = await send(health.method, path ?? health.path ?? '', { as: 'buffer' }, undefined);
      return { statusCode: res.statusCode, ms: performance.now() - t0 };
    },
  };
}

const RETRY: RunOptions = Object.freeze({ retryOnLost: true });
const NO_RETRY: RunOptions = Object.freeze({ retryOnLost: false });
const METHODS = new Map(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'].map((m) => [m, m]));

function methodOf(method: string | undefined): string {
  if (method === undefined) return 'GET';
  return METHODS.get(method) ?? method.toUpperCase();
}

function hasHeader(headers: HttpRequestOptions['headers'], name: string): boolean {
  return headers !== undefined && Object.keys(headers).some((k) => k.toLowerCase() === name);
}
