/**
 * An ioredis connector that finishes TLS peer verification before ioredis sees the socket.
 *
 * ioredis writes its handshake (AUTH or HELLO, SELECT, ...) as soon as its connector hands it a
 * connected stream. Its stock connector hands over a TLS socket that is still handshaking, so
 * the earliest point where outpools can check the peer (`ctx.verifyTls`, required for
 * `verify_mode = "selfsigned_peer"`) would be after ioredis has queued AUTH. This connector
 * instead waits for `secureConnect`, runs the check, and only then resolves the stream: a peer
 * that fails verification never receives the password.
 * @module
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { AbstractConnector } from 'ioredis';
import { batchWritesPerTurn } from '@outpools/core/driver';
import type { IoredisModule } from './load.js';

/** What {@link verifyingConnector} needs from the pool's connect context. */
export interface VerifyingConnectorOptions {
  readonly host: string;
  readonly port: number;
  /** Mapped `node:tls` options, or `undefined` for plaintext. */
  readonly tls: ConnectionOptions | undefined;
  /** Finish peer verification; throws to refuse the peer. */
  readonly verifyTls: (socket: TLSSocket) => void;
  /** `auto_pipelining`: the socket's writes of one turn of the event loop leave in one system call. */
  readonly batchWrites: boolean;
}

/** The shape ioredis expects for its `Connector` option. */
export type ConnectorClass = new (options: unknown) => AbstractConnector;

/**
 * Build an ioredis `Connector` class bound to one worker's address and TLS settings.
 * For plaintext it behaves like ioredis' own connector; for TLS it resolves only after the
 * handshake and `verifyTls` succeeded. It has no timer: the core bounds the whole connect
 * attempt (`ctx.signal`), whose abort disconnects ioredis, which destroys the stream here.
 */
export function verifyingConnector(ioredis: IoredisModule, options: VerifyingConnectorOptions): ConnectorClass {
  return class VerifyingConnector extends ioredis.AbstractConnector {
    constructor(_redisOptions: unknown) {
      super(2000);
    }

    /**
     * Close at once. ioredis' own connector half-closes and waits up to a timeout for the server
     * to answer; a pool closes a connection only after draining it, or because it is broken or
     * hanging, so waiting for the server buys nothing.
     */
    override disconnect(): void {
      this.connecting = false;
      this.stream?.destroy();
    }

    connect(): Promise<Socket> {
      this.connecting = true;
      return new Promise<Socket>((resolve, reject) => {
        process.nextTick(() => {
          if (!this.connecting) {
            reject(new Error('Connection is closed.'));
            return;
          }
          let stream: Socket;
          try {
            stream = options.tls
              ? process.getBuiltinModule('node:tls').connect({ ...options.tls, host: options.host, port: options.port })
              : process.getBuiltinModule('node:net').createConnection({ host: options.host, port: options.port });
          } catch (error) {
            reject(error);
            return;
          }
          this.stream = stream;
          if (options.batchWrites) batchWritesPerTurn(stream);
          // A permanent listener: an 'error' between now and ioredis attaching its own handlers
          // (or a second one after its `once` handler ran) must never become an uncaught exception.
          stream.on('error', (error: Error) => {
            this.firstError ??= error;
          });
          if (!options.tls) {
            resolve(stream);
            return;
          }
          waitForVerifiedTls(stream as TLSSocket, options).then(
            () => resolve(stream),
            (error: unknown) => {
              stream.destroy();
              reject(error);
            },
          );
        });
      });
    }
  };
}

function waitForVerifiedTls(socket: TLSSocket, options: VerifyingConnectorOptions): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => done(error);
    const onClose = (): void =>
      done(new Error(`connection to ${options.host}:${options.port} closed during TLS handshake`));
    const onSecure = (): void => {
      try {
        options.verifyTls(socket);
        done();
      } catch (error) {
        done(error);
      }
    };
    function done(error?: unknown): void {
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('secureConnect', onSecure);
      if (error === undefined) resolve();
      else reject(error);
    }
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.once('secureConnect', onSecure);
  });
}
