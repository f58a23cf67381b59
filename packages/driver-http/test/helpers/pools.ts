/**
 * Start http pools through the real engine from TOML, and record unhandled errors.
 */
import { createPools, DriverRegistry, parseConfig, type PoolDriver, type ReconnectPolicy } from '@outpools/core';
import { createHttpDriver, type HttpClient, type HttpDriverOptions } from '@outpools/driver-http';

export type Pools = ReturnType<typeof createPools>;
type HttpDriver = ReturnType<typeof createHttpDriver>;

/** The http driver with a short reconnect backoff, so tests can wait for the cap + 1 s. */
export function httpDriverWith(policy: ReconnectPolicy, options: HttpDriverOptions = {}): HttpDriver {
  return Object.freeze({ ...createHttpDriver(options), reconnect: () => policy });
}

/** A short backoff for tests: base 50 ms, cap 500 ms. */
export const FAST_BACKOFF = { kind: 'exponential', baseMs: 50, capMs: 500 } as const;

/** Parse `toml` with a registry holding `driver`, create the pools and start them. */
export async function startPools(
  toml: string,
  driver: HttpDriver = httpDriverWith(FAST_BACKOFF),
): Promise<{ pools: Pools; report: Awaited<ReturnType<Pools['start']>>; client: (tag: string) => HttpClient }> {
  const registry = new DriverRegistry([driver as unknown as PoolDriver]);
  const pools = createPools(parseConfig(toml, { registry }), { registry });
  const report = await pools.start();
  return { pools, report, client: (tag) => pools.get(driver, 'global', tag) as HttpClient };
}

type TomlValue = string | number | boolean | readonly string[];

/** A TOML file with one http pool. */
export function httpToml(
  tag: string,
  pool: Record<string, TomlValue>,
  connection: Record<string, TomlValue>,
  tls?: Record<string, TomlValue>,
  sni?: Record<string, TomlValue>,
): string {
  const value = (v: TomlValue): string => (typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : String(v));
  const section = (name: string, entries: Record<string, TomlValue>): string[] => [
    `[${name}]`,
    ...Object.entries(entries).map(([k, v]) => `${k} = ${value(v)}`),
  ];
  const base = `outgoing_pools.http.${tag}`;
  const lines = [...section(base, pool), ...section(`${base}.connection`, connection)];
  if (tls) lines.push(...section(`${base}.connection.tls`, tls));
  if (sni) lines.push(...section(`${base}.connection.tls.server_name_indication`, sni));
  return `${lines.join('\n')}\n`;
}

/** Records `unhandledRejection` and `uncaughtException` while installed. */
export function recordUnhandled(): { readonly errors: unknown[]; uninstall(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown): void => {
    errors.push(error);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    uninstall() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}
