/**
 * Builders of validated configs for engine tests (the config layer is tested elsewhere).
 */
import {
  DriverRegistry,
  createPools,
  type AnyPoolDriver,
  type LoadedConfig,
  type PoolInstanceSpec,
  type PoolSpec,
  type Pools,
  type PoolsOptions,
  type Strategy,
} from '@outpools/core';

export interface SpecInput {
  readonly type?: string;
  readonly tag?: string;
  readonly strategy?: Strategy;
  readonly workers?: number;
  readonly callTimeoutMs?: number;
  readonly scope?: 'global' | 'host' | 'single_host';
  readonly host?: string;
  readonly connection?: Record<string, unknown>;
}

export function poolSpec(input: SpecInput = {}): PoolSpec {
  const type = input.type ?? 'fake';
  const tag = input.tag ?? 'default';
  return {
    type,
    tag,
    path: `outgoing_pools.${type}.${tag}`,
    options: {
      scope: input.scope ?? 'global',
      ...(input.host !== undefined && { host: input.host }),
      strategy: input.strategy ?? 'best_worker',
      workers: input.workers ?? 2,
      call_timeout: input.callTimeoutMs ?? 1000,
    },
    connection: input.connection ?? { label: 'fake' },
  };
}

export function instanceSpec(input: SpecInput & { readonly instanceHost?: string } = {}): PoolInstanceSpec {
  const spec = poolSpec(input);
  return { ...spec, key: { type: spec.type, host: input.instanceHost ?? 'global', tag: spec.tag } };
}

export function configOf(pools: readonly PoolSpec[], hosts: readonly string[] = []): LoadedConfig {
  return { pools, hosts, hostTypes: [], warnings: [] };
}

/** Pools over one driver, with a deterministic random source unless one is given. */
export function poolsOf(
  driver: AnyPoolDriver,
  specs: readonly PoolSpec[],
  options: Partial<PoolsOptions> & { readonly hosts?: readonly string[] } = {},
): Pools {
  const registry = new DriverRegistry([driver as AnyPoolDriver]);
  return createPools(configOf(specs, options.hosts ?? []), { random: () => 0, ...options, registry });
}

/** Let pending promise callbacks run (no timers involved). */
export async function flush(times = 10): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}
