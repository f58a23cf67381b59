/**
 * An AMQPS endpoint with a certificate of the test's choosing: a TLS server on a free loopback
 * port that forwards every connection to the private node's plain AMQP port. It counts the bytes
 * it forwarded, so a test can prove a refused peer never received anything (no credentials).
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';

/** A running proxy. */
export interface TlsProxy {
  readonly port: number;
  /** Application bytes received from clients (after the TLS handshake). */
  forwardedBytes(): number;
  close(): Promise<void>;
}

/** Start a TLS proxy to 127.0.0.1:`targetPort` presenting `certFile`/`keyFile`. */
export function startTlsProxy(certFile: string, keyFile: string, targetPort: number): Promise<TlsProxy> {
  let bytes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (client) => {
    const upstream = connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    client.pipe(upstream).pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        forwardedBytes: () => bytes,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
