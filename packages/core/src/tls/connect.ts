/**
 * A verified TLS connection in one call: map the options, connect, verify the peer.
 * @module
 */
import type { TLSSocket } from 'node:tls';
import type { TlsConfig } from './schema.js';
import { toNodeTlsOptions } from './map.js';
import { type TlsFailureListener, verifyTlsPeer } from './verify.js';

/** Options of {@link connectTls}. */
export interface ConnectTlsOptions {
  readonly host: string;
  readonly port: number;
  /** The `connection.tls` section (after defaults). */
  readonly tls: TlsConfig;
  /** Aborting destroys the socket and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Receives a verification failure that `disconnect_on_failure = false` lets through. */
  readonly onTlsFailure?: TlsFailureListener;
}

/**
 * Connect to `host:port` with TLS mapped from `tls`, and resolve once the handshake is done and
 * {@link verifyTlsPeer} accepted the peer. On any failure (network, handshake, Node's verification
 * under `peer`, a `TlsPeerError` under `selfsigned_peer`, abort) the socket is destroyed and the
 * promise rejects with that error.
 *
 * @example
 * ```ts
 * const socket = await connectTls({ host: 'localhost', port: 6380, tls: { verify_mode: 'peer', cacertfile: 'ca.pem' } });
 * socket.end();
 * ```
 */
export function connectTls(options: ConnectTlsOptions): Promise<TLSSocket> {
  const { host, port, tls, signal, onTlsFailure } = options;
  return new Promise<TLSSocket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // node:tls is loaded on the first connect, not by `outpools check`.
    const socket = process.getBuiltinModule('node:tls').connect({ ...toNodeTlsOptions(tls, { host }), host, port });
    const fail = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => fail(error);
    const onAbort = (): void => fail(signal?.reason);
    const onClose = (): void =>
      fail(new Error(`TLS connection to ${host}:${port} closed before the handshake completed`));
    const onSecure = (): void => {
      try {
        verifyTlsPeer(socket, tls, { host }, new Date(), onTlsFailure);
      } catch (error) {
        fail(error);
        return;
      }
      cleanup();
      resolve(socket);
    };
    function cleanup(): void {
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('secureConnect', onSecure);
      signal?.removeEventListener('abort', onAbort);
    }
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('secureConnect', onSecure);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
