/**
 * Opening one TCP or TLS socket to the origin, with the TLS peer fully verified before anyone
 * writes to it. Used for the first connection of a worker (so a worker whose server is down never
 * becomes live) and as undici's `connect` option for every later one. It has no timer: the first
 * connect is bounded by the core (`ctx.signal`), a later one by the connection (see
 * `HttpConnection`), both through the `signal` given here.
 * @module
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';

/** Where and how to open a socket. */
export interface SocketTarget {
  readonly hostname: string;
  readonly port: number;
  /** Mapped `node:tls` options for https, `undefined` for http. */
  readonly tls: ConnectionOptions | undefined;
  /** Finish peer verification on the established TLS socket; throws to refuse the peer. */
  readonly verifyTls: (socket: TLSSocket) => void;
}

/**
 * Open a socket and resolve once it is connected (plaintext) or once the TLS handshake finished
 * and {@link SocketTarget.verifyTls} accepted the peer. On any failure the socket is destroyed
 * and the promise rejects; the socket never emits an unhandled `'error'`. An abort of `signal`
 * gives up with its reason.
 */
export function openSocket(target: SocketTarget, signal?: AbortSignal): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const secure = target.tls !== undefined;
    let socket: Socket;
    try {
      socket = secure
        ? process.getBuiltinModule('node:tls').connect({ ...target.tls, host: target.hostname, port: target.port })
        : process.getBuiltinModule('node:net').createConnection({ host: target.hostname, port: target.port });
    } catch (error) {
      reject(error);
      return;
    }
    // Permanent: a late 'error' (after undici took the socket and detached, or after we gave up)
    // must never become an uncaught exception. undici adds its own listeners for its use.
    socket.on('error', noop);
    const onAbort = (): void => finish(signal?.reason ?? new Error('connect aborted'));
    const onError = (error: Error): void => finish(error);
    const onClose = (): void => finish(new Error(`connection to ${describe(target)} closed while connecting`));
    const onConnected = (): void => {
      if (secure) {
        try {
          target.verifyTls(socket as TLSSocket);
        } catch (error) {
          finish(error);
          return;
        }
      }
      finish();
    };
    const event = secure ? 'secureConnect' : 'connect';
    function finish(error?: unknown): void {
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off(event, onConnected);
      if (error === undefined) {
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 60_000);
        resolve(socket);
      } else {
        socket.destroy();
        reject(error);
      }
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once(event, onConnected);
  });
}

function describe(target: SocketTarget): string {
  return `${target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname}:${target.port}`;
}

function noop(): void {}
