/**
 * TLS for a worker's client. cassandra-driver takes one `sslOptions` for every node it dials, so
 * the pool's mapped `connection.tls` (for the first server) is used for all of them.
 *
 * `verify_mode = "selfsigned_peer"` cannot be expressed in `node:tls` options, and
 * cassandra-driver gives no access to its sockets before it sends the credentials. So each
 * connect first opens one TLS connection of its own to every configured server, verifies the
 * peer there (`ctx.tlsFor(host).verify`: the chain may end in a self-signed certificate; validity dates and
 * host name are checked), and pins the root certificate each server presented: the client then
 * connects with `rejectUnauthorized: true` and those roots as `ca`, so Node verifies every one
 * of its connections in full and a peer that was not checked is refused before any secret is sent.
 *
 * `disconnect_on_failure = false` (with `peer` or `selfsigned_peer`): the same probe runs the
 * check, which reports a failure (the pool's `tls_verify_failed` event) instead of refusing, and
 * the client then uses the core's options as they are (`rejectUnauthorized: false`).
 * @module
 */
import type { ConnectionOptions, DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { ConnectContext, TlsForHost } from '@outpools/core/driver';
import type { CassandraConnectionOptions, CassandraServer } from './schema.js';

/** The TLS options and the peer check of one server. */
export type ServerTls = TlsForHost;

type TlsForContext = Pick<ConnectContext, 'tlsFor'>;

/** The PEM of the last certificate of the chain a server presented (its root, or a self-signed leaf). */
export function rootCertificatePem(socket: TLSSocket): string | undefined {
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  if (cert === undefined || cert.raw === undefined) return undefined;
  while (
    cert.issuerCertificate !== undefined &&
    cert.issuerCertificate !== cert &&
    cert.issuerCertificate.raw !== undefined
  ) {
    if (cert.issuerCertificate.fingerprint256 === cert.fingerprint256) break;
    cert = cert.issuerCertificate;
  }
  return new (process.getBuiltinModule('node:crypto').X509Certificate)(cert.raw).toString();
}

/**
 * Open a TLS connection to `server`, run its peer check and return the root certificate it
 * presented. Nothing but the handshake is sent. Rejects when the check fails, the handshake
 * fails or `signal` aborts.
 */
export function probeServerRoot(server: CassandraServer, tls: ServerTls, signal: AbortSignal): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    signal.throwIfAborted();
    const socket = process
      .getBuiltinModule('node:tls')
      .connect({ ...tls.options, host: server.host, port: server.port });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason instanceof Error ? signal.reason : new Error('TLS check aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
    };
    socket.once('secureConnect', () => {
      try {
        tls.verify(socket);
        const pem = rootCertificatePem(socket);
        if (pem === undefined) throw new Error('the server sent no certificate');
        resolve(pem);
      } catch (error) {
        reject(error);
      } finally {
        done();
      }
    });
    socket.once('error', (error) => {
      done();
      reject(error);
    });
    socket.once('close', () => {
      done();
      reject(new Error('the connection closed during the TLS handshake'));
    });
  });
}

/**
 * The `sslOptions` of a worker's client, or `undefined` without a `tls` section. For
 * `selfsigned_peer` this checks every configured server first (see the module comment).
 */
export async function clientSslOptions(
  options: CassandraConnectionOptions,
  ctx: TlsForContext & Pick<ConnectContext, 'signal'>,
): Promise<ConnectionOptions | undefined> {
  const first = options.servers[0];
  if (options.tls === undefined || first === undefined) return undefined;
  const base = ctx.tlsFor(first.host);
  if (base === undefined) return undefined;
  if (options.tls.verify_mode === 'none') return base.options;
  if (options.tls.disconnect_on_failure === false) {
    for (const server of options.servers) {
      // Only to report; a server that cannot be reached fails the client's own connect.
      await probeServerRoot(server, ctx.tlsFor(server.host) ?? base, ctx.signal).catch(() =>
        ctx.signal.throwIfAborted(),
      );
    }
    return base.options;
  }
  if (options.tls.verify_mode !== 'selfsigned_peer') return base.options;
  const roots: string[] = [];
  let firstError: unknown;
  for (const server of options.servers) {
    const tls = ctx.tlsFor(server.host) ?? base;
    try {
      roots.push(await probeServerRoot(server, tls, ctx.signal));
    } catch (error) {
      ctx.signal.throwIfAborted();
      firstError ??= error;
    }
  }
  // A server that could not be checked is not trusted; when none could, the connect fails here.
  if (roots.length === 0) throw firstError ?? new Error('no server to check');
  const configured = base.options.ca;
  const ca = configured === undefined ? [] : Array.isArray(configured) ? configured : [configured];
  return { ...base.options, rejectUnauthorized: true, ca: [...ca, ...roots] };
}
