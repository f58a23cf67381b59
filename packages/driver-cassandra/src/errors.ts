/**
 * The cassandra pool type's errors, and the translation of cassandra-driver's errors into them.
 * Every message is built from the library's message with the password removed.
 * @module
 */
import {
  ConnectionLostError,
  messageOf,
  OutpoolsError,
  REDACTED,
  type OutpoolsErrorOptions,
} from '@outpools/core/driver';

/** Codes of the errors this package throws. */
export const CassandraErrorCodes = {
  /** A worker could not open its client (no server reachable, TLS refused, keyspace missing...). */
  connect: 'OUTPOOLS_CASSANDRA_CONNECT',
  /** The servers refused the credentials of `auth.plain` (or asked for credentials none were given). */
  auth: 'OUTPOOLS_CASSANDRA_AUTH',
  /** A statement failed on the server (syntax, invalid request, unavailable, timeouts...). */
  query: 'OUTPOOLS_CASSANDRA_QUERY',
} as const;

/** A worker could not connect; `cause` is cassandra-driver's error. */
export class CassandraConnectError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(CassandraErrorCodes.connect, message, options);
  }
}

/** Authentication failed: wrong user name or password (never part of the message). */
export class CassandraAuthError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(CassandraErrorCodes.auth, message, options);
  }
}

/**
 * A statement failed. `serverCode` is the native protocol's error code when the server answered
 * (e.g. `0x2200` invalid request, `0x2000` syntax error, `0x1000` unavailable, `0x1200` read
 * timeout), `undefined` for a client-side failure.
 */
export class CassandraQueryError extends OutpoolsError {
  readonly serverCode: number | undefined;
  constructor(message: string, serverCode: number | undefined, options: OutpoolsErrorOptions = {}) {
    super(CassandraErrorCodes.query, message, options);
    this.serverCode = serverCode;
  }
}

interface LibraryError {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly code?: unknown;
  readonly isSocketError?: unknown;
  readonly innerErrors?: unknown;
}

/** `text` with every occurrence of each (non-empty) secret replaced by `"***"`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join(REDACTED);
  return out;
}

function nameOf(error: unknown): string {
  return typeof error === 'object' && error !== null ? String((error as LibraryError).name ?? '') : '';
}

/** The errors a `NoHostAvailableError` carries, one per tried host. */
export function innerErrorsOf(error: unknown): unknown[] {
  const inner = (error as LibraryError | null)?.innerErrors;
  return typeof inner === 'object' && inner !== null ? Object.values(inner) : [];
}

/** The refusal itself: the `AuthenticationError` (possibly inside a `NoHostAvailableError`). */
export function authFailureOf(error: unknown): unknown {
  if (nameOf(error) === 'AuthenticationError') return error;
  return innerErrorsOf(error).find((e) => nameOf(e) === 'AuthenticationError') ?? error;
}

/** True when a cassandra-driver error says that credentials were refused. */
export function isAuthFailure(error: unknown): boolean {
  if (nameOf(error) === 'AuthenticationError') return true;
  return nameOf(error) === 'NoHostAvailableError' && innerErrorsOf(error).some(isAuthFailure);
}

/**
 * True when a cassandra-driver error means that the client's connections are gone: a socket
 * closed under the request, the node answered that it is shutting down, or no host could take it for a reason other than a server answer
 * (an error response, such as "unavailable", is passed on as a `NoHostAvailableError` after the
 * retry policy tried the next host) or all of its stream ids being busy.
 */
export function isConnectionGone(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as LibraryError).isSocketError === true || isShuttingDown(error)) return true;
  if (nameOf(error) !== 'NoHostAvailableError') return false;
  const inner = innerErrorsOf(error);
  return (
    inner.length === 0 ||
    inner.some(
      (e) => isShuttingDown(e) || !['ResponseError', 'BusyConnectionError', 'AuthenticationError'].includes(nameOf(e)),
    )
  );
}

/** The node refused the request because it is stopping: its connections are about to close. */
function isShuttingDown(error: unknown): boolean {
  return nameOf(error) === 'ResponseError' && /server is shutting down/i.test(messageOf(error));
}

/** The server's answer inside a library error: the error itself, or the first one a `NoHostAvailableError` holds. */
function responseOf(error: unknown): LibraryError | undefined {
  if (nameOf(error) === 'ResponseError') return error as LibraryError;
  if (nameOf(error) === 'NoHostAvailableError')
    return innerErrorsOf(error).find((e) => nameOf(e) === 'ResponseError') as LibraryError | undefined;
  return undefined;
}

/**
 * Translate a failed call's error (a pool's `mapError`): a lost connection becomes
 * `ConnectionLostError` (the worker then reconnects), anything else from the library a
 * {@link CassandraQueryError} with the original as `cause` and the server's error code.
 * Outpools' own errors pass through.
 */
export function mapCallError(error: unknown, secrets: readonly string[]): unknown {
  if (error instanceof OutpoolsError) return error;
  if (isConnectionGone(error)) {
    return new ConnectionLostError(`cassandra connection lost: ${scrub(messageOf(error), secrets)}`, undefined, {
      cause: error,
    });
  }
  const response = responseOf(error);
  const serverCode = typeof response?.code === 'number' ? response.code : undefined;
  const message = scrub(messageOf(response ?? error), secrets);
  return new CassandraQueryError(`cassandra: ${message}`, serverCode, { cause: error });
}
