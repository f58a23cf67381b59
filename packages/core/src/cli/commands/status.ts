/**
 * `outpools status <file>`: start every pool of a configuration, wait for the first connection
 * round, print per instance its live workers and a health round trip, stop, and exit 0 when
 * every instance has a live worker (1 otherwise, 2 for a usage error). Also the loading steps
 * `outpools bench` shares.
 * @module
 */
import { FILE_COMMAND_OPTIONS, parseFileCommand } from '../args.js';
import { formatPoolKey, type ConfigIssue, type PoolKey } from '../../errors.js';
import { createPools, type Pools } from '../../engine/pools.js';
import { type CliCommand, type CliIo, ExitCode, UsageError } from '../io.js';
import { openFileConfig } from '../open-config.js';
import type { LoadedConfig } from '../../config/types.js';

const usage = `Usage: outpools status <file> [--json] [--wait-ms N] [--hosts a,b] [--host-types t1,t2] [--plugin <module>]... [--driver-scope @s]...

Start every pool of the configuration, wait for the first connection round, print each
instance's live workers and a health round trip, then stop.

  --json              print one JSON document: {"ok","instances":[{"type","tag","instance","live","workers","health"}]}
  --wait-ms N         how long to wait for the first connection round (default 5000)
  --hosts a,b         hosts that scope = "host" expands over (instead of [general] hosts)
  --host-types t1,t2  host types (instead of [general] host_types)
  --plugin <module>   load pool drivers from a module path or package (repeatable)
  --driver-scope @s   also look for pool type <t> in @s/outpools-driver-<t> (repeatable)

Exit status: 0 every instance has a live worker, 1 some instance has none (or the
configuration has errors, or it starts no instance at all), 2 usage error.`;

/** Parse a non-negative integer option; a usage error otherwise. */
export function integerOption(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} expects an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** One line of text, with every secret replaced by `***`: what an error may show. */
export function oneLine(text: string, secrets: readonly string[]): string {
  let line = text.split('\n')[0] ?? '';
  for (const secret of secrets) line = line.split(secret).join('***');
  return line.trim();
}

/** Print configuration errors as `path: message` lines (stderr), or as JSON with `extra` fields. */
export function printConfigErrors(
  io: CliIo,
  errors: readonly ConfigIssue[],
  json: boolean,
  extra: Record<string, unknown>,
): void {
  if (json) io.stdout(`${JSON.stringify({ ok: false, errors, ...extra }, null, 2)}\n`);
  else for (const e of errors) io.stderr(`${e.path}: ${e.message}\n`);
}

/** One instance in the status report. */
export interface InstanceStatus {
  readonly type: string;
  readonly tag: string;
  readonly instance: string;
  readonly live: number;
  readonly workers: number;
  /** The health round trip; for an instance without a live worker, `error` says why it has none. */
  readonly health: { readonly ok: boolean; readonly ms: number | null; readonly error: string | null };
}

const idOf = (key: PoolKey): string => `${key.type}\u0000${key.tag}\u0000${key.host}`;

/** Resolve within `ms`, or `undefined` when time runs out (the timer never outlives the race). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What {@link collectStatus} is doing, for a progress line. */
export type StatusProgress =
  | { readonly stage: 'connecting'; readonly live: number; readonly instances: number; readonly elapsedMs: number }
  | { readonly stage: 'health'; readonly instances: number; readonly elapsedMs: number };

/** The progress line drawn on a terminal while `status` waits. */
export function progressText(progress: StatusProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(1);
  const instances = `${progress.instances} ${progress.instances === 1 ? 'instance' : 'instances'}`;
  return progress.stage === 'connecting'
    ? `connecting: ${progress.live} of ${instances} with a live worker (${seconds} s)`
    : `health round trip on ${instances} (${seconds} s)`;
}

/**
 * Start the pools, wait up to `waitMs` for the first round, health-check, and describe each
 * instance; `onProgress` is called every 100 ms while it waits.
 */
export async function collectStatus(
  pools: Pools,
  waitMs: number,
  secrets: readonly string[],
  onProgress?: (progress: StatusProgress) => void,
): Promise<InstanceStatus[]> {
  const began = performance.now();
  let stage: 'connecting' | 'health' = 'connecting';
  const ticker =
    onProgress === undefined
      ? undefined
      : setInterval(() => {
          const stats = pools.stats();
          const elapsedMs = performance.now() - began;
          onProgress(
            stage === 'connecting'
              ? { stage, live: stats.filter((s) => s.workers.live > 0).length, instances: stats.length, elapsedMs }
              : { stage, instances: stats.length, elapsedMs },
          );
        }, 100);
  try {
    return await collect(pools, waitMs, secrets, () => {
      stage = 'health';
    });
  } finally {
    clearInterval(ticker);
  }
}

async function collect(
  pools: Pools,
  waitMs: number,
  secrets: readonly string[],
  onHealth: () => void,
): Promise<InstanceStatus[]> {
  const starting = pools.start();
  starting.catch(() => undefined);
  const report = await within(starting, waitMs);
  onHealth();
  const startErrors = new Map<string, string>();
  for (const instance of report?.instances ?? []) {
    if (instance.error !== undefined) startErrors.set(idOf(instance.key), instance.error);
  }
  const health = (await within(pools.health(), Math.max(waitMs, 1000))) ?? [];
  const healthById = new Map(health.map((h) => [idOf(h.key), h]));
  return pools.stats().map((stats) => {
    const h = healthById.get(idOf(stats.key));
    const live = stats.workers.live;
    const startError =
      startErrors.get(idOf(stats.key)) ?? (report === undefined ? `no connection within ${waitMs} ms` : undefined);
    const why = live === 0 ? (startError ?? h?.error ?? 'no live worker') : h?.error;
    return {
      type: stats.key.type,
      tag: stats.key.tag,
      instance: stats.key.host,
      live,
      workers: stats.workers.total,
      health: {
        ok: h?.ok === true,
        ms: h?.ok === true ? Math.round(h.ms * 100) / 100 : null,
        error: h?.ok === true ? null : oneLine(why ?? 'no health answer', secrets),
      },
    };
  });
}

/** The human status table, then one line per instance without a live worker. */
export function formatStatus(instances: readonly InstanceStatus[]): string {
  const rows = instances.map((i) => [
    formatPoolKey({ type: i.type, tag: i.tag, host: i.instance }),
    `${i.live}/${i.workers}`,
    i.health.ok ? `ok ${i.health.ms} ms` : i.live === 0 ? 'down' : 'failed',
  ]);
  const header = ['instance', 'live', 'health'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), ...rows.map(line)];
  for (const i of instances) {
    const why = i.health.error;
    if (why !== null) out.push(`${formatPoolKey({ type: i.type, tag: i.tag, host: i.instance })}: ${why}`);
  }
  return `${out.join('\n')}\n`;
}

const OPTIONS = {
  ...FILE_COMMAND_OPTIONS,
  'wait-ms': { type: 'string' },
} as const;

/** Why a configuration starts no pool instance: no pool at all, or host-scoped pools with no host. */
export function nothingToCheck(file: string, config: LoadedConfig): string {
  if (config.pools.length === 0) return `${file}: nothing to check: the file has no [outgoing_pools] section`;
  return `${file}: nothing to check: its pools are scoped to hosts (scope = "host") and no host is configured; set [general] hosts or pass --hosts a,b`;
}

/** The closing line of the human report: how many instances have a live worker. */
export function summaryLine(file: string, instances: readonly InstanceStatus[]): string {
  const up = instances.filter((i) => i.live > 0).length;
  const down = instances.length - up;
  const noun = instances.length === 1 ? 'instance' : 'instances';
  return `${file}: ${down === 0 ? 'OK, ' : ''}${up} of ${instances.length} ${noun} with a live worker${down > 0 ? `, ${down} down` : ''}`;
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFileCommand(args, OPTIONS, usage, io);
  if (parsed === undefined) return ExitCode.ok;
  const { values, file } = parsed;
  const waitMs = integerOption('wait-ms', values['wait-ms'], 5000);
  const opened = await openFileConfig(file, values, io);
  const config = opened.result.config;
  if (!opened.result.ok || config === undefined) {
    printConfigErrors(io, opened.result.errors, values.json, { instances: [] });
    return ExitCode.invalid;
  }
  const pools = createPools(config, { registry: opened.registry });
  if (pools.keys().length === 0) {
    await pools.stop();
    const error = nothingToCheck(file, config);
    if (values.json) io.stdout(`${JSON.stringify({ ok: false, error, instances: [] }, null, 2)}\n`);
    else io.stderr(`${error}\n`);
    return ExitCode.invalid;
  }
  const drawing = io.tty === true && !values.json;
  let instances: InstanceStatus[];
  try {
    instances = await collectStatus(
      pools,
      waitMs,
      opened.secrets,
      drawing ? (progress) => io.stderr(`\r\u001b[K${progressText(progress)}`) : undefined,
    );
  } finally {
    if (drawing) io.stderr('\r\u001b[K');
    await pools.stop();
  }
  const ok = instances.every((i) => i.live > 0);
  if (values.json) io.stdout(`${JSON.stringify({ ok, instances }, null, 2)}\n`);
  else io.stdout(`${formatStatus(instances)}${summaryLine(file, instances)}\n`);
  return ok ? ExitCode.ok : ExitCode.invalid;
}

/** `outpools status`. */
export const command: CliCommand = {
  summary: 'start every pool, report live workers and a health round trip, stop',
  usage,
  options: OPTIONS,
  takesFile: true,
  run,
};
