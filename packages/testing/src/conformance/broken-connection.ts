/**
 * The live case that holds a pool type to recovering a connection broken from the outside: a
 * TCP proxy in front of the server resets one pooled connection (or the driver's test kills one
 * on the server), and every worker must answer again within the backoff bound, with no call
 * hanging meanwhile (no call may run out of its call_timeout). A driver that never reports a
 * broken connection (`ctx.lost`) fails it: its worker stays "live" on a dead socket, and its
 * calls fail or hang until the core's liveness probe gives up on the connection.
 * @module
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, createPools, parseConfig } from '@outpools/core';
import type { PoolDriver, ReconnectPolicy } from '@outpools/core/driver';
import { startTcpProxy, type ProxyTarget, type TcpProxy } from '../helpers/tcp-proxy.js';
import { oneDriverToml, registryWith, TAG, type ConformanceOptions } from './options.js';
import type { TomlValue } from './toml.js';

/**
 * How the conformance suite breaks one pooled connection from the outside (see
 * {@link ConformanceOptions.breakConnection}).
 *
 * - `{ proxy, through }`: the suite runs a TCP proxy in front of `proxy` and configures the pool
 *   with `through(proxyPort)`; it then resets the oldest connection through the proxy (RST).
 * - `{ kill }`: the suite hands worker 0's connection to `kill`, which breaks it on the server
 *   (`CLIENT KILL`, `pg_terminate_backend`...).
 */
export type BreakConnection<C = unknown> =
  | {
      readonly proxy: ProxyTarget;
      readonly through: (port: number) => Readonly<Record<string, TomlValue>>;
    }
  | { readonly kill: (connection: C) => Promise<void> | void };

/** The suite's reconnect policy for this case: the bound it checks is known. */
export const BREAK_BACKOFF = { kind: 'exponential', baseMs: 100, capMs: 1000 } as const satisfies ReconnectPolicy;
const WORKERS = 2;
/** The case's call_timeout unless the options' `pool` sets one. */
const CALL_TIMEOUT_MS = 3000;
/** How late a call may settle after its call_timeout. */
const SETTLE_SLACK_MS = 500;
/** Added to the backoff cap and one connect attempt for the recovery bound. */
const RECOVERY_SLACK_MS = 2000;

/** The plan for this driver: given, derived from a plain `host` and `port`, or none (`false`). */
export function breakPlan(options: ConformanceOptions): BreakConnection | undefined {
  const given = options.breakConnection;
  if (given === false) return undefined;
  if (given !== undefined) return given;
  const connection = options.connection ?? {};
  const { host, port } = connection;
  if (typeof host === 'string' && typeof port === 'number') {
    return { proxy: { host, port }, through: (p) => ({ ...connection, host: '127.0.0.1', port: p }) };
  }
  return {
    kill: () => {
      throw new Error(
        `the ${options.driver.type} connection table has no plain "host" and "port": pass breakConnection to describeConformance`,
      );
    },
  };
}

interface Outcome {
  readonly worker: number;
  readonly ms: number;
  readonly ok: boolean;
  /** It ran out of call_timeout: it hung. */
  readonly hung: boolean;
  readonly error?: string;
}

/** The group: one pooled connection broken from the outside comes back. */
export function brokenConnectionGroup(options: ConformanceOptions): void {
  const plan = breakPlan(options);
  if (plan === undefined) return;
  const timeout = Math.max(options.timeoutMs ?? 10_000, 20_000);

  describe('live: a pooled connection broken from the outside', () => {
    let proxy: TcpProxy | undefined;
    let pools: ReturnType<typeof createPools> | undefined;
    afterAll(async () => {
      await pools?.stop();
      await proxy?.close();
    });

    it(
      'serves on every worker again within the backoff bound, with no call hanging meanwhile',
      async () => {
        const driver: PoolDriver = { ...options.driver, reconnect: () => BREAK_BACKOFF };
        const callTimeout =
          typeof options.pool?.call_timeout === 'number' ? options.pool.call_timeout : CALL_TIMEOUT_MS;
        let connection = options.connection ?? {};
        if ('proxy' in plan) {
          proxy = await startTcpProxy(plan.proxy);
          connection = plan.through(proxy.port);
        }
        const registry = registryWith(driver, options.registry);
        const toml = oneDriverToml(driver, connection, {
          ...options.pool,
          workers: WORKERS,
          call_timeout: callTimeout,
        });
        pools = createPools(parseConfig(toml, { registry }), { registry });
        const report = await pools.start();
        expect(report.instances[0], report.instances[0]?.error).toMatchObject({ live: WORKERS });
        const pool = pools.pool(driver.type, 'global', TAG);
        const down: number[] = [];
        pools.events.on('disconnect', (e) => down.push(e.worker));

        const ping = async (worker: number): Promise<Outcome> => {
          const started = performance.now();
          try {
            await pool.run((c, ctx) => driver.ping(c, ctx), { pick: (workers) => workers[worker] });
            return { worker, ms: performance.now() - started, ok: true, hung: false };
          } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            const hung = error instanceof CallTimeoutError;
            return { worker, ms: performance.now() - started, ok: false, hung, error: message };
          }
        };
        const round = (): Promise<Outcome[]> => Promise.all(Array.from({ length: WORKERS }, (_, i) => ping(i)));
        const before = await round();
        expect(before.filter((o) => !o.ok)).toEqual([]);

        if ('proxy' in plan) {
          expect(proxy!.cut(0), 'a connection through the proxy to reset').toBe(true);
        } else {
          const victim = await pool.run((c) => c, { pick: (workers) => workers[0] });
          await plan.kill(victim);
        }
        const brokeAt = performance.now();
        const bound = BREAK_BACKOFF.capMs + callTimeout + RECOVERY_SLACK_MS;
        const outcomes: Outcome[] = [];
        let recovered = false;
        while (!recovered && performance.now() - brokeAt < bound) {
          const results = await round();
          outcomes.push(...results);
          recovered = results.every((o) => o.ok) && pool.stats().workers.live === WORKERS;
          if (!recovered) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // A call on the broken connection must fail at once (the driver saw the close), not hang
        // until call_timeout: only then does the core's liveness probe find the dead connection.
        expect(outcomes.filter((o) => o.hung || o.ms > callTimeout + SETTLE_SLACK_MS)).toEqual([]);
        const last = outcomes.slice(-WORKERS);
        expect(
          recovered,
          `every worker answering a ping within ${bound} ms of the break (last round: ${JSON.stringify(last)}; workers down meanwhile: ${JSON.stringify(down)})`,
        ).toBe(true);
      },
      timeout,
    );
  });
}
