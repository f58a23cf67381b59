/**
 * The socket factory of a worker's client: undici (inside `@elastic/elasticsearch`) calls it
 * whenever its one connection must be (re)opened. It opens TCP or TLS to the worker's server,
 * runs the pool's TLS peer check (`selfsigned_peer` needs it on the socket) before undici writes
 * anything, and keeps track of the socket so that closing the worker destroys it.
 *
 * A socket the server closes between requests is not reported to the pool: HTTP servers close
 * keep-alive connections for their own reasons (Elasticsearch does after some error answers), and
 * undici opens a new one for the next request. When that fails (the node is down), the request
 * fails with the library's `ConnectionError`, which the client maps to `ConnectionLostError`:
 * the pool then marks the worker broken and reconnects it with backoff.
 * @module
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';

/** undici's `connect` option: open a socket for the origin and call back with it. */
export type UndiciConnect = (
  options: { readonly hostname: string; readonly port: string; readonly protocol: string },
  callback: (error: Error | null, socket: Socket | null) => void,
) => void;

/** Where and how one worker's sockets are opened. */
export interface SocketTarget {
  readonly host: string;
  readonly port: number;
  /** Mapped `node:tls` options for https (with `servername` when one applies), `undefined` for http. */
  readonly tls: ConnectionOptions | undefined;
  /** Finish peer verification on an established TLS socket; throws to refuse the peer. */
  readonly verifyTls: (socket: TLSSocket) => void;
}

/** A socket factory for undici and the set of the sockets it opened and that are still open. */
export interface SocketFactory {
  readonly connect: UndiciConnect;
  /** Destroy every open socket (closing the worker). */
  destroyAll(): void;
}

/** Build the socket factory of one worker. */
export function socketFactory(target: SocketTarget): SocketFactory {
  const open = new Set<Socket>();
  let destroyed = false;
  const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;

  const connect: UndiciConnect = (_options, callback) => {
    if (destroyed) {
      callback(new Error(`the connection to ${where} is closed`), null);
      return;
    }
    const secure = target.tls !== undefined;
    let socket: Socket;
    try {
      socket = secure
        ? process.getBuiltinModule('node:tls').connect({ ...target.tls, host: target.host, port: target.port })
        : process.getBuiltinModule('node:net').createConnection({ host: target.host, port: target.port });
    } catch (error) {
      callback(error instanceof Error ? error : new Error(String(error)), null);
      return;
    }
    open.add(socket);
    let settled = false;
    let handedOver = false;
    // Permanent listener: an error after undici took the socket (or after we gave up on it) never
    // becomes an uncaught exception; undici adds its own listeners and reports it on the request.
    socket.on('error', (error: Error) => {
      if (!handedOver) settle(error);
    });
    socket.once('close', () => {
      open.delete(socket);
      if (!handedOver) settle(new Error(`the connection to ${where} closed while connecting`));
    });
    socket.once(secure ? 'secureConnect' : 'connect', () => {
      if (secure) {
        try {
          target.verifyTls(socket as TLSSocket);
        } catch (error) {
          settle(error instanceof Error ? error : new Error(String(error)));
          return;
        }
      }
      settle(undefined);
    });
    function settle(error: Error | undefined): void {
      if (settled) return;
      settled = true;
      if (error === undefined && !destroyed) {
        socket.setNoDelay(true);
        handedOver = true;
        callback(null, socket);
      } else {
        socket.destroy();
        callback(error ?? new Error(`the connection to ${where} is closed`), null);
      }
    }
  };

  return {
    connect,
    destroyAll() {
      destroyed = true;
      for (const socket of open) socket.destroy();
      open.clear();
    },
  };
}
