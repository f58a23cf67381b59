/**
 * Errors of elastic pools, and the translation of `@elastic/elasticsearch` errors into them.
 *
 * The client library's errors carry the request's metadata (headers included) in `meta`; they are
 * only ever kept as `cause` of an outpools error, and the transport redacts the `authorization`
 * header there. Messages name the server and the user, never a password or an API key.
 * @module
 */
import { ConnectionLostError, OutpoolsError, type OutpoolsErrorOptions } from '@outpools/core/driver';

/** Codes of the elastic pool type's own errors. */
export const ElasticErrorCodes = {
  ElasticResponseError: 'OUTPOOLS_ELASTIC_RESPONSE',
  ElasticAuthError: 'OUTPOOLS_ELASTIC_AUTH',
  ElasticRequestError: 'OUTPOOLS_ELASTIC_REQUEST',
  ElasticLibraryMissingError: 'OUTPOOLS_ELASTIC_LIBRARY_MISSING',
} as const;

/**
 * Elasticsearch answered with an error status (4xx, 5xx other than 401): a missing index, a
 * malformed query, a version conflict... `statusCode`, `errorType` (`index_not_found_exception`)
 * and `reason` come from the response; the client library's `ResponseError` is the `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await es.search({ index: 'missing', query: { match_all: {} } });
 * } catch (error) {
 *   if (error instanceof ElasticResponseError && error.statusCode === 404) return [];
 *   throw error;
 * }
 * ```
 */
export class ElasticResponseError extends OutpoolsError {
  /** The HTTP status of the answer. */
  readonly statusCode: number;
  /** `error.type` of the answer's body, e.g. `index_not_found_exception`, when there is one. */
  readonly errorType: string | undefined;
  /** `error.reason` of the answer's body, when there is one. */
  readonly reason: string | undefined;

  constructor(
    statusCode: number,
    errorType: string | undefined,
    reason: string | undefined,
    options: OutpoolsErrorOptions & { readonly code?: string; readonly message?: string } = {},
  ) {
    super(
      options.code ?? ElasticErrorCodes.ElasticResponseError,
      options.message ??
        `elasticsearch answered ${statusCode}${errorType ? ` ${errorType}` : ''}${reason ? `: ${reason}` : ''}`,
      options,
    );
    this.statusCode = statusCode;
    this.errorType = errorType;
    this.reason = reason;
  }
}

/**
 * Elasticsearch refused the credentials (HTTP 401): a wrong username or password, an unknown or
 * expired API key, or none where security requires one. The message names the server and the user;
 * never the password or the key. A worker whose connect fails with it keeps retrying with backoff.
 */
export class ElasticAuthError extends ElasticResponseError {
  constructor(
    where: string,
    who: string,
    errorType: string | undefined,
    reason: string | undefined,
    options: OutpoolsErrorOptions = {},
  ) {
    super(401, errorType, reason, {
      ...options,
      code: ElasticErrorCodes.ElasticAuthError,
      message: `elasticsearch at ${where} refused the credentials of ${who} (401 ${errorType ?? 'unauthorized'}): check username/password or api_key`,
    });
  }
}

/**
 * A request failed without an Elasticsearch error answer and without the connection being
 * lost: the answer could not be parsed, the server is not Elasticsearch, the request was aborted,
 * the request could not be serialised. The client library's error is the `cause`.
 */
export class ElasticRequestError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(ElasticErrorCodes.ElasticRequestError, message, options);
  }
}

/** `@elastic/elasticsearch` could not be loaded (connects reject with it; validation never needs it). */
export class ElasticLibraryMissingError extends OutpoolsError {
  constructor(options: OutpoolsErrorOptions = {}) {
    super(
      ElasticErrorCodes.ElasticLibraryMissingError,
      'the elastic pool type needs the npm package "@elastic/elasticsearch", which could not be loaded: install it (npm install @elastic/elasticsearch@8)',
      options,
    );
  }
}

/** Where a request went and as whom: for messages (never a secret). */
export interface RequestTarget {
  /** `host:port`. */
  readonly where: string;
  /** `user "name"`, `an API key` or `no credentials`. */
  readonly who: string;
}

interface ClientErrorShape {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly meta?: { readonly statusCode?: unknown; readonly body?: unknown };
}

function responseDetails(error: ClientErrorShape): {
  status: number;
  type: string | undefined;
  reason: string | undefined;
} {
  const status = typeof error.meta?.statusCode === 'number' ? error.meta.statusCode : 0;
  const body = error.meta?.body;
  const inner = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  if (typeof inner === 'object' && inner !== null) {
    const { type, reason } = inner as { type?: unknown; reason?: unknown };
    return {
      status,
      type: typeof type === 'string' ? type : undefined,
      reason: typeof reason === 'string' ? reason : undefined,
    };
  }
  return { status, type: undefined, reason: typeof inner === 'string' ? inner : undefined };
}

/**
 * Translate an error of `@elastic/elasticsearch` into an outpools error (the original is the
 * `cause`): `ResponseError` 401 into {@link ElasticAuthError}, other `ResponseError`s into
 * {@link ElasticResponseError}, `ConnectionError` into the core's `ConnectionLostError` (the
 * worker reconnects), the rest of the library's errors into {@link ElasticRequestError}.
 * Anything else (an outpools error, the caller's own throw) is returned unchanged.
 */
export function toElasticError(error: unknown, target: RequestTarget): unknown {
  if (!(error instanceof Error) || error instanceof OutpoolsError) return error;
  const shape = error as ClientErrorShape;
  switch (shape.name) {
    case 'ResponseError': {
      const { status, type, reason } = responseDetails(shape);
      if (status === 401) return new ElasticAuthError(target.where, target.who, type, reason, { cause: error });
      return new ElasticResponseError(status, type, reason, { cause: error });
    }
    case 'ConnectionError':
      return new ConnectionLostError(`elasticsearch connection to ${target.where} lost: ${error.message}`, undefined, {
        cause: error,
      });
    case 'TimeoutError':
    case 'RequestAbortedError':
    case 'DeserializationError':
    case 'SerializationError':
    case 'ProductNotSupportedError':
    case 'ConfigurationError':
    case 'NoLivingConnectionsError':
      return new ElasticRequestError(`elasticsearch request to ${target.where} failed: ${error.message}`, {
        cause: error,
      });
    default:
      return error;
  }
}
