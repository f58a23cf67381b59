/**
 * Dial one LDAP server: a TCP socket, or a TLS socket whose peer has been verified (LDAPS), before
 * any LDAP message (and so any password) is sent. Bounded by the connect signal (the core's
 * connect deadline); no timer of its own.
 * @module
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TlsForHost } from '@outpools/core/driver';

/** Where to connect. */
export interface DialTarget {
  readonly host: string;
  readonly port: number;
  /** TLS for this host (LDAPS), or `undefined` for plain LDAP. */
  readonly tls: TlsForHost | undefined;
}

/** `host:port`, with brackets around an IPv6 address. */
export function serverName(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Open a connected socket to `target` (TLS: handshake done and `tls.verify` passed). Rejects with
 * the network or TLS error, or with the signal's reason when it aborts; the socket is then destroyed.
 */
export function dial(target: DialTarget, signal: AbortSignal): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const { host, port, tls } = target;
    const socket: Socket =
      tls === undefined
        ? process.getBuiltinModule('node:net').createConnection({ host, port })
        : process.getBuiltinModule('node:tls').connect({ ...tls.options, host, port });
    const ready = tls === undefined ? 'connect' : 'secureConnect';
    const fail = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error): void => fail(error);
    const onAbort = (): void => fail(signal.reason);
    const onClose = (): void => fail(new Error(`connection to ${serverName(host, port)} closed while connecting`));
    const onReady = (): void => {
      if (tls !== undefined) {
        try {
          tls.verify(socket as TLSSocket);
        } catch (error) {
          fail(error);
          return;
        }
      }
      cleanup();
      socket.setKeepAlive(true, 30_000);
      resolve(socket);
    };
    function cleanup(): void {
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off(ready, onReady);
      signal.removeEventListener('abort', onAbort);
    }
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(ready, onReady);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
