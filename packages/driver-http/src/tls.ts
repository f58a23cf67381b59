/**
 * TLS for `https://` origins.
 *
 * With a `tls` section the pool maps it once (see "TLS" in docs/configuration.md) against the
 * origin's host name (the driver's `tlsHost`) and hands it
 * over as `ctx.tls`, with `ctx.verifyTls` for the `selfsigned_peer` check; every socket of the
 * worker uses them. Without one, an `https://` origin gets Node's defaults: the peer is verified
 * against Node's trust store and the host name, with SNI unless the host is an IP address.
 * @module
 */
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { ConnectContext } from '@outpools/core/driver';
import type { HttpOrigin } from './origin.js';

/** TLS options for the sockets of one origin, and the peer check to run on each. */
export interface OriginTls {
  readonly options: ConnectionOptions;
  readonly verify: (socket: TLSSocket) => void;
}

/** The TLS settings of an https origin for one worker. */
export function tlsForOrigin(ctx: Pick<ConnectContext, 'tls' | 'verifyTls'>, origin: HttpOrigin): OriginTls {
  if (ctx.tls === undefined) {
    return { options: origin.isIp ? {} : { servername: origin.hostname }, verify: noVerify };
  }
  return { options: ctx.tls, verify: (socket) => ctx.verifyTls(socket) };
}

function noVerify(): void {}
