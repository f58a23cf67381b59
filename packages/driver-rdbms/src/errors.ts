/**
 * Errors of the rdbms pool type. Client-library errors are wrapped with the original as `cause`;
 * no message ever contains a password.
 * @module
 */
import { OutpoolsError, type OutpoolsErrorOptions } from '@outpools/core/driver';

/** The stable codes of the rdbms errors. */
export const RdbmsErrorCodes = {
  QueryError: 'OUTPOOLS_RDBMS_QUERY',
  QueryTimeoutError: 'OUTPOOLS_RDBMS_QUERY_TIMEOUT',
  RdbmsConnectError: 'OUTPOOLS_RDBMS_CONNECT',
  ClientLibraryMissingError: 'OUTPOOLS_RDBMS_LIBRARY_MISSING',
  TransactionClosedError: 'OUTPOOLS_RDBMS_TRANSACTION_CLOSED',
} as const;

/** The database refused a statement (SQL error); the connection stays usable. */
export class QueryError extends OutpoolsError {
  /** The SQLSTATE, when the library reports one (`42P01`, `42S02`, ...). */
  readonly sqlState: string | undefined;
  constructor(message: string, sqlState: string | undefined, options: OutpoolsErrorOptions = {}) {
    super(RdbmsErrorCodes.QueryError, message, options);
    this.sqlState = sqlState;
  }
}

/** A statement ran longer than `query_timeout`. */
export class QueryTimeoutError extends OutpoolsError {
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options: OutpoolsErrorOptions = {}) {
    super(RdbmsErrorCodes.QueryTimeoutError, `query timed out after ${timeoutMs} ms (query_timeout)`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** Opening a connection failed (refused, authentication, TLS); the pool retries with backoff. */
export class RdbmsConnectError extends OutpoolsError {
  constructor(message: string, options: OutpoolsErrorOptions = {}) {
    super(RdbmsErrorCodes.RdbmsConnectError, message, options);
  }
}

/** The client library a pool selects is not installed. */
export class ClientLibraryMissingError extends OutpoolsError {
  /** The npm package to install. */
  readonly packageName: string;
  constructor(packageName: string, driver: string, options: OutpoolsErrorOptions = {}) {
    super(
      RdbmsErrorCodes.ClientLibraryMissingError,
      `driver = "${driver}" needs the npm package "${packageName}", which could not be loaded: install it (npm install ${packageName})`,
      options,
    );
    this.packageName = packageName;
  }
}

/** A transaction's `tx.query()` was called after the transaction finished or timed out. */
export class TransactionClosedError extends OutpoolsError {
  constructor(options: OutpoolsErrorOptions = {}) {
    super(
      RdbmsErrorCodes.TransactionClosedError,
      'the transaction is already finished (committed, rolled back or timed out)',
      options,
    );
  }
}

const SECRET_PATTERN = /((?:^|;)\s*(?:PWD|PASSWORD)\s*=\s*)(\{[^}]*\}|[^;]*)/gi;

/** Remove `PWD=...` / `Password=...` values of an ODBC connection string from a text. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(SECRET_PATTERN, '$1***');
  for (const secret of secrets) if (secret) out = out.split(secret).join('***');
  return out;
}
