/**
 * The engine's bridge to the TLS mapping: a pool whose connection options have a `tls` table
 * gets it mapped once for the host its driver names (`PoolDriver.tlsHost`) and passed to every
 * connect as `ctx.tls` / `ctx.verifyTls`; other hosts are mapped on demand (`ctx.tlsFor`).
 * @module
 */
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { TlsConfig } from './schema.js';
import { toNodeTlsOptions } from './map.js';
import { type TlsFailureListener, verifyTlsPeer } from './verify.js';

/** The mapped TLS options for one host, with a peer check that can report instead of throw. @internal */
export interface ReportingTls {
  readonly options: ConnectionOptions;
  /** The peer check; a failure that `disconnect_on_failure = false` lets through goes to `onFailure`. */
  verify(socket: TLSSocket, onFailure?: TlsFailureListener): void;
}

/** The mapped TLS options of one pool. @internal */
export interface PoolTls extends ReportingTls {
  /** The same mapping for another host (cached per host). */
  forHost(host: string): ReportingTls;
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
  const map = (target: string): ReportingTls => {
    const at = { host: target };
    return {
      options: toNodeTlsOptions(config, at),
      verify: (socket, onFailure) => verifyTlsPeer(socket, config, at, new Date(), onFailure),
    };
  };
  const first = map(host);
  const cache = new Map<string, ReportingTls>([[host, first]]);
  return {
    ...first,
    forHost(other) {
      let mapped = cache.get(other);
      if (mapped === undefined) cache.set(other, (mapped = map(other)));
      return mapped;
    },
  };
}
