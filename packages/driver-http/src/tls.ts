/**
 * TLS for `https://` origins: the seed's TLS section mapped against the origin's host name.
 *
 * The pool's `ctx.tls` / `ctx.verifyTls` are mapped against the connection's `host` option,
 * which for http is a whole origin (`https://name:port`), not a host name; so this driver maps
 * `connection.tls` itself with the core's {@link toNodeTlsOptions} and {@link verifyTlsPeer}
 * against the origin's host name (same rules, same code), once per options object.
 * @module
 */
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { toNodeTlsOptions, verifyTlsPeer, type TlsConfig } from '@outpools/core';
import type { HttpOrigin } from './origin.js';

/** TLS options for the sockets of one origin, and the peer check to run on each. */
export interface OriginTls {
  readonly options: ConnectionOptions;
  readonly verify: (socket: TLSSocket) => void;
}

const cache = new WeakMap<TlsConfig, Map<string, OriginTls>>();

/**
 * The TLS settings for an https origin. Without a TLS section: Node's defaults (the peer is
 * verified against Node's trust store and the host name; SNI unless the host is an IP address).
 */
export function tlsForOrigin(config: TlsConfig | undefined, origin: HttpOrigin): OriginTls {
  if (config === undefined) {
    return { options: origin.isIp ? {} : { servername: origin.hostname }, verify: noVerify };
  }
  let byHost = cache.get(config);
  if (byHost === undefined) {
    byHost = new Map();
    cache.set(config, byHost);
  }
  const known = byHost.get(origin.hostname);
  if (known) return known;
  const target = { host: origin.hostname };
  const mapped: OriginTls = {
    options: toNodeTlsOptions(config, target),
    verify: (socket) => verifyTlsPeer(socket, config, target),
  };
  byHost.set(origin.hostname, mapped);
  return mapped;
}

function noVerify(): void {}
