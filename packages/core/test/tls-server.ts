// A real TLS server on 127.0.0.1 (or ::1) for the TLS tests: records what each client sent.
import { once } from 'node:events';
import { connect, createServer, type TlsOptions, type TLSSocket } from 'node:tls';
import { defineDriver, TlsSchema, Type } from '@outpools/core/driver';
import type { AddressInfo } from 'node:net';

export interface SeenClient {
  /** The SNI name the client sent, or false. */
  readonly servername: string | false;
  /** The CN of the client certificate, when one was presented and verified. */
  readonly clientCn: string | undefined;
  readonly protocol: string | null;
}

export interface TestTlsServer {
  readonly port: number;
  readonly seen: SeenClient[];
  close(): Promise<void>;
}

export async function startTlsServer(options: TlsOptions, host = '127.0.0.1'): Promise<TestTlsServer> {
  const seen: SeenClient[] = [];
  const sockets = new Set<TLSSocket>();
  const server = createServer(options, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const peer = socket.getPeerCertificate();
    const cn = socket.authorized && peer?.subject ? String(peer.subject.CN) : undefined;
    seen.push({
      servername: (socket as TLSSocket & { servername: string | false }).servername,
      clientCn: cn,
      protocol: socket.getProtocol(),
    });
    socket.end('hello\n');
  });
  server.on('tlsClientError', () => {});
  server.listen(0, host);
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// A pool type whose connection is a bare TLS socket built from ctx.tls and checked by ctx.verifyTls.
export const tlsSocketDriver = defineDriver({
  type: 'tlssock',
  connectionSchema: Type.Object(
    { host: Type.String({ default: 'localhost' }), port: Type.Integer({ default: 1 }), tls: Type.Optional(TlsSchema) },
    { additionalProperties: false },
  ),
  connect(options, ctx) {
    return new Promise<TLSSocket>((resolve, reject) => {
      const socket = connect({ ...ctx.tls, host: options.host, port: options.port });
      socket.once('error', reject);
      socket.once('secureConnect', () => {
        try {
          ctx.verifyTls(socket);
          socket.on('error', () => {});
          resolve(socket);
        } catch (error) {
          socket.destroy();
          reject(error);
        }
      });
    });
  },
  async close(socket) {
    socket.destroy();
  },
  async ping() {
    return true;
  },
  client: (handle) => ({ authorized: () => handle.run((socket) => Promise.resolve(socket.authorized)) }),
});
