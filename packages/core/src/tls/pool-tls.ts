/**
 * The engine's bridge to the TLS mapping: a pool whose connection options have a `tls` table
 * gets it mapped once (spec 4) and passed to every connect as `ctx.tls` / `ctx.verifyTls`.
 * @module
 */
import type { ConnectionOptions as NodeTlsConnectionOptions, TLSSocket } from 'node:tls';
import type { TlsConfig } from './schema.js';
import { toNodeTlsOptions } from './map.js';
import { verifyTlsPeer } from './verify.js';

/** The mapped TLS options of one pool. @internal */
export interface PoolTls {
  readonly options: NodeTlsConnectionOptions;
  readonly verify: (socket: TLSSocket) => void;
}

/**
 * The host a pool's TLS connections go to: `host` (the host name of a URL such as http's
 * `"https://name:port"`), else the first of `servers` (strings or `{ host }` tables). @internal
 */
export function tlsTargetHost(connection: Readonly<Record<string, unknown>>): string {
  const host = connection['host'];
  if (typeof host === 'string') {
    if (!host.includes('://')) return host;
    try {
      return new URL(host).hostname.replace(/^\[(.*)\]$/, '$1');
    } catch {
      return host;
    }
  }
  const first: unknown = Array.isArray(connection['servers']) ? connection['servers'][0] : undefined;
  if (typeof first === 'string') return first;
  if (typeof first === 'object' && first !== null && typeof (first as { host?: unknown }).host === 'string') {
    return (first as { host: string }).host;
  }
  return 'localhost';
}

/** Map `connection.tls`, if any, for {@link tlsTargetHost}. @internal */
export function tlsForPool(connection: Readonly<Record<string, unknown>>): PoolTls | undefined {
  const tls = connection['tls'];
  if (tls === undefined || tls === null || typeof tls !== 'object') return undefined;
  const config = tls as TlsConfig;
  const target = { host: tlsTargetHost(connection) };
  return { options: toNodeTlsOptions(config, target), verify: (socket) => verifyTlsPeer(socket, config, target) };
}
