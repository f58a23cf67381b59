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
  PipelineAbortedError: 'OUTPOOLS_RDBMS_PIPELINE_ABORTED',
  StatementRefusedError: 'OUTPOOLS_RDBMS_STATEMENT_REFUSED',
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

/**
 * pgsql with `pipeline` > 1: a statement failed because the statement ahead of it on the same
 * pipelined connection passed `query_timeout` without an answer, so the connection was given up.
 * `mayHaveRun` says whether it may have run on the server: `true` when it had been sent (its
 * result is lost), `false` when the connection was already closing and it was never sent. It is
 * never retried by the pool.
 */
export class PipelineAbortedError extends OutpoolsError {
  /** It was sent to the server before the connection was given up (it may have run). */
  readonly mayHaveRun: boolean;
  constructor(mayHaveRun: boolean, queryTimeoutMs: number, options: OutpoolsErrorOptions = {}) {
    super(
      RdbmsErrorCodes.PipelineAbortedError,
      mayHaveRun
        ? `statement aborted: a statement ahead of it on the pipelined connection passed query_timeout (${queryTimeoutMs} ms) and the connection was closed; it was sent and may have run`
        : `statement not sent: the pipelined connection is closing after a statement passed query_timeout (${queryTimeoutMs} ms); it did not run`,
      options,
    );
    this.mayHaveRun = mayHaveRun;
  }
}

/**
 * pgsql with `pipeline` > 1: `query()` was given a statement that opens a transaction (`BEGIN`,
 * `START TRANSACTION`), which would capture the statements of other callers pipelined behind it.
 * It is never sent (`mayHaveRun` is `false`); run the transaction with `transaction()`, which
 * owns its connection while it runs.
 */
export class StatementRefusedError extends OutpoolsError {
  readonly mayHaveRun = false;
  constructor(options: OutpoolsErrorOptions = {}) {
    super(
      RdbmsErrorCodes.StatementRefusedError,
      'statement refused on a pipelined connection (pipeline > 1): BEGIN/START TRANSACTION through query() would ' +
        'take in the statements of other callers; use transaction(), which owns its connection while it runs',
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
