// The dispatch benchmark: outpools' call paths (10 in-process no-op workers, best_worker, call_timeout
// on; runCallback() and run()) against a bare round-robin floor, the one- and two-promise ceilings,
// a complete but minimal pool, generic-pool and tarn, at 1 and 100 concurrent callers; plus memory
// per idle worker and start/stop time of 1,000 instances.
import { ratio } from '../lib/stats.mjs';

const VARIANTS = [
  'outpools',
  'outpools-run',
  'floor',
  'one-promise',
  'two-promise',
  'minimal-pool',
  'generic-pool',
  'tarn',
];
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
  // Board targets (bench/board.mjs): each figure is the subject's throughput over the baseline's.
  // vs_floor: the cheapest call path (runCallback); against generic-pool and tarn, run() over the
  // same promise API as theirs.
  targets: {
    vs_floor_c1: { min: 0.5, subject: label('outpools', 1), baseline: label('floor', 1) },
    vs_floor_c100: { min: 0.35, subject: label('outpools', 100), baseline: label('floor', 100) },
    vs_generic_pool_c1: { min: 2, subject: label('outpools-run', 1), baseline: label('generic-pool', 1) },
    vs_generic_pool_c100: { min: 2, subject: label('outpools-run', 100), baseline: label('generic-pool', 100) },
    // Shown only: run() against the floor, and the ceiling of vs_floor for each path.
    run_vs_floor_c1: { subject: label('outpools-run', 1), baseline: label('floor', 1) },
    run_vs_floor_c100: { subject: label('outpools-run', 100), baseline: label('floor', 100) },
    one_promise_vs_floor_c1: { subject: label('one-promise', 1), baseline: label('floor', 1) },
    one_promise_vs_floor_c100: { subject: label('one-promise', 100), baseline: label('floor', 100) },
    two_promise_vs_floor_c1: { subject: label('two-promise', 1), baseline: label('floor', 1) },
    two_promise_vs_floor_c100: { subject: label('two-promise', 100), baseline: label('floor', 100) },
    // The realistic ceiling of vs_floor (minimal-pool.mjs), and outpools against it.
    minimal_pool_vs_floor_c1: { subject: label('minimal-pool', 1), baseline: label('floor', 1) },
    minimal_pool_vs_floor_c100: { subject: label('minimal-pool', 100), baseline: label('floor', 100) },
    vs_minimal_pool_c1: { subject: label('outpools', 1), baseline: label('minimal-pool', 1) },
    vs_minimal_pool_c100: { subject: label('outpools', 100), baseline: label('minimal-pool', 100) },
    vs_tarn_c1: { subject: label('outpools-run', 1), baseline: label('tarn', 1) },
    vs_tarn_c100: { subject: label('outpools-run', 100), baseline: label('tarn', 100) },
  },
  summarize(medians) {
    const figure = (name, subject, baseline) =>
      CONCURRENCY.map((c) => `${name}_c${c}=${ratio(opsOf(medians, subject, c), opsOf(medians, baseline, c))}`);
    const memory = medians['memory 100x100 idle'];
    const startStop = medians['start/stop 1000x10'];
    return [
      `RESULT bytes_per_idle_worker=${round(memory?.bytesPerIdleWorker)}`,
      `RESULT start_1000x10_ms=${round(startStop?.startMs)} stop_1000x10_ms=${round(startStop?.stopMs)}`,
      `RESULT ${figure('vs_tarn', 'outpools-run', 'tarn').join(' ')}`,
      `RESULT ${[...figure('minimal_pool_vs_floor', 'minimal-pool', 'floor'), ...figure('vs_minimal_pool', 'outpools', 'minimal-pool')].join(' ')}`,
      `RESULT ${[...figure('run_vs_floor', 'outpools-run', 'floor'), ...figure('one_promise_vs_floor', 'one-promise', 'floor'), ...figure('two_promise_vs_floor', 'two-promise', 'floor')].join(' ')}`,
      `RESULT ${[...figure('vs_generic_pool', 'outpools-run', 'generic-pool'), ...figure('vs_floor', 'outpools', 'floor')].join(' ')}`,
    ];
  },
};
