/**
 * One fault scenario: a pool of 5 workers (call_timeout 500 ms) under 50 concurrent callers, each
 * call an acknowledged write of its own id; a fault in a proxy (or a private server killed and
 * started again) for a while; the heal; then figures and the checks every scenario makes.
 * @module
 */
import { readdirSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type AnyPoolDriver,
  createPools,
  DriverRegistry,
  OutpoolsError,
  parseConfig,
  type Pools,
} from '@outpools/core';
import type { ReconnectPolicy } from '@outpools/core/driver';
import { recordUnhandled, startPoolsFromToml, until, withReconnect } from '@outpools/testing';
import { type FaultMode, type FaultProxy, startFaultProxy } from './proxy.js';

/** The pool settings of every scenario. */
export const WORKERS = 5;
export const CALLERS = 50;
export const CALL_TIMEOUT_MS = 500;
/** How late past call_timeout a call may settle (timer sweep, a loaded event loop). */
export const SETTLE_SLACK_MS = 300;
/** The reconnect policy of every scenario (the drivers' own is 1 s .. 30 s). */
export const BACKOFF: ReconnectPolicy = { kind: 'exponential', baseMs: 100, capMs: 1000 };
/**
 * The pool must be live again (every worker live, calls succeeding) this long after the heal:
 * the backoff cap (1 s), one connect attempt ({@link CONNECT_BOUND_MS}) and one call_timeout to
 * notice a dead connection; the worst event-loop delay seen is added when checking.
 */
export const RECOVERY_BOUND_MS = 1000 + 2000 + CALL_TIMEOUT_MS;
/**
 * Each connect attempt's bound (the pools' `startTimeoutMs`; by default it is call_timeout): a
 * TLS handshake plus a SCRAM login takes 250 ms here when the machine is busy, longer with five at once.
 */
export const CONNECT_BOUND_MS = 2000;
/** How long each fault lasts. */
export const FAULT_MS = 1000;
/** Each caller makes at most one call per this many ms by default: a bounded load (at most 1,000 calls/s). */
const CALLER_PERIOD_MS = 50;

/** A fault: one of the proxy's modes, or the private server killed (SIGKILL) and started again. */
export type Fault = Exclude<FaultMode, 'pass'> | 'restart';

/** A server that a scenario may kill and start again (a private instance, never a shared one). */
export interface Restartable {
  readonly port: number;
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** What a backend gives the harness. */
export interface Backend<C> {
  /** The label in the figures, e.g. `redis`, `pgsql-tls`. */
  readonly name: string;
  readonly driver: AnyPoolDriver;
  /** The server the proxy forwards to. */
  readonly target: { readonly host?: string; readonly port: number };
  /** The private server of the `restart` fault. */
  readonly restartable?: Restartable;
  /** A TOML document with one pool `<type>.<tag>` (pool keys given) on 127.0.0.1:`port`. */
  toml(tag: string, port: number, pool: Readonly<Record<string, number | string>>): string;
  /** The pool's typed client. */
  client(pools: Pools, tag: string): C;
  /** One acknowledged write of `id` (applied at most once on the server when it resolves). */
  write(client: C, id: string): Promise<unknown>;
  /** How many times each id was applied on the server (ids never applied may be left out). */
  counts(client: C, ids: readonly string[]): Promise<ReadonlyMap<string, number>>;
  /**
   * Each caller makes at most one call per this many ms (default 50: at most 1,000 calls/s in all).
   * A slow server gets a longer period, so that the load stays one it can serve within call_timeout.
   */
  readonly callerPeriodMs?: number;
  /** Prepare the server side for a run (a table, a queue...). */
  prepare?(client: C): Promise<void>;
}

/** The figures of one scenario. */
export interface Figures {
  readonly backend: string;
  readonly fault: Fault;
  readonly started: number;
  readonly settled: number;
  readonly ok: number;
  readonly worstMs: number;
  /** How the slowest call ended (`ok` or its error code). */
  readonly worstOutcome: string;
  /** Time from the heal until every worker was live and calls succeeded; `undefined`: never within the wait. */
  readonly recoveryMs: number | undefined;
  readonly codes: ReadonlyMap<string, number>;
  /** Errors that were not an OutpoolsError with a code (their messages). */
  readonly uncoded: readonly string[];
  readonly unhandled: readonly unknown[];
  readonly lost: readonly string[];
  readonly duplicated: readonly string[];
  /** Calls that failed during the fault (a fault the pool never saw tests nothing). */
  readonly failedDuringFault: number;
  readonly healthAfter: { ok: boolean; error?: string };
  /** The worst event-loop delay seen from the fault to the end of the load (a busy machine's share). */
  readonly lagMs: number;
  readonly fdDelta: number;
  readonly heapDeltaMb: number;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Open descriptors of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Heap in use after a full collection, MB. */
export function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1048576;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Call {
  readonly id: string;
  ms: number;
  ok: boolean | undefined;
  code?: string;
  uncoded?: string;
  at: number;
}

/** Start 50 callers writing ids `<prefix>-<caller>-<n>` until stopped. */
function startWriters(write: (id: string) => Promise<unknown>, prefix: string, periodMs: number) {
  const calls: Call[] = [];
  let running = true;
  const loop = async (caller: number): Promise<void> => {
    await sleep(Math.random() * periodMs); // callers out of phase: the load is spread over each period
    for (let n = 0; running; n += 1) {
      const started = performance.now();
      const call: Call = { id: `${prefix}-${caller}-${n}`, ms: 0, ok: undefined, at: started };
      calls.push(call);
      try {
        await write(call.id);
        call.ok = true;
      } catch (error) {
        call.ok = false;
        if (error instanceof OutpoolsError && typeof error.code === 'string' && error.code.length > 0) {
          call.code = error.code;
        } else {
          call.uncoded = String(error instanceof Error ? `${error.name}: ${error.message}` : error);
        }
      }
      call.ms = performance.now() - started;
      const rest = periodMs - call.ms;
      if (rest > 0 && running) await sleep(rest);
    }
  };
  const loops = Array.from({ length: CALLERS }, (_, caller) => loop(caller));
  return {
    calls,
    okSince: (t: number) => calls.filter((c) => c.ok === true && c.at >= t).length,
    /** Stop; resolves when every caller's last call settled, or after `waitMs`. */
    async stop(waitMs: number): Promise<void> {
      running = false;
      await Promise.race([Promise.all(loops), sleep(waitMs)]);
    },
  };
}

async function applyFault(fault: Fault, proxy: FaultProxy | undefined, server: Restartable | undefined) {
  if (fault === 'restart') await server?.kill();
  else if (fault === 'refuse') {
    // The server went away: open connections reset, new ones refused.
    await proxy?.setMode('reset');
    await proxy?.setMode('refuse');
  } else await proxy?.setMode(fault);
}

async function heal(fault: Fault, proxy: FaultProxy | undefined, server: Restartable | undefined) {
  if (fault === 'restart') await server?.start();
  else await proxy?.setMode('pass');
}

/**
 * Run one scenario and return its figures (the caller asserts them, see {@link checkFigures}).
 * Prints one line of figures.
 */
export async function runScenario<C>(backend: Backend<C>, fault: Fault): Promise<Figures> {
  const tag = `faults_${fault}`;
  const fds0 = fdCount();
  const heap0 = heapMb();
  const server = fault === 'restart' ? backend.restartable : undefined;
  if (fault === 'restart' && server === undefined) throw new Error(`${backend.name}: no private server to restart`);
  const proxy =
    fault === 'restart'
      ? undefined
      : await startFaultProxy({ targetHost: backend.target.host, targetPort: backend.target.port, slowMs: 150 });
  const port = proxy?.port ?? (server as Restartable).port;
  const unhandled = recordUnhandled();
  const driver = withReconnect(backend.driver, BACKOFF);
  const registry = new DriverRegistry([driver]);
  const toml = backend.toml(tag, port, { workers: WORKERS, call_timeout: CALL_TIMEOUT_MS });
  const pools = createPools(parseConfig(toml, { registry }), { registry, startTimeoutMs: CONNECT_BOUND_MS });
  const report = await pools.start();
  const prefix = `${fault}${process.pid}${Date.now().toString(36)}`;
  let figures: Figures;
  try {
    // The first connect round is bounded by call_timeout; on a loaded machine a worker may need a retry.
    if (!report.ok || pools.stats()[0]?.workers.live !== WORKERS) {
      await until(
        () => pools.stats()[0]?.workers.live === WORKERS,
        20_000,
        `${backend.name}: every worker live at start`,
      );
    }
    const client = backend.client(pools, tag);
    await backend.prepare?.(client);
    const writers = startWriters((id) => backend.write(client, id), prefix, backend.callerPeriodMs ?? CALLER_PERIOD_MS);
    const t0 = performance.now();
    await until(() => writers.okSince(t0) >= 30, 20_000, `${backend.name}: 30 writes before the fault`).catch(
      (error: unknown) => {
        const seen = [...new Set(writers.calls.map((c) => c.code ?? c.uncoded).filter(Boolean))];
        throw new Error(`${String(error)}; errors seen: ${seen.slice(0, 5).join('; ')}`);
      },
    );

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const faultAt = performance.now();
    await applyFault(fault, proxy, server);
    await sleep(FAULT_MS); // the fault's duration
    await heal(fault, proxy, server);
    const healedAt = performance.now();
    const failedDuringFault = writers.calls.filter((c) => c.ok === false && c.at >= faultAt).length;

    let recoveryMs: number | undefined;
    const stats = () => pools.stats()[0];
    try {
      await until(
        () => stats()?.workers.live === WORKERS && writers.okSince(healedAt) >= 20,
        RECOVERY_BOUND_MS * 2,
        'recovery',
        10,
      );
      recoveryMs = performance.now() - healedAt;
    } catch {
      recoveryMs = undefined; // the figures say "never"
    }
    if (recoveryMs !== undefined) {
      const okAt = performance.now();
      await until(() => writers.okSince(okAt) >= 20, 10_000, `${backend.name}: 20 writes after the recovery`);
    }
    await writers.stop(CALL_TIMEOUT_MS + SETTLE_SLACK_MS + 1000);
    lag.disable();
    const lagMs = lag.max / 1e6;
    // Every worker answers a ping once the load stopped (a stuck worker never does; a busy
    // machine may delay one ping past call_timeout: polled for 3 s).
    let health = (await pools.health())[0];
    const healthBy = performance.now() + 3000;
    while (health?.ok !== true && performance.now() < healthBy) {
      await sleep(100);
      health = (await pools.health())[0];
    }
    const healthAfter = { ok: health?.ok ?? false, ...(health?.error ? { error: health.error } : {}) };

    // Checked on the server, through a fresh pool straight to it (a generous call_timeout: the
    // count reads every row of the run).
    const calls = writers.calls;
    const ids = calls.map((c) => c.id);
    const counts = await countWithFreshPool(backend, driver, server?.port ?? backend.target.port, ids);
    const lost = calls.filter((c) => c.ok === true && (counts.get(c.id) ?? 0) !== 1).map((c) => c.id);
    const duplicated = calls.filter((c) => (counts.get(c.id) ?? 0) > 1).map((c) => c.id);

    let worst: Call | undefined;
    for (const c of calls) if (c.ok !== undefined && (worst === undefined || c.ms > worst.ms)) worst = c;
    const codes = new Map<string, number>();
    for (const c of calls) if (c.code !== undefined) codes.set(c.code, (codes.get(c.code) ?? 0) + 1);
    figures = {
      backend: backend.name,
      fault,
      started: calls.length,
      settled: calls.filter((c) => c.ok !== undefined).length,
      ok: calls.filter((c) => c.ok === true).length,
      worstMs: worst?.ms ?? 0,
      worstOutcome: worst === undefined ? 'none' : worst.ok ? 'ok' : (worst.code ?? worst.uncoded ?? '?'),
      recoveryMs,
      codes,
      uncoded: [...new Set(calls.flatMap((c) => (c.uncoded === undefined ? [] : [c.uncoded])))],
      unhandled: unhandled.errors,
      lost,
      duplicated,
      failedDuringFault,
      healthAfter,
      lagMs,
      fdDelta: 0,
      heapDeltaMb: 0,
    };
  } finally {
    await pools.stop();
    await proxy?.close();
    unhandled.uninstall();
  }
  // Descriptors: every socket of the pools and the proxy closed (closing is asynchronous).
  const fdsSettled = await until(() => fdCount() <= fds0, 3000, 'descriptors back').then(
    () => true,
    () => false,
  );
  figures = {
    ...figures,
    fdDelta: fdsSettled ? 0 : fdCount() - fds0,
    heapDeltaMb: heapMb() - heap0,
  };
  console.log(formatFigures(figures));
  return figures;
}

async function countWithFreshPool<C>(
  backend: Backend<C>,
  driver: AnyPoolDriver,
  port: number,
  ids: readonly string[],
): Promise<ReadonlyMap<string, number>> {
  const tag = 'faults_check';
  const { pools } = await startPoolsFromToml(backend.toml(tag, port, { workers: 1, call_timeout: 10_000 }), [driver]);
  try {
    return await backend.counts(backend.client(pools, tag), ids);
  } finally {
    await pools.stop();
  }
}

/** One line of figures. */
export function formatFigures(f: Figures): string {
  const codes = [...f.codes].map(([code, n]) => `${code}=${n}`).join(' ') || 'none';
  const recovery = f.recoveryMs === undefined ? 'never' : `${Math.round(f.recoveryMs)} ms`;
  return (
    `[faults] ${f.backend} ${f.fault}: settled ${f.settled}/${f.started} (ok ${f.ok}, failed in fault ${f.failedDuringFault}), ` +
    `worst ${Math.round(f.worstMs)} ms (${f.worstOutcome}) / call_timeout ${CALL_TIMEOUT_MS} ms (${(f.worstMs / CALL_TIMEOUT_MS).toFixed(2)}), ` +
    `recovery ${recovery} / bound ${RECOVERY_BOUND_MS} ms (+ loop delay ${Math.round(f.lagMs)} ms), health after ${f.healthAfter.ok ? 'ok' : `FAILED (${f.healthAfter.error})`}, ` +
    `writes lost ${f.lost.length} dup ${f.duplicated.length}, unhandled ${f.unhandled.length}, uncoded ${f.uncoded.length}, ` +
    `fds ${f.fdDelta >= 0 ? '+' : ''}${f.fdDelta}, heap ${f.heapDeltaMb >= 0 ? '+' : ''}${f.heapDeltaMb.toFixed(1)} MB, codes ${codes}`
  );
}

/** Heap growth tolerated over one scenario, MB (the soak checks flatness over minutes). */
export const HEAP_SLACK_MB = 16;

/** The problems of a scenario's figures; empty when it passed. */
export function problems(f: Figures): string[] {
  const out: string[] = [];
  if (f.settled !== f.started) out.push(`${f.started - f.settled} calls never settled`);
  if (f.worstMs > CALL_TIMEOUT_MS + SETTLE_SLACK_MS + f.lagMs)
    out.push(`a call settled after ${Math.round(f.worstMs)} ms`);
  if (f.unhandled.length > 0) out.push(`unhandled: ${f.unhandled.map(String).join('; ')}`);
  if (f.uncoded.length > 0) out.push(`uncoded errors: ${f.uncoded.slice(0, 3).join('; ')}`);
  if (f.lost.length > 0) out.push(`${f.lost.length} acknowledged writes lost (${f.lost.slice(0, 3).join(', ')})`);
  if (f.duplicated.length > 0)
    out.push(`${f.duplicated.length} writes applied twice (${f.duplicated.slice(0, 3).join(', ')})`);
  if (f.failedDuringFault === 0 && f.fault !== 'slow') out.push('no call failed during the fault');
  if (f.recoveryMs === undefined) out.push('the pool never recovered');
  else if (f.recoveryMs > RECOVERY_BOUND_MS + f.lagMs) out.push(`recovery took ${Math.round(f.recoveryMs)} ms`);
  if (!f.healthAfter.ok) out.push(`health after: ${f.healthAfter.error}`);
  if (f.fdDelta > 0) out.push(`${f.fdDelta} descriptors left open`);
  if (f.heapDeltaMb > HEAP_SLACK_MB) out.push(`heap grew ${f.heapDeltaMb.toFixed(1)} MB`);
  return out;
}

/** A backend with what its setup started (private servers), to dispose after the file. */
export type OwnedBackend<C> = Backend<C> & { dispose?(): Promise<void> };
