/**
 * Drive the elastic driver without the engine: the connection options and connect context the
 * engine would build from a TOML section (TLS mapped by the core), for tests that need the
 * connect error itself.
 */
import type { TLSSocket } from 'node:tls';
import { DriverRegistry, parseConfig } from '@outpools/core';
import { toNodeTlsOptions, verifyTlsPeer, type ConnectContext, type TlsConfig } from '@outpools/core/driver';
import { elasticDriver, type ElasticConnectionOptions } from '@outpools/driver-elastic';
import type { TomlTable } from '@outpools/testing';
import { elasticToml } from './pools.js';

const KEY = { type: 'elastic', host: 'global', tag: 'direct' } as const;

/** The options and connect context of a one-worker pool with this `[connection]` (and `tls`). */
export function directSetup(
  connection: TomlTable,
  tls?: TomlTable,
): { options: ElasticConnectionOptions; ctx: ConnectContext } {
  const registry = new DriverRegistry([elasticDriver]);
  const config = parseConfig(elasticToml('direct', {}, connection, tls), { registry });
  const options = config.pools[0]!.connection as ElasticConnectionOptions;
  const tlsConfig = options.tls as TlsConfig | undefined;
  const target = { host: options.host };
  const nodeTls = tlsConfig === undefined ? undefined : toNodeTlsOptions(tlsConfig, target);
  const verifyTls = (socket: TLSSocket): void => {
    if (tlsConfig !== undefined) verifyTlsPeer(socket, tlsConfig, target);
  };
  const ctx: ConnectContext = {
    key: KEY,
    workerIndex: 0,
    signal: new AbortController().signal,
    timeLeftMs: () => Number.POSITIVE_INFINITY,
    tls: nodeTls,
    verifyTls,
    tlsFor: () => (nodeTls === undefined ? undefined : { options: nodeTls, verify: verifyTls }),
    lost: () => undefined,
    blocked: () => undefined,
    unblocked: () => undefined,
  };
  return { options, ctx };
}

/** Connect directly; resolves to the rejection reason (or throws when the connect succeeded). */
export async function connectError(connection: TomlTable, tls?: TomlTable): Promise<unknown> {
  const { options, ctx } = directSetup(connection, tls);
  try {
    const conn = await elasticDriver.connect(options, ctx);
    await elasticDriver.close(conn);
  } catch (error) {
    return error;
  }
  throw new Error('the connect succeeded');
}
