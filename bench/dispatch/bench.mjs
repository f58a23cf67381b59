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

// Each figure is the subject's throughput over the baseline's, at each concurrency (`<name>_c1`,
// `<name>_c100`); `min`: its board targets by concurrency, none when only shown.
const FIGURES = {
  // The cheapest call path (runCallback) against no pool at all.
  vs_floor: { subject: 'outpools', baseline: 'floor', min: { 1: 0.5, 100: 0.35 } },
  // run() against generic-pool and tarn, over the same promise API as theirs.
  vs_generic_pool: { subject: 'outpools-run', baseline: 'generic-pool', min: { 1: 2, 100: 2 } },
  // Shown only: run() against the floor, and the ceiling of vs_floor for each path.
  run_vs_floor: { subject: 'outpools-run', baseline: 'floor' },
  one_promise_vs_floor: { subject: 'one-promise', baseline: 'floor' },
  two_promise_vs_floor: { subject: 'two-promise', baseline: 'floor' },
  // The realistic ceiling of vs_floor (minimal-pool.mjs), and outpools against it.
  minimal_pool_vs_floor: { subject: 'minimal-pool', baseline: 'floor' },
  vs_minimal_pool: { subject: 'outpools', baseline: 'minimal-pool' },
  vs_tarn: { subject: 'outpools-run', baseline: 'tarn' },
};

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
  // Board targets (bench/board.mjs).
  targets: Object.fromEntries(
    Object.entries(FIGURES).flatMap(([name, { subject, baseline, min }]) =>
      CONCURRENCY.map((c) => [
        `${name}_c${c}`,
        { ...(min && { min: min[c] }), subject: label(subject, c), baseline: label(baseline, c) },
      ]),
    ),
  ),
  summarize(medians) {
    const line = (...names) =>
      `RESULT ${names
        .flatMap((name) => {
          const { subject, baseline } = FIGURES[name];
          return CONCURRENCY.map(
            (c) => `${name}_c${c}=${ratio(opsOf(medians, subject, c), opsOf(medians, baseline, c))}`,
          );
        })
        .join(' ')}`;
    const memory = medians['memory 100x100 idle'];
    const startStop = medians['start/stop 1000x10'];
    return [
      `RESULT bytes_per_idle_worker=${round(memory?.bytesPerIdleWorker)}`,
      `RESULT start_1000x10_ms=${round(startStop?.startMs)} stop_1000x10_ms=${round(startStop?.stopMs)}`,
      line('vs_tarn'),
      line('minimal_pool_vs_floor', 'vs_minimal_pool'),
      line('run_vs_floor', 'one_promise_vs_floor', 'two_promise_vs_floor'),
      line('vs_generic_pool', 'vs_floor'),
    ];
  },
};
