// Child side of a benchmark: a closed-loop load generator and the line protocol that reports
// one measurement to the harness (`bench/lib/harness.mjs`).
import { performance } from 'node:perf_hooks';
import { quantile } from './stats.mjs';

/** The prefix of the one line a scenario prints on stdout for the harness. */
export const RESULT_PREFIX = 'BENCH_RESULT ';

/** Duration of one measured run, from the environment the harness sets (ms). */
export function durationMs(fallback = 1000) {
  const value = Number(process.env.BENCH_DURATION_MS);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/**
 * Run `concurrency` callers, each awaiting `call()` in a loop, first for `warmupMs` (not counted)
 * and then for `durationMs` (or until `maxOps` calls were made). With `latency: true` every call
 * is timed (this costs ~100 ns per call; leave it off for sub-microsecond dispatch benchmarks).
 *
 * Returns `{ ops, ms, opsPerSec, errors, cpuUsPerOp, p50Us, p90Us, p99Us }` (latencies only when measured).
 */
export async function closedLoop({
  call,
  concurrency,
  durationMs: duration = durationMs(),
  warmupMs = 300,
  maxOps = Infinity,
  latency = false,
}) {
  const run = async (ms, limit, samples) => {
    let ops = 0;
    let errors = 0;
    const end = performance.now() + ms;
    let stop = false;
    const worker = async () => {
      let n = 0;
      while (!stop) {
        const t0 = samples ? performance.now() : 0;
        try {
          await call();
        } catch {
          errors += 1;
        }
        if (samples) samples.push(performance.now() - t0);
        ops += 1;
        // Reading the clock costs more than a no-op call: check it every 64 calls per caller.
        if ((++n & 63) === 0 || samples) {
          if (performance.now() >= end) stop = true;
        }
        if (ops >= limit) stop = true;
      }
    };
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const cpu = process.cpuUsage(cpuBefore);
    return { ops, errors, ms: performance.now() - started, cpuUs: cpu.user + cpu.system };
  };

  if (warmupMs > 0) await run(warmupMs, maxOps, undefined);
  const samples = latency ? [] : undefined;
  const { ops, errors, ms, cpuUs } = await run(duration, maxOps, samples);
  // CPU time per call: steadier than ops/s on a shared machine (a process that waits for the
  // CPU loses wall time, not CPU time).
  const result = { ops, ms, opsPerSec: (ops / ms) * 1000, errors, cpuUsPerOp: cpuUs / Math.max(1, ops) };
  if (samples && samples.length > 0) {
    samples.sort((a, b) => a - b);
    result.p50Us = quantile(samples, 0.5) * 1000;
    result.p90Us = quantile(samples, 0.9) * 1000;
    result.p99Us = quantile(samples, 0.99) * 1000;
  }
  return result;
}

/** Print one measurement for the harness (numbers only; strings are shown as notes). */
export function report(metrics) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(metrics)}\n`);
}

/**
 * The `main` of a scenario script: `node scenario.mjs <variant> [concurrency]`.
 * `variants` maps a variant name to `async (concurrency) => metrics`; the metrics object is
 * reported, and the process exits (so a leaked handle cannot hang the harness).
 */
export async function scenarioMain(variants) {
  const [variant, concurrencyText = '1'] = process.argv.slice(2);
  const fn = variant === undefined ? undefined : variants[variant];
  if (!fn) {
    process.stderr.write(`usage: scenario.mjs <${Object.keys(variants).join('|')}> [concurrency]\n`);
    process.exit(2);
  }
  const concurrency = Number(concurrencyText);
  try {
    const metrics = await fn(Number.isInteger(concurrency) && concurrency > 0 ? concurrency : 1);
    report(metrics);
    process.exit(0);
  } catch (error) {
    process.stderr.write(`${variant}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
