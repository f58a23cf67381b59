/**
 * Drive a bounded load through several pools at once: `callers` concurrent loops per pool, each
 * making one call after another, for `durationMs` (longer while the restarted servers' pools
 * are still recovering, up to `maxMs`). A failed call is counted by its error's name and its
 * caller pauses briefly, as a real client would, instead of spinning on a dead backend.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** One pool under load. */
export interface LoadTarget {
  readonly id: string;
  readonly callers: number;
  call(): Promise<unknown>;
}

/** What the load did to one pool. */
export interface LoadTally {
  calls: number;
  errors: number;
  /** Failed calls by error name (`NoWorkersError`, `ConnectionLostError`...). */
  readonly errorKinds: Map<string, number>;
  /** Latency (ms) of every successful call. */
  readonly latencies: number[];
  /** Successful calls that started after the servers came back. */
  okAfterRestart: number;
}

/** How the load runs. */
export interface LoadPlan {
  readonly durationMs: number;
  /** Hard bound: the load stops here even if a pool has not recovered. */
  readonly maxMs: number;
  /** Pause of a caller after a failed call. */
  readonly pauseAfterErrorMs: number;
  /** When to restart the servers (ms into the load); none when undefined. */
  readonly restartAtMs?: number;
  /** Stop and start the servers again; resolves when they listen again. */
  restart?(): Promise<void>;
  /** After the restart: whether every restarted pool is fully back (all workers live, calls going through). */
  recovered?(tallies: ReadonlyMap<string, LoadTally>): boolean;
  /** Called every 100 ms and at each phase change. */
  onTick?(state: LoadState): void;
}

/** Where the load is, for the progress display. */
export interface LoadState {
  readonly elapsedMs: number;
  readonly fraction: number;
  readonly calls: number;
  readonly phase: 'load' | 'restarting' | 'recovering' | 'done';
}

/** Run the plan; resolves with one tally per target and the restart times (ms into the load). */
export async function driveLoad(
  targets: readonly LoadTarget[],
  plan: LoadPlan,
): Promise<{ tallies: Map<string, LoadTally>; restart?: { downAtMs: number; upAtMs: number } }> {
  const tallies = new Map<string, LoadTally>(
    targets.map((t) => [t.id, { calls: 0, errors: 0, errorKinds: new Map(), latencies: [], okAfterRestart: 0 }]),
  );
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  let phase: LoadState['phase'] = 'load';
  let restart: { downAtMs: number; upAtMs: number } | undefined;
  let stopping = false;
  const totalCalls = (): number => [...tallies.values()].reduce((sum, t) => sum + t.calls, 0);
  const state = (): LoadState => ({
    elapsedMs: elapsed(),
    fraction: stopping ? 1 : Math.min(0.99, elapsed() / plan.durationMs),
    calls: totalCalls(),
    phase,
  });
  const tick = (): void => plan.onTick?.(state());

  const shouldStop = (): boolean => {
    const ms = elapsed();
    if (ms >= plan.maxMs) return true;
    if (ms < plan.durationMs) return false;
    if (plan.restartAtMs === undefined || plan.restart === undefined) return true;
    return restart !== undefined && (plan.recovered?.(tallies) ?? true);
  };

  const caller = async (target: LoadTarget, tally: LoadTally): Promise<void> => {
    while (!stopping) {
      const t0 = performance.now();
      const afterRestart = restart !== undefined;
      try {
        await target.call();
        tally.latencies.push(performance.now() - t0);
        if (afterRestart) tally.okAfterRestart += 1;
      } catch (error) {
        tally.errors += 1;
        const name = error instanceof Error ? error.name : typeof error;
        tally.errorKinds.set(name, (tally.errorKinds.get(name) ?? 0) + 1);
        await sleep(plan.pauseAfterErrorMs);
      }
      tally.calls += 1;
    }
  };

  const restarter = async (): Promise<void> => {
    if (plan.restartAtMs === undefined || plan.restart === undefined) return;
    await sleep(plan.restartAtMs);
    if (stopping) return;
    phase = 'restarting';
    tick();
    const downAtMs = elapsed();
    await plan.restart();
    restart = { downAtMs, upAtMs: elapsed() };
    phase = 'recovering';
    tick();
  };

  const ticker = setInterval(() => {
    if (phase === 'recovering' && (plan.recovered?.(tallies) ?? true)) phase = 'load';
    if (shouldStop()) stopping = true;
    tick();
  }, 100);
  try {
    const loops = targets.flatMap((target) =>
      Array.from({ length: target.callers }, () => caller(target, tallies.get(target.id)!)),
    );
    await Promise.all([...loops, restarter()]);
  } finally {
    clearInterval(ticker);
  }
  phase = 'done';
  tick();
  return { tallies, ...(restart !== undefined && { restart }) };
}
