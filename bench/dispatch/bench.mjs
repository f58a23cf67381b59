// The dispatch benchmark: outpools' call path (10 in-process no-op workers, best_worker,
// call_timeout on) against a bare round-robin floor, the two-promise ceiling, generic-pool and tarn, at 1 and 100
// concurrent callers; plus memory per idle worker and start/stop time of 1,000 instances.
import { ratio } from '../lib/stats.mjs';

const VARIANTS = ['outpools', 'floor', 'two-promise', 'generic-pool', 'tarn'];
const CONCURRENCY = [1, 100];
const label = (variant, c) => `${variant} c=${c}`;
const opsOf = (medians, variant, c) => medians[label(variant, c)]?.opsPerSec;
const round = (value) => (typeof value === 'number' ? String(Math.round(value)) : 'n/a');

export default {
  description: 'no-op calls over 10 workers: outpools vs floor, generic-pool, tarn; memory; start/stop',
  scenario: new URL('./scenario.mjs', import.meta.url),
  nodeArgs: ['--expose-gc'],
  runs: 3,
  cases: [
    ...CONCURRENCY.flatMap((c) => VARIANTS.map((v) => ({ label: label(v, c), args: [v, String(c)] }))),
    { label: 'memory 100x100 idle', args: ['memory'] },
    { label: 'start/stop 1000x10', args: ['startstop'] },
  ],
  // Board targets (bench/board.mjs): each figure is outpools' throughput over the baseline's.
  targets: {
    vs_floor_c1: { min: 0.5, subject: label('outpools', 1), baseline: label('floor', 1) },
    vs_floor_c100: { min: 0.35, subject: label('outpools', 100), baseline: label('floor', 100) },
    vs_generic_pool_c1: { min: 2, subject: label('outpools', 1), baseline: label('generic-pool', 1) },
    vs_generic_pool_c100: { min: 2, subject: label('outpools', 100), baseline: label('generic-pool', 100) },
    // The ceiling of vs_floor for a pool that keeps the caller's promise apart (no target: shown only).
    two_promise_vs_floor_c1: { subject: label('two-promise', 1), baseline: label('floor', 1) },
    two_promise_vs_floor_c100: { subject: label('two-promise', 100), baseline: label('floor', 100) },
    vs_tarn_c1: { subject: label('outpools', 1), baseline: label('tarn', 1) },
    vs_tarn_c100: { subject: label('outpools', 100), baseline: label('tarn', 100) },
  },
  summarize(medians) {
    const vs = (other) =>
      CONCURRENCY.map(
        (c) => `vs_${other.replace('-', '_')}_c${c}=${ratio(opsOf(medians, 'outpools', c), opsOf(medians, other, c))}`,
      );
    const memory = medians['memory 100x100 idle'];
    const startStop = medians['start/stop 1000x10'];
    return [
      `RESULT bytes_per_idle_worker=${round(memory?.bytesPerIdleWorker)}`,
      `RESULT start_1000x10_ms=${round(startStop?.startMs)} stop_1000x10_ms=${round(startStop?.stopMs)}`,
      `RESULT ${vs('tarn').join(' ')}`,
      `RESULT ${CONCURRENCY.map((c) => `two_promise_vs_floor_c${c}=${ratio(opsOf(medians, 'two-promise', c), opsOf(medians, 'floor', c))}`).join(' ')}`,
      `RESULT ${[...vs('generic-pool'), ...CONCURRENCY.map((c) => `vs_floor_c${c}=${ratio(opsOf(medians, 'outpools', c), opsOf(medians, 'floor', c))}`)].join(' ')}`,
    ];
  },
};
