/**
 * The engine's bridge to the TLS mapping: a pool whose connection options have a `tls` table
 * gets it mapped once (spec 4) and passed to every connect as `ctx.tls` / `ctx.verifyTls`.
 * @module
 */
import type { ConnectionOptions as NodeTlsConnectionOptions, TLSSocket } from 'node:tls';

/** The mapped TLS options of one pool. @internal */
export interface PoolTls {
  readonly options: NodeTlsConnectionOptions;
  readonly verify: (socket: TLSSocket) => void;
}

/** Map `connection.tls`, if any; the target host is the connection's `host` option. @internal */
export function tlsForPool(connection: Readonly<Record<string, unknown>>): PoolTls | undefined {
  const tls = connection['tls'];
  if (tls === undefined || tls === null || typeof tls !== 'object') return undefined;
  // Wired to toNodeTlsOptions/verifyTlsPeer (tls.ts) once the TLS area lands.
  return undefined;
}
