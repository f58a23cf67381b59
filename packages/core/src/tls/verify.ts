/**
 * The part of `verify_mode = "selfsigned_peer"` that Node's options cannot express (docs/configuration.md, TLS).
 * @module
 */
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import type { TlsConfig } from './schema.js';
import { ErrorCodes, OutpoolsError, type OutpoolsErrorOptions } from '../errors.js';
import { tlsCheckedName, type TlsTarget } from './map.js';

/** The code of {@link TlsPeerError}. */
export const TLS_PEER_ERROR_CODE = ErrorCodes.TlsPeerError;

/** OpenSSL verification codes that `selfsigned_peer` accepts. */
export const SELF_SIGNED_CODES: readonly string[] = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'];

/** The TLS peer was refused by {@link verifyTlsPeer}; `reason` is a short machine-readable cause. */
export class TlsPeerError extends OutpoolsError {
  /** The host that was connected to. */
  readonly host: string;
  /** `CERT_HAS_EXPIRED`, `CERT_NOT_YET_VALID`, `NO_PEER_CERTIFICATE`, `ERR_TLS_CERT_ALTNAME_INVALID` or Node's authorization error. */
  readonly reason: string;
  constructor(host: string, reason: string, message: string, options: OutpoolsErrorOptions = {}) {
    super(TLS_PEER_ERROR_CODE, `TLS peer ${host} refused: ${message}`, options);
    this.host = host;
    this.reason = reason;
  }
}

function authorizationCode(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String((error as { message?: unknown }).message ?? error);
}

/**
 * Finish peer verification for `verify_mode = "selfsigned_peer"` on a connected socket, and throw
 * a {@link TlsPeerError} (code `OUTPOOLS_TLS_PEER`) when the peer must be refused: the chain must
 * verify except for a self-signed certificate, the certificate must be within its validity dates,
 * and it must match the host name (SNI host, else `target.host`; no check when SNI is disabled).
 * These are checked here because, with `rejectUnauthorized: false`, Node reports only the first
 * problem. A no-op for `peer` (Node has verified everything) and `none`.
 *
 * @example
 * ```ts
 * socket.once('secureConnect', () => {
 *   try { verifyTlsPeer(socket, tls, { host }); } catch (error) { socket.destroy(error as Error); }
 * });
 * ```
 */
export function verifyTlsPeer(socket: TLSSocket, tls: TlsConfig, target: TlsTarget, now: Date = new Date()): void {
  if (tls.verify_mode !== 'selfsigned_peer') return;
  const host = target.host;
  const code = authorizationCode(socket.authorizationError);
  if (code !== undefined && !SELF_SIGNED_CODES.includes(code)) {
    throw new TlsPeerError(host, code, `certificate verification failed (${code})`);
  }
  const cert = socket.getPeerCertificate();
  if (cert === null || cert === undefined || Object.keys(cert).length === 0) {
    throw new TlsPeerError(host, 'NO_PEER_CERTIFICATE', 'the server sent no certificate');
  }
  const from = new Date(cert.valid_from);
  const to = new Date(cert.valid_to);
  if (!(from.getTime() <= now.getTime())) {
    throw new TlsPeerError(host, 'CERT_NOT_YET_VALID', `certificate is not valid before ${cert.valid_from}`);
  }
  if (!(now.getTime() <= to.getTime())) {
    throw new TlsPeerError(host, 'CERT_HAS_EXPIRED', `certificate expired on ${cert.valid_to}`);
  }
  const name = tlsCheckedName(tls, target);
  if (name === undefined) return;
  const mismatch = checkServerIdentity(name, cert);
  if (mismatch !== undefined) {
    throw new TlsPeerError(host, 'ERR_TLS_CERT_ALTNAME_INVALID', mismatch.message, { cause: mismatch });
  }
}
