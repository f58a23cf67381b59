/**
 * Errors of the ldap pool type. Client-library errors are wrapped with the original as `cause`;
 * no message ever contains a password (the pool's `password` or one given to `checkPassword`).
 * @module
 */
import { OutpoolsError, type OutpoolsErrorOptions } from '@outpools/core/driver';

/** The stable codes of the ldap errors. */
export const LdapErrorCodes = {
  LdapConnectError: 'OUTPOOLS_LDAP_CONNECT',
  LdapBindError: 'OUTPOOLS_LDAP_BIND',
  LdapResultError: 'OUTPOOLS_LDAP_RESULT',
  LdapRequestError: 'OUTPOOLS_LDAP_REQUEST',
  LdapLibraryMissingError: 'OUTPOOLS_LDAP_LIBRARY_MISSING',
} as const;

/** Why one server of the list could not be used, as reported in {@link LdapConnectError.attempts}. */
export interface LdapServerAttempt {
  /** `host:port` that was dialled. */
  readonly server: string;
  /** What went wrong there (never a password). */
  readonly message: string;
}

function attemptsText(attempts: readonly LdapServerAttempt[]): string {
  return attempts.map((a) => `${a.server}: ${a.message}`).join('; ');
}

/**
 * No server of `servers` could be connected (refused, TLS refused, not an LDAP server...). The
 * worker retries every `connect_interval` ms, from the first server of the list.
 */
export class LdapConnectError extends OutpoolsError {
  /** One entry per server tried, in list order. */
  readonly attempts: readonly LdapServerAttempt[];
  constructor(
    attempts: readonly LdapServerAttempt[],
    options: OutpoolsErrorOptions = {},
    code: string = LdapErrorCodes.LdapConnectError,
  ) {
    super(code, `no ldap server could be used: ${attemptsText(attempts)}`, options);
    this.attempts = attempts;
  }
}

/**
 * A server refused the pool's simple bind as `root_dn` (wrong password, unknown DN...). The
 * message names the DN and the server's result, never the password.
 */
export class LdapBindError extends LdapConnectError {
  constructor(attempts: readonly LdapServerAttempt[], options: OutpoolsErrorOptions = {}) {
    super(attempts, options, LdapErrorCodes.LdapBindError);
  }
}

/**
 * The server answered a request with a result code other than success (`noSuchObject`,
 * `alreadyExists`, `insufficientAccessRights`...). The connection stays usable.
 */
export class LdapResultError extends OutpoolsError {
  /** The LDAP result code (RFC 4511 4.1.9), e.g. 32 for noSuchObject. */
  readonly resultCode: number;
  /** The client library's name for it, e.g. `NoSuchObjectError`. */
  readonly resultName: string;
  constructor(
    operation: string,
    resultCode: number,
    resultName: string,
    detail: string,
    options: OutpoolsErrorOptions = {},
  ) {
    super(
      LdapErrorCodes.LdapResultError,
      `ldap ${operation} failed: ${resultName} (${resultCode})${detail ? `: ${detail}` : ''}`,
      options,
    );
    this.resultCode = resultCode;
    this.resultName = resultName;
  }
}

/** A request could not be built or sent (an invalid filter, DN or argument); nothing reached the server. */
export class LdapRequestError extends OutpoolsError {
  constructor(operation: string, detail: string, options: OutpoolsErrorOptions = {}) {
    super(LdapErrorCodes.LdapRequestError, `ldap ${operation} request is invalid: ${detail}`, options);
  }
}

/** The client library `ldapts` could not be loaded (not installed). */
export class LdapLibraryMissingError extends OutpoolsError {
  constructor(options: OutpoolsErrorOptions = {}) {
    super(
      LdapErrorCodes.LdapLibraryMissingError,
      'the ldap pool type needs the npm package "ldapts", which could not be loaded: install it (npm install ldapts@8)',
      options,
    );
  }
}

/** Replace every occurrence of the given secrets in `text` by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret !== '') out = out.split(secret).join('***');
  return out;
}
