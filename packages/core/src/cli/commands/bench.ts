/**
 * `outpools bench <file> --pool type.tag`: drive `ping` load through one pool instance from
 * `concurrency` callers for a while and report throughput and latency percentiles, with a
 * progress bar on stderr when it is a terminal.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { FILE_COMMAND_OPTIONS, parseFileCommand } from '../args.js';
import type { CallContext } from '../../driver/contract.js';
import { formatPoolKey, type PoolKey } from '../../errors.js';
import { createPools, type Pools } from '../../engine/pools.js';
import { type CliCommand, type CliIo, ExitCode, UsageError } from '../io.js';
import { integerOption, oneLine, printConfigErrors, within } from './status.js';
import { openFileConfig } from '../open-config.js';

const usage = `Usage: outpools bench <file> --pool <type.tag> [--host h] [--duration-ms N] [--concurrency N]
                      [--wait-ms N] [--json] [--hosts a,b] [--host-types t1,t2] [--plugin <module>]... [--driver-scope @s]...

Start one pool of the configuration, call its ping round trip from N concurrent callers for
a while, and report the throughput and the latency percentiles.

  --pool type.tag     the pool to drive (required)
  --host h            the instance of a host-scoped pool (default: global, or its first host)
  --duration-ms N     how long to drive load (default 5000)
  --concurrency N     concurrent callers (default 10)
  --wait-ms N         how long to wait for the first connection round (default 5000)
  --json              print one JSON document instead of the text report
  --hosts, --host-types, --plugin, --driver-scope   as for outpools check

Exit status: 0 calls succeeded, 1 the pool has no live worker, every call failed or the
configuration has errors, 2 usage error.`;

/** What `outpools bench` measured. */
export interface BenchReport {
  readonly ok: boolean;
  readonly pool: string;
  readonly call: 'ping';
  readonly concurrency: number;
  readonly durationMs: number;
  readonly calls: number;
  readonly failures: number;
  /** Successful calls per second. */
  readonly throughput: number;
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number };
  /** Failure messages (one line each, secrets scrubbed) with their counts. */
  readonly errors: Readonly<Record<string, number>>;
}

const MAX_SAMPLES = 2_000_000;
const round = (ms: number): number => Math.round(ms * 1000) / 1000;

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** A progress bar line: `[#####.....]  50%  1,234 calls/s`. */
export function progressLine(fraction: number, callsPerSecond: number, width = 30): string {
  const done = Math.max(0, Math.min(width, Math.round(fraction * width)));
  const pct = String(Math.round(fraction * 100)).padStart(3);
  return `[${'#'.repeat(done)}${'.'.repeat(width - done)}] ${pct}%  ${Math.round(callsPerSecond).toLocaleString('en-US')} calls/s`;
}

/** Drive `call` from `concurrency` callers for `durationMs`; `onTick(fraction, calls)` every 100 ms. */
export async function driveLoad(
  call: () => Promise<unknown>,
  options: {
    concurrency: number;
    durationMs: number;
    secrets: readonly string[];
    onTick?: (fraction: number, calls: number) => void;
  },
): Promise<Omit<BenchReport, 'ok' | 'pool' | 'call' | 'concurrency'>> {
  const samples = new Float64Array(Math.min(MAX_SAMPLES, 1 << 16));
  let store = samples;
  let recorded = 0;
  let calls = 0;
  let failures = 0;
  const errors: Record<string, number> = {};
  const started = performance.now();
  const end = started + options.durationMs;
  const ticker = options.onTick
    ? setInterval(() => options.onTick!(Math.min(1, (performance.now() - started) / options.durationMs), calls), 100)
    : undefined;
  ticker?.unref();
  // Calls that settle in microtasks (an in-process pool) would starve timers, the progress
  // bar's included: every 50 ms all callers wait at a gate while the event loop takes a turn.
  let lastYield = started;
  let gate: Promise<void> | undefined;
  const caller = async (): Promise<void> => {
    for (let t0 = performance.now(); t0 < end; t0 = performance.now()) {
      if (gate === undefined && t0 - lastYield > 50) {
        lastYield = t0;
        gate = new Promise<void>((resolve) =>
          setImmediate(() => {
            gate = undefined;
            resolve();
          }),
        );
      }
      if (gate !== undefined) {
        await gate;
        continue;
      }
      try {
        await call();
        const ms = performance.now() - t0;
        if (recorded === store.length && store.length < MAX_SAMPLES) {
          const bigger = new Float64Array(Math.min(MAX_SAMPLES, store.length * 2));
          bigger.set(store);
          store = bigger;
        }
        if (recorded < store.length) store[recorded++] = ms;
      } catch (error) {
        failures += 1;
        const message = oneLine(error instanceof Error ? error.message : String(error), options.secrets);
        errors[message] = (errors[message] ?? 0) + 1;
      }
      calls += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, caller));
  } finally {
    if (ticker) clearInterval(ticker);
  }
  const elapsed = performance.now() - started;
  const sorted = store.subarray(0, recorded).sort();
  return {
    durationMs: Math.round(elapsed),
    calls,
    failures,
    throughput: Math.round(((calls - failures) / elapsed) * 1000),
    latencyMs: {
      p50: round(percentile(sorted, 0.5)),
      p90: round(percentile(sorted, 0.9)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : 0),
    },
    errors,
  };
}

function formatReport(report: BenchReport): string {
  const n = (v: number): string => v.toLocaleString('en-US');
  const lines = [
    `bench ${report.pool}: ${report.call}, ${report.concurrency} concurrent callers, ${n(report.durationMs)} ms`,
    `calls       ${n(report.calls)} (${n(report.failures)} failed)`,
    `throughput  ${n(report.throughput)} calls/s`,
    `latency     p50 ${report.latencyMs.p50} ms  p90 ${report.latencyMs.p90} ms  p99 ${report.latencyMs.p99} ms  max ${report.latencyMs.max} ms`,
  ];
  for (const [message, count] of Object.entries(report.errors)) lines.push(`error       ${n(count)} x ${message}`);
  return `${lines.join('\n')}\n`;
}

/** The instance to drive: `--host`, else `global`, else the pool's first instance. */
function pickInstance(pools: Pools, type: string, tag: string, host: string | undefined): PoolKey | undefined {
  const keys = pools
    .stats()
    .map((s) => s.key)
    .filter((k) => k.type === type && k.tag === tag);
  if (host !== undefined) return keys.find((k) => k.host === host);
  return keys.find((k) => k.host === 'global') ?? keys[0];
}

const OPTIONS = {
  ...FILE_COMMAND_OPTIONS,
  pool: { type: 'string' },
  host: { type: 'string' },
  'duration-ms': { type: 'string' },
  concurrency: { type: 'string' },
  'wait-ms': { type: 'string' },
} as const;

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFileCommand(args, OPTIONS, usage, io);
  if (parsed === undefined) return ExitCode.ok;
  const { values, file } = parsed;
  const target = values.pool;
  const dot = target?.indexOf('.') ?? -1;
  if (target === undefined || dot <= 0 || dot === target.length - 1)
    throw new UsageError('--pool expects <type.tag>, e.g. --pool redis.default');
  const type = target.slice(0, dot);
  const tag = target.slice(dot + 1);
  const durationMs = integerOption('duration-ms', values['duration-ms'], 5000, 1);
  const concurrency = integerOption('concurrency', values.concurrency, 10, 1);
  const waitMs = integerOption('wait-ms', values['wait-ms'], 5000);

  const opened = await openFileConfig(file, values, io);
  const config = opened.result.config;
  if (!opened.result.ok || config === undefined) {
    printConfigErrors(io, opened.result.errors, values.json, {});
    return ExitCode.invalid;
  }
  const spec = config.pools.find((p) => p.type === type && p.tag === tag);
  if (spec === undefined) throw new UsageError(`${file} has no pool ${type}.${tag}`);
  const driver = opened.registry.get(type);
  const pools = createPools({ ...config, pools: [spec] }, { registry: opened.registry });
  try {
    const starting = pools.start();
    starting.catch(() => undefined);
    await within(starting, waitMs);
    const key = pickInstance(pools, type, tag, values.host);
    if (key === undefined)
      throw new UsageError(`pool ${type}.${tag} has no instance for host ${JSON.stringify(values.host)}`);
    const stats = pools.stats().find((s) => formatPoolKey(s.key) === formatPoolKey(key));
    if (!stats || stats.workers.live === 0) {
      io.stderr(`${formatPoolKey(key)}: no live worker after ${waitMs} ms\n`);
      return ExitCode.invalid;
    }
    const pool = pools.pool(type, key.host, tag);
    const ping = (connection: unknown, ctx: CallContext): Promise<unknown> => driver.ping(connection, ctx);
    const tty = !values.json && io.tty === true;
    let last = { at: performance.now(), calls: 0 };
    const measured = await driveLoad(() => pool.run(ping), {
      concurrency,
      durationMs,
      secrets: opened.secrets,
      ...(tty && {
        onTick: (fraction: number, calls: number) => {
          const now = performance.now();
          const rate = ((calls - last.calls) / Math.max(1, now - last.at)) * 1000;
          last = { at: now, calls };
          io.stderr(`\r${progressLine(fraction, rate)}`);
        },
      }),
    });
    if (tty) io.stderr('\r\u001b[K');
    const report: BenchReport = {
      ok: measured.calls > measured.failures,
      pool: formatPoolKey(key),
      call: 'ping',
      concurrency,
      ...measured,
    };
    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? ExitCode.ok : ExitCode.invalid;
  } finally {
    await pools.stop();
  }
}

/** `outpools bench`. */
export const command: CliCommand = {
  summary: 'drive ping load through one pool and report throughput and latency',
  usage,
  options: OPTIONS,
  takesFile: true,
  run,
};
