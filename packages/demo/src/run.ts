/**
 * `outpools demo`: start an HTTP server and an embedded PostgreSQL in this process, start the
 * pools of examples/demo.toml against them (and, with `--with-local`, the pools of
 * examples/demo-local.toml whose server answers), drive a bounded load through every pool with a
 * restart of both servers in the middle, print what happened, and stop everything.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  createPools,
  DriverRegistry,
  formatPoolKey,
  type LoadedConfig,
  type PoolKey,
  type PoolSpec,
  type Pools,
} from '@outpools/core';
import { httpDriver } from '@outpools/driver-http';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { redisDriver } from '@outpools/driver-redis';
import {
  assertServable,
  bundledFile,
  DemoConfigError,
  loadConfig,
  pgWorkers,
  pointAtServers,
  servedBy,
} from './config.js';
import { startHttpServer, type DemoHttpServer } from './http-server.js';
import { WorkerTally } from './instrument.js';
import { driveLoad, type LoadState, type LoadTally, type LoadTarget } from './load.js';
import { localPort, portAnswers } from './local.js';
import { startPgServer, type DemoPgServer } from './pg-server.js';
import { progressBar } from './progress.js';
import {
  type DemoReport,
  formatClosing,
  formatErrors,
  formatTable,
  type PoolResult,
  quantile,
  shares,
} from './report.js';
import { callFor, redisKey } from './targets.js';

/** Where the demo writes (the `outpools` command's streams, or a test's). */
export interface DemoIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
}

/** Options given in code (tests), beside the command-line arguments. */
export interface DemoOptions {
  /** Draw a progress bar (default: whether stdout is a terminal). */
  readonly tty?: boolean;
  /** Receives the measured report. */
  readonly onReport?: (report: DemoReport) => void;
}

export const USAGE = `Usage: outpools demo [--with-local] [--duration-ms N] [--config file] [--local-config file]

Run real pools with nothing installed: an HTTP server and an embedded PostgreSQL (PGlite) start
in this process, the pools of examples/demo.toml connect to them over TCP, a bounded load runs
through every strategy while both servers restart once, then a table shows per pool the calls,
errors, p50/p99 latency, how the calls spread over the workers, reconnects and recovery.

  --with-local          also drive the pools of examples/demo-local.toml whose server answers on
                        its usual port (Redis 6379, PostgreSQL 5432, MariaDB/MySQL 3306)
  --duration-ms N       how long the load runs (default 6000; longer while pools recover)
  --config file         the served pools (default examples/demo.toml)
  --local-config file   the --with-local pools (default examples/demo-local.toml)

Exit status: 0 every pool served calls and recovered from the restart, 1 otherwise, 2 usage error.`;

const SERVER_LABEL = { http: 'the in-process HTTP server', pg: 'the embedded PostgreSQL' } as const;
const RESTART_DOWN_MS = 300;
const secondsSince = (t0: number): string => ((performance.now() - t0) / 1000).toFixed(1);

function localLabel(spec: PoolSpec): string {
  const port = localPort(spec.type, spec.connection);
  const name = spec.type === 'redis' ? 'Redis' : spec.connection.driver === 'mysql' ? 'MariaDB/MySQL' : 'PostgreSQL';
  return `local ${name} :${port}`;
}

/** The pools of demo-local.toml whose server answers; the others are named on stdout. */
async function reachableLocalPools(file: string, io: DemoIo, registry: DriverRegistry): Promise<PoolSpec[]> {
  const config = await loadConfig(file, io.cwd, registry);
  const found: PoolSpec[] = [];
  for (const spec of config.pools) {
    const port = localPort(spec.type, spec.connection);
    const host = typeof spec.connection.host === 'string' ? spec.connection.host : '127.0.0.1';
    if (port !== undefined && (await portAnswers(port, 500, host))) found.push(spec);
    else io.stdout(`  ${spec.path}: nothing answers on ${host}:${port}, skipped\n`);
  }
  return found;
}

interface Running {
  http: DemoHttpServer;
  pg: DemoPgServer;
  pools: Pools;
}

async function stopAll(running: Partial<Running>, localKeys: readonly PoolKey[]): Promise<void> {
  const { pools, http, pg } = running;
  if (pools) {
    for (const key of localKeys.filter((k) => k.type === 'redis')) {
      await pools
        .get(redisDriver, key.host, key.tag)
        .del(redisKey(key.tag))
        .catch(() => undefined);
    }
    await pools.stop();
  }
  await http?.stop();
  await pg?.close();
}

/** Run the demo; resolves to the exit status. */
export async function runDemo(args: readonly string[], io: DemoIo, options: DemoOptions = {}): Promise<number> {
  let values: {
    'with-local': boolean;
    'duration-ms'?: string | undefined;
    config?: string | undefined;
    'local-config'?: string | undefined;
    help: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        'with-local': { type: 'boolean', default: false },
        'duration-ms': { type: 'string' },
        config: { type: 'string' },
        'local-config': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    io.stderr(`outpools demo: ${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const durationMs = Number(values['duration-ms'] ?? 6000);
  if (!Number.isInteger(durationMs) || durationMs < 500) {
    io.stderr(`outpools demo: --duration-ms expects an integer >= 500, got ${JSON.stringify(values['duration-ms'])}\n`);
    return 2;
  }
  const tty = options.tty ?? process.stdout.isTTY === true;
  const configFile = values.config ?? bundledFile('demo.toml');
  const localFile = values['local-config'] ?? bundledFile('demo-local.toml');
  const t0 = performance.now();
  const tally = new WorkerTally();
  const registry = new DriverRegistry([httpDriver, rdbmsDriver, redisDriver].map((d) => tally.wrap(d)));
  const running: Partial<Running> = {};
  let localPools: PoolSpec[] = [];
  try {
    const fileConfig = await loadConfig(configFile, io.cwd, registry);
    assertServable(fileConfig, configFile);
    io.stdout('outpools demo: real pools, real connections, nothing to install\n');
    const [http, pg] = await Promise.all([
      startHttpServer(0),
      startPgServer(0, Math.max(1, pgWorkers(fileConfig)) * 2 + 2),
    ]);
    Object.assign(running, { http, pg });
    io.stdout(
      `  started in this process: an HTTP server on 127.0.0.1:${http.port} and PostgreSQL (PGlite) on 127.0.0.1:${pg.port} (${secondsSince(t0)} s)\n`,
    );
    const served = pointAtServers(fileConfig, { http: http.port, pg: pg.port });
    if (values['with-local']) localPools = await reachableLocalPools(localFile, io, registry);
    const config: LoadedConfig = { ...served, pools: [...served.pools, ...localPools] };
    // A generous connect bound: on a busy machine the first connections may take seconds.
    const pools = createPools(config, { registry, drainTimeoutMs: 2000, startTimeoutMs: 10_000 });
    running.pools = pools;
    const report = await pools.start();
    const isLocalKey = (key: PoolKey): boolean => localPools.some((p) => p.type === key.type && p.tag === key.tag);
    for (const instance of report.instances.filter((i) => i.live === 0 && isLocalKey(i.key))) {
      io.stdout(`  ${formatPoolKey(instance.key)}: no live worker (${instance.error ?? 'no connection'}), skipped\n`);
      await pools.stopInstance(instance.key);
      localPools = localPools.filter((p) => !(p.type === instance.key.type && p.tag === instance.key.tag));
    }
    // The pools of the demo's own servers keep retrying until each has a live worker (bounded).
    const waitUntil = performance.now() + 30_000;
    const notLive = (): PoolKey[] =>
      pools
        .stats()
        .filter((s) => s.workers.live === 0)
        .map((s) => s.key);
    while (notLive().length > 0 && performance.now() < waitUntil) await sleep(100);
    const dead = notLive();
    if (dead.length > 0) {
      throw new Error(`${dead.map(formatPoolKey).join(', ')}: no connection to the demo's own servers within 30 s`);
    }
    const specOf = (key: PoolKey): PoolSpec => config.pools.find((p) => p.type === key.type && p.tag === key.tag)!;
    const keys = pools.keys();
    const workers = keys.reduce((sum, k) => sum + specOf(k).options.workers, 0);
    io.stdout(
      `  ${keys.length} pools started from ${configFile}${localPools.length > 0 ? ` and ${localFile}` : ''}: ${workers} workers, each with its own connection\n`,
    );
    const restartAtMs = Math.round(durationMs / 3);
    io.stdout(
      `  load: ${keys.length} pools x (2 x workers) callers for ${(durationMs / 1000).toFixed(1)} s; both servers restart at ${(restartAtMs / 1000).toFixed(1)} s\n`,
    );
    const isServed = (key: PoolKey): boolean =>
      servedBy(specOf(key)) !== undefined && !localPools.includes(specOf(key));
    const targets: LoadTarget[] = keys.map((key) => ({
      id: formatPoolKey(key),
      callers: specOf(key).options.workers * 2,
      call: callFor(pools, key, isServed(key)),
    }));
    const statsOf = (key: PoolKey) => pools.pool(key.type, key.host, key.tag).stats();
    const recoveredAt = new Map<string, number>();
    let downAt = 0;
    const checkRecovery = (elapsedMs: number, tallies: ReadonlyMap<string, LoadTally>): boolean => {
      let all = true;
      for (const key of keys.filter(isServed)) {
        const id = formatPoolKey(key);
        if (recoveredAt.has(id)) continue;
        const s = statsOf(key);
        if (s.workers.live === s.workers.total && (tallies.get(id)?.okAfterRestart ?? 0) > 0)
          recoveredAt.set(id, elapsedMs);
        else all = false;
      }
      return all;
    };
    let lastPhase: LoadState['phase'] = 'load';
    let lastElapsed = 0;
    const load = driveLoad(targets, {
      durationMs,
      maxMs: durationMs + 10_000,
      pauseAfterErrorMs: 20,
      restartAtMs,
      restart: async () => {
        downAt = lastElapsed;
        await Promise.all([http.stop(), pg.stop()]);
        await sleep(RESTART_DOWN_MS);
        await Promise.all([http.start(), pg.start()]);
      },
      recovered: (tallies) => checkRecovery(lastElapsed, tallies),
      onTick: (state) => {
        lastElapsed = state.elapsedMs;
        if (tty) io.stdout('\r\u001b[K');
        if (state.phase !== lastPhase) {
          const at = `${(state.elapsedMs / 1000).toFixed(1)} s`;
          if (state.phase === 'restarting') io.stdout(`  ${at}: stopping both servers (every connection drops)\n`);
          if (state.phase === 'recovering')
            io.stdout(`  ${at}: servers listening again on the same ports; the pools reconnect with backoff\n`);
          if (state.phase === 'load' && lastPhase === 'recovering')
            io.stdout(`  ${at}: every pool has all its workers live again\n`);
          lastPhase = state.phase;
        }
        if (tty && state.phase !== 'done') io.stdout(progressBar(state));
      },
    });
    const result = await load;
    const loadMs = lastElapsed;
    const results: PoolResult[] = keys.map((key) => {
      const spec = specOf(key);
      const id = formatPoolKey(key);
      const t = result.tallies.get(id)!;
      const sorted = [...t.latencies].sort((a, b) => a - b);
      const restarted = isServed(key);
      const recovered = recoveredAt.get(id);
      const server = servedBy(spec);
      return {
        pool: `${key.type}.${key.tag}${key.host === 'global' ? '' : `@${key.host}`}`,
        strategy: spec.options.strategy,
        workers: spec.options.workers,
        server: restarted && server ? SERVER_LABEL[server] : localLabel(spec),
        calls: t.calls,
        errors: t.errors,
        errorKinds: Object.fromEntries(t.errorKinds),
        p50Ms: quantile(sorted, 0.5),
        p99Ms: quantile(sorted, 0.99),
        workerShares: shares(tally.counts(key), spec.options.workers),
        reconnects: statsOf(key).counters.reconnects,
        recoveredAfterS: recovered === undefined || !restarted ? null : Math.max(0, recovered - downAt) / 1000,
        restarted,
      };
    });
    const stopT0 = performance.now();
    await stopAll(
      running,
      localPools.map((p) => ({ type: p.type, tag: p.tag, host: 'global' })),
    );
    const ok = results.every((r) => r.calls > r.errors && (!r.restarted || r.recoveredAfterS !== null));
    const demoReport: DemoReport = {
      ok,
      pools: results,
      loadMs,
      restart: result.restart ?? null,
      totalMs: performance.now() - t0,
    };
    options.onReport?.(demoReport);
    io.stdout(`\n${formatTable(results)}\n`);
    const errorLines = formatErrors(results);
    if (errorLines.length > 0) io.stdout(`\nErrors by kind:\n${errorLines.join('\n')}\n`);
    io.stdout(
      `\nStopped cleanly in ${secondsSince(stopT0)} s: calls drained, connections closed, servers stopped. Whole demo: ${secondsSince(t0)} s.\n\n`,
    );
    io.stdout(`${formatClosing(demoReport, values['with-local'])}\n`);
    if (!ok) io.stderr('outpools demo: some pool served no call or did not recover (see the table)\n');
    return ok ? 0 : 1;
  } catch (error) {
    await stopAll(running, []).catch(() => undefined);
    if (error instanceof DemoConfigError) {
      for (const line of error.lines) io.stderr(`${error.file}: ${line}\n`);
      return 1;
    }
    io.stderr(`outpools demo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
