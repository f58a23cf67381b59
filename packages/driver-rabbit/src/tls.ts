/**
 * AMQPS: the `node:tls` options amqplib's socket gets.
 *
 * `verify_mode = "peer"` and `"none"` are expressed by the options the core maps (`ctx.tls`).
 * `"selfsigned_peer"` is not: Node accepts a self-signed peer only with `rejectUnauthorized: false`,
 * and then the peer must be checked on the socket (`ctx.verifyTls`) before any secret is sent.
 * amqplib sends the credentials as soon as the broker greets it and never exposes its socket
 * before that, so the driver first probes the broker with a TLS handshake of its own, checks that
 * socket with `ctx.verifyTls`, and then pins what it verified: amqplib's connection uses
 * `rejectUnauthorized: true` with the configured CAs plus the verified self-signed certificate.
 * Node then refuses, before the handshake completes, any peer other than the one verified.
 *
 * `disconnect_on_failure = false` (with `peer` or `selfsigned_peer`): the probe's check reports a
 * failure (the pool's `tls_verify_failed` event) instead of refusing, and amqplib's connection
 * then uses the core's options as they are (`rejectUnauthorized: false`).
 * @module
 */
import type { ConnectionOptions, DetailedPeerCertificate, TLSSocket } from 'node:tls';
import type { ConnectContext } from '@outpools/core/driver';
import type { RabbitConnectionOptions } from './schema.js';

/** The TLS socket options of one amqps connection (`undefined` for plain amqp). */
export async function amqpsOptions(
  options: RabbitConnectionOptions,
  ctx: ConnectContext,
  signal: AbortSignal,
): Promise<ConnectionOptions | undefined> {
  const base = ctx.tls;
  if (base === undefined) return undefined;
  const tls = options.tls;
  if (tls === undefined || tls.verify_mode === 'none') return base;
  if (tls.disconnect_on_failure === false) {
    (await probe(options.host, options.port, base, ctx, signal)).destroy();
    return base;
  }
  if (tls.verify_mode !== 'selfsigned_peer') return base;
  const socket = await probe(options.host, options.port, base, ctx, signal);
  try {
    if (socket.authorizationError === null || socket.authorizationError === undefined) {
      return { ...base, rejectUnauthorized: true };
    }
    const anchor = selfSignedAnchor(socket.getPeerCertificate(true));
    return { ...base, rejectUnauthorized: true, ca: [...caList(base.ca), pemOf(anchor.raw)] };
  } finally {
    socket.destroy();
  }
}

/** Handshake with the broker and run `ctx.verifyTls` on the socket; nothing is sent over it. */
function probe(
  host: string,
  port: number,
  base: ConnectionOptions,
  ctx: ConnectContext,
  signal: AbortSignal,
): Promise<TLSSocket> {
  return new Promise<TLSSocket>((resolve, reject) => {
    const socketOptions: ConnectionOptions & { signal: AbortSignal } = { ...base, host, port, signal };
    const socket = process.getBuiltinModule('node:tls').connect(socketOptions);
    const fail = (error: unknown): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', fail);
    socket.once('close', () => fail(new Error(`TLS connection to ${host}:${port} closed during the handshake`)));
    socket.once('secureConnect', () => {
      socket.removeAllListeners('close');
      try {
        ctx.verifyTls(socket);
      } catch (error) {
        fail(error);
        return;
      }
      socket.removeListener('error', fail);
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

/** The self-signed certificate at the top of the peer's chain (the leaf when it signs itself). */
function selfSignedAnchor(cert: DetailedPeerCertificate): DetailedPeerCertificate {
  let current = cert;
  for (let depth = 0; depth < 16; depth += 1) {
    const issuer = current.issuerCertificate as DetailedPeerCertificate | undefined;
    if (issuer === undefined || issuer === current || issuer.fingerprint256 === current.fingerprint256) return current;
    current = issuer;
  }
  return current;
}

function pemOf(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function caList(ca: ConnectionOptions['ca']): Array<string | Buffer> {
  if (ca === undefined) return [];
  return Array.isArray(ca) ? [...(ca as Array<string | Buffer>)] : [ca as string | Buffer];
}
