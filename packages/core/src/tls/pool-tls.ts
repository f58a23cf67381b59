/**
 * The engine's bridge to the TLS mapping: a pool whose connection options have a `tls` table
 * gets it mapped once for the host its driver names (`PoolDriver.tlsHost`) and passed to every
 * connect as `ctx.tls` / `ctx.verifyTls`; other hosts are mapped on demand (`ctx.tlsFor`).
 * @module
 */
import type { TlsForHost } from '../driver/contract.js';
import type { TlsConfig } from './schema.js';
import { toNodeTlsOptions } from './map.js';
import { verifyTlsPeer } from './verify.js';

/** The mapped TLS options of one pool. @internal */
export interface PoolTls extends TlsForHost {
  /** The same mapping for another host (cached per host). */
  forHost(host: string): TlsForHost;
}

/** The default TLS host of a connection section: its `host` when that is a string. @internal */
export function defaultTlsHost(connection: Readonly<Record<string, unknown>>): string {
  const host = connection['host'];
  return typeof host === 'string' ? host : 'localhost';
}

/** Map `connection.tls`, if any, for `host`. @internal */
export function tlsForPool(connection: Readonly<Record<string, unknown>>, host: string): PoolTls | undefined {
  const tls = connection['tls'];
  if (tls === undefined || tls === null || typeof tls !== 'object') return undefined;
  const config = tls as TlsConfig;
  const map = (target: string): TlsForHost => {
    const at = { host: target };
    return { options: toNodeTlsOptions(config, at), verify: (socket) => verifyTlsPeer(socket, config, at) };
  };
  const first = map(host);
  const cache = new Map<string, TlsForHost>([[host, first]]);
  return {
    ...first,
    forHost(other) {
      let mapped = cache.get(other);
      if (mapped === undefined) cache.set(other, (mapped = map(other)));
      return mapped;
    },
  };
}
