/**
 * The part of `verify_mode = "selfsigned_peer"` that Node's options cannot express (docs/configuration.md, TLS).
 * @module
 */
import type { TLSSocket } from 'node:tls';
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
  /** What is wrong with the peer, without the "TLS peer ... refused" prefix. */
  readonly detail: string;
  constructor(host: string, reason: string, message: string, options: OutpoolsErrorOptions = {}) {
    super(TLS_PEER_ERROR_CODE, `TLS peer ${host} refused: ${message}`, options);
    this.host = host;
    this.reason = reason;
    this.detail = message;
  }
}

function authorizationCode(error: unknown): string | undefined {
  if (error === null || error === undefined) return undefined;
  if (typeof error === 'string') return error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : String((error as { message?: unknown }).message ?? error);
}

/** Receives a verification failure that `disconnect_on_failure = false` lets through. */
export type TlsFailureListener = (failure: TlsPeerError) => void;

/**
 * Finish peer verification on a connected socket, where Node's options could not: throw a
 * {@link TlsPeerError} (code `OUTPOOLS_TLS_PEER`) when the peer must be refused.
 *
 * - `verify_mode = "selfsigned_peer"`: the chain must verify except for a self-signed
 *   certificate, the certificate must be within its validity dates, and it must match the host
 *   name (SNI host, else `target.host`; no check when SNI is disabled). These are checked here
 *   because, with `rejectUnauthorized: false`, Node reports only the first problem.
 * - `verify_mode = "peer"`: Node has verified everything (a no-op), except with
 *   `disconnect_on_failure = false`, where Node let the connection through and the chain and
 *   host name are checked here.
 * - `verify_mode = "none"`: a no-op.
 *
 * With `disconnect_on_failure = false` a failure is not thrown: it goes to `onFailure` (the
 * engine publishes it as a `tls_verify_failed` event) and the connection is used.
 *
 * @example
 * ```ts
 * socket.once('secureConnect', () => {
 *   try { verifyTlsPeer(socket, tls, { host }); } catch (error) { socket.destroy(error as Error); }
 * });
 * ```
 */
export function verifyTlsPeer(
  socket: TLSSocket,
  tls: TlsConfig,
  target: TlsTarget,
  now: Date = new Date(),
  onFailure?: TlsFailureListener,
): void {
  const failure = tlsPeerFailure(socket, tls, target, now);
  if (failure === undefined) return;
  if (tls.disconnect_on_failure !== false) throw failure;
  onFailure?.(failure);
}

/**
 * Why the peer of `socket` fails verification under `tls`, or `undefined` when it passes (or when
 * Node already enforced everything: `peer` with `disconnect_on_failure = true`; `none`).
 */
export function tlsPeerFailure(
  socket: TLSSocket,
  tls: TlsConfig,
  target: TlsTarget,
  now: Date = new Date(),
): TlsPeerError | undefined {
  if (tls.verify_mode === 'selfsigned_peer') return selfSignedFailure(socket, tls, target, now);
  if (tls.verify_mode === 'peer' && tls.disconnect_on_failure === false) return peerFailure(socket, tls, target);
  return undefined;
}

/** `peer` with `rejectUnauthorized: false`: Node's verdict, plus the host name check Node skips after a chain error. */
function peerFailure(socket: TLSSocket, tls: TlsConfig, target: TlsTarget): TlsPeerError | undefined {
  const host = target.host;
  const code = authorizationCode(socket.authorizationError);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new TlsPeerError(host, code, 'certificate does not match the host name');
  }
  const mismatch = hostMismatch(socket, tls, target);
  if (code !== undefined) {
    const also = mismatch === undefined ? '' : `; ${mismatch.message}`;
    return new TlsPeerError(host, code, `certificate verification failed (${code})${also}`);
  }
  return mismatch;
}

function hostMismatch(socket: TLSSocket, tls: TlsConfig, target: TlsTarget): TlsPeerError | undefined {
  const name = tlsCheckedName(tls, target);
  if (name === undefined) return undefined;
  const cert = socket.getPeerCertificate();
  if (cert === null || cert === undefined || Object.keys(cert).length === 0) {
    return new TlsPeerError(target.host, 'NO_PEER_CERTIFICATE', 'the server sent no certificate');
  }
  const mismatch = process.getBuiltinModule('node:tls').checkServerIdentity(name, cert);
  return mismatch === undefined
    ? undefined
    : new TlsPeerError(target.host, 'ERR_TLS_CERT_ALTNAME_INVALID', mismatch.message, { cause: mismatch });
}

function selfSignedFailure(socket: TLSSocket, tls: TlsConfig, target: TlsTarget, now: Date): TlsPeerError | undefined {
  const host = target.host;
  const code = authorizationCode(socket.authorizationError);
  if (code !== undefined && !SELF_SIGNED_CODES.includes(code)) {
    return new TlsPeerError(host, code, `certificate verification failed (${code})`);
  }
  const cert = socket.getPeerCertificate();
  if (cert === null || cert === undefined || Object.keys(cert).length === 0) {
    return new TlsPeerError(host, 'NO_PEER_CERTIFICATE', 'the server sent no certificate');
  }
  const from = new Date(cert.valid_from);
  const to = new Date(cert.valid_to);
  if (!(from.getTime() <= now.getTime())) {
    return new TlsPeerError(host, 'CERT_NOT_YET_VALID', `certificate is not valid before ${cert.valid_from}`);
  }
  if (!(now.getTime() <= to.getTime())) {
    return new TlsPeerError(host, 'CERT_HAS_EXPIRED', `certificate expired on ${cert.valid_to}`);
  }
  return hostMismatch(socket, tls, target);
}
