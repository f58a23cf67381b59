/** Start real pools from TOML through the core engine, and watch for stray errors. */
import { createPools, DriverRegistry, parseConfig, type Pools } from '@outpools/core';
import { rdbmsDriver, type RdbmsClient } from '@outpools/driver-rdbms';

export const registry = new DriverRegistry([rdbmsDriver]);

/** Pools of one `[outgoing_pools.rdbms.default]` section; `pool` and `connection` are TOML lines. */
export async function startRdbms(pool: string, connection: string, extra = ''): Promise<{ pools: Pools; db: RdbmsClient }> {
  const text = `[outgoing_pools.rdbms.default]\n${pool}\n[outgoing_pools.rdbms.default.connection]\n${connection}\n${extra}`;
  const pools = createPools(parseConfig(text, { registry }), { registry });
  await pools.start();
  return { pools, db: pools.get(rdbmsDriver, 'global', 'default') };
}

/** TOML connection lines for the given server. */
export function connectionToml(driver: 'pgsql' | 'mysql', port: number, more = ''): string {
  return [
    `driver = "${driver}"`,
    'host = "127.0.0.1"',
    `port = ${port}`,
    'database = "test"',
    'username = "outpools"',
    'password = "outpools-test-pw"',
    more,
  ].join('\n');
}

/** Poll `condition` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return true;
    } catch {
      // not yet
    }
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Record unhandled rejections and uncaught exceptions while a test runs. */
export function recordStrayErrors(): { readonly errors: unknown[]; dispose(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown): void => {
    errors.push(error);
  };
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    dispose() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}
