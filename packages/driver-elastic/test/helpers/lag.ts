/**
 * How late this process's timers ran during a test: on a machine whose two cores are shared with
 * other suites, a deadline can fire late because the process got no CPU, not because of the pool.
 * Timing assertions add the observed worst delay to their budget (and tests print it).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** A running event-loop delay monitor. */
export interface LoopDelay {
  /** The worst delay seen so far, in ms. */
  maxMs(): number;
  stop(): void;
}

/** Start measuring the event-loop delay (10 ms resolution). */
export function watchLoopDelay(): LoopDelay {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    maxMs: () => histogram.max / 1e6,
    stop: () => histogram.disable(),
  };
}
