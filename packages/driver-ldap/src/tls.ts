/**
 * TLS for the server a worker dials. A pool has one `tls` section but several `servers`: the
 * certificate must be checked against the host actually dialled (the second server during a
 * failover), so the mapping is made per host.
 * @module
 */
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { toNodeTlsOptions, verifyTlsPeer, type ConnectContext } from '@outpools/core';
import type { LdapConnectionOptions } from './schema.js';

/** The `node:tls` options for one server and the check to run on its connected socket. */
export interface ServerTls {
  readonly options: ConnectionOptions;
  readonly verify: (socket: TLSSocket) => void;
}

/** The core's per-host TLS mapping (`ConnectContext.tlsFor`), where the core provides it. */
type TlsForContext = ConnectContext & { readonly tlsFor?: (host: string) => ServerTls | undefined };

const cache = new WeakMap<LdapConnectionOptions, Map<string, ServerTls>>();

/**
 * TLS for `host`, or `undefined` without a `tls` section. Uses the core's `ctx.tlsFor(host)` when
 * the context has it; otherwise maps the section with the core's `toNodeTlsOptions` /
 * `verifyTlsPeer` for `host` (read once per pool options and host: the CA file is not re-read on
 * every reconnect).
 */
export function tlsForServer(options: LdapConnectionOptions, ctx: ConnectContext, host: string): ServerTls | undefined {
  const tls = options.tls;
  if (tls === undefined) return undefined;
  const tlsFor = (ctx as TlsForContext).tlsFor;
  if (typeof tlsFor === 'function') return tlsFor.call(ctx, host);
  let perHost = cache.get(options);
  if (perHost === undefined) {
    perHost = new Map();
    cache.set(options, perHost);
  }
  let mapped = perHost.get(host);
  if (mapped === undefined) {
    const target = { host };
    mapped = { options: toNodeTlsOptions(tls, target), verify: (socket) => verifyTlsPeer(socket, tls, target) };
    perHost.set(host, mapped);
  }
  return mapped;
}
