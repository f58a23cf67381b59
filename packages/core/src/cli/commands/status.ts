/**
 * `outpools status <file>`: start every pool of a configuration, wait for the first connection
 * round, print per instance its live workers and a health round trip, stop, and exit 0 when
 * every instance has a live worker (1 otherwise, 2 for a usage error). Also the loading steps
 * `outpools bench` shares.
 * @module
 */
import { parseArgs } from 'node:util';
import { FILE_COMMAND_OPTIONS, fileArgument } from '../args.js';
import { formatPoolKey, type ConfigIssue, type PoolKey } from '../../errors.js';
import { createPools, type Pools } from '../../engine/pools.js';
import { type CliCommand, type CliIo, ExitCode, UsageError } from '../io.js';
import { openConfig } from '../open-config.js';

const usage = `Usage: outpools status <file> [--json] [--wait-ms N] [--hosts a,b] [--host-types t1,t2] [--plugin <module>]...

Start every pool of the configuration, wait for the first connection round, print each
instance's live workers and a health round trip, then stop.

  --json              print one JSON document: {"ok","instances":[{"type","tag","instance","live","workers","health"}]}
  --wait-ms N         how long to wait for the first connection round (default 5000)
  --hosts a,b         hosts that scope = "host" expands over (instead of [general] hosts)
  --host-types t1,t2  host types (instead of [general] host_types)
  --plugin <module>   load pool drivers from a module path or package (repeatable)

Exit status: 0 every instance has a live worker, 1 some instance has none (or the
configuration has errors), 2 usage error.`;

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

/** Start the pools, wait up to `waitMs` for the first round, health-check, and describe each instance. */
export async function collectStatus(
  pools: Pools,
  waitMs: number,
  secrets: readonly string[],
): Promise<InstanceStatus[]> {
  const starting = pools.start();
  starting.catch(() => undefined);
  const report = await within(starting, waitMs);
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

async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...FILE_COMMAND_OPTIONS,
      'wait-ms': { type: 'string' },
    },
  });
  if (values.help) {
    io.stdout(`${usage}\n`);
    return ExitCode.ok;
  }
  const file = fileArgument(positionals);
  const waitMs = integerOption('wait-ms', values['wait-ms'], 5000);
  const opened = await openConfig(
    { file, hosts: values.hosts, hostTypes: values['host-types'], plugins: values.plugin },
    io,
  );
  const config = opened.result.config;
  if (!opened.result.ok || config === undefined) {
    printConfigErrors(io, opened.result.errors, values.json, { instances: [] });
    return ExitCode.invalid;
  }
  const pools = createPools(config, { registry: opened.registry });
  let instances: InstanceStatus[];
  try {
    instances = await collectStatus(pools, waitMs, opened.secrets);
  } finally {
    await pools.stop();
  }
  const ok = instances.every((i) => i.live > 0);
  if (values.json) io.stdout(`${JSON.stringify({ ok, instances }, null, 2)}\n`);
  else io.stdout(formatStatus(instances));
  return ok ? ExitCode.ok : ExitCode.invalid;
}

/** `outpools status`. */
export const command: CliCommand = {
  summary: 'start every pool, report live workers and a health round trip, stop',
  usage,
  run,
};
