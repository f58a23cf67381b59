/**
 * Start http pools through the real engine from TOML (shared helpers from `@outpools/testing`,
 * plus the http defaults: a fast backoff and a typed client).
 */
import type { ReconnectPolicy } from '@outpools/core/driver';
import { createHttpDriver, type HttpClient, type HttpDriverOptions } from '@outpools/driver-http';
import { poolToml, startPoolsFromToml, withReconnect, type StartedPools, type TomlTable } from '@outpools/testing';
import { loadUndici } from '../../src/load.js';

export type { Pools } from '@outpools/core';
type HttpDriver = ReturnType<typeof createHttpDriver>;

/** The http driver with a short reconnect backoff, so tests can wait for the cap + 1 s. */
export function httpDriverWith(policy: ReconnectPolicy, options: HttpDriverOptions = {}): HttpDriver {
  return withReconnect(createHttpDriver(options), policy);
}

/** A short backoff for tests: base 50 ms, cap 500 ms. */
export const FAST_BACKOFF = { kind: 'exponential', baseMs: 50, capMs: 500 } as const;

/** Start the pools of `toml` with `driver` (default: fast backoff), with the typed client of a tag. */
export async function startPools(
  toml: string,
  driver: HttpDriver = httpDriverWith(FAST_BACKOFF),
): Promise<StartedPools & { client: (tag: string) => HttpClient }> {
  // undici is imported on the first connect: import it first, so that its import time on a
  // loaded machine does not count against the connect bound of the start being tested
  // (tests/check-imports.test.ts covers the lazy loading itself)
  await loadUndici();
  const { pools, report } = await startPoolsFromToml(toml, [driver]);
  return { pools, report, client: (tag) => pools.get(driver, 'global', tag) };
}

/** A TOML file with one http pool (and `tls.server_name_indication` when `sni` is given). */
export function httpToml(
  tag: string,
  pool: TomlTable,
  connection: TomlTable,
  tls?: TomlTable,
  sni?: TomlTable,
): string {
  return poolToml('http', tag, pool, connection, sni === undefined ? tls : { ...tls, server_name_indication: sni });
}
