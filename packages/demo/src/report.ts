/**
 * The demo's results: one row per pool (calls, errors, latency, how the calls spread over the
 * workers, reconnects, recovery after the restart), the errors by kind, and what it all means.
 * @module
 */

/** One pool's results. */
export interface PoolResult {
  /** `type.tag` (and `@host` for a host-scoped instance). */
  readonly pool: string;
  readonly strategy: string;
  readonly workers: number;
  /** What served it: `in-process HTTP`, `embedded PostgreSQL`, `local Redis :6379`... */
  readonly server: string;
  readonly calls: number;
  readonly errors: number;
  readonly errorKinds: Readonly<Record<string, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Share of the calls each worker ran, in percent, by worker index. */
  readonly workerShares: readonly number[];
  readonly reconnects: number;
  /** Seconds from the servers' stop until every worker was live and a call went through; null when not restarted or not recovered. */
  readonly recoveredAfterS: number | null;
  /** Whether its server was restarted during the load. */
  readonly restarted: boolean;
}

/** Everything the demo measured. */
export interface DemoReport {
  readonly ok: boolean;
  readonly pools: readonly PoolResult[];
  readonly loadMs: number;
  /** When the servers were stopped and listened again, in ms into the load. */
  readonly restart: { readonly downAtMs: number; readonly upAtMs: number } | null;
  readonly totalMs: number;
}

/** The `q` quantile of ascending `sorted` values (nearest rank). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Percent of the total for each count (rounded; empty when nothing ran). */
export function shares(counts: readonly (number | undefined)[], workers: number): number[] {
  const all = Array.from({ length: workers }, (_, i) => counts[i] ?? 0);
  const total = all.reduce((a, b) => a + b, 0);
  return total === 0 ? [] : all.map((c) => Math.round((c / total) * 100));
}

const n = (v: number): string => v.toLocaleString('en-US');
const ms = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** The results table: one row per pool. */
export function formatTable(pools: readonly PoolResult[]): string {
  const header = [
    'pool',
    'strategy',
    'calls',
    'errors',
    'p50 ms',
    'p99 ms',
    'calls per worker %',
    'reconnects',
    'recovered',
  ];
  const right = new Set([2, 3, 4, 5, 7]);
  const rows = pools.map((p) => [
    p.pool,
    p.strategy,
    n(p.calls),
    n(p.errors),
    ms(p.p50Ms),
    ms(p.p99Ms),
    p.workerShares.length > 0 ? p.workerShares.join(' ') : '-',
    n(p.reconnects),
    p.restarted ? (p.recoveredAfterS === null ? 'NO' : `${p.recoveredAfterS.toFixed(1)} s`) : '-',
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const ERROR_MEANING: Readonly<Record<string, string>> = {
  NoAvailableWorkersError: 'no idle worker, and this strategy never queues',
  NoWorkersError: 'no live worker while the server was down: failed at once instead of hanging',
  ConnectionLostError: 'running when its connection broke',
  HttpRequestError: 'the request was on the wire when the server closed its connection',
  HttpTimeoutError: 'request_timeout ran out',
  QueryError: 'the server refused the statement',
  CallTimeoutError: 'call_timeout ran out',
  PoolStoppedError: 'the pools were stopping',
};

/** One line per pool and kind of error: `http.next_available: 1,234 x NoAvailableWorkersError (...)`. */
export function formatErrors(pools: readonly PoolResult[]): string[] {
  const lines: string[] = [];
  for (const p of pools) {
    for (const [kind, count] of Object.entries(p.errorKinds)) {
      const meaning = ERROR_MEANING[kind];
      lines.push(`  ${p.pool}: ${n(count)} x ${kind}${meaning ? ` (${meaning})` : ''}`);
    }
  }
  return lines;
}

/** What the user just saw, and what to try next. */
export function formatClosing(report: DemoReport, withLocal: boolean): string {
  const served = report.pools.filter((p) => p.restarted);
  const local = report.pools.filter((p) => !p.restarted);
  const byServer = new Map<string, number>();
  for (const p of report.pools) byServer.set(p.server, (byServer.get(p.server) ?? 0) + 1);
  const where = [...byServer]
    .map(([server, count]) => `${count} ${count === 1 ? 'pool' : 'pools'} on ${server}`)
    .join(', ');
  const calls = report.pools.reduce((sum, p) => sum + p.calls, 0);
  const lines = [
    'What you just saw:',
    `  - ${report.pools.length} pools from examples/demo.toml${local.length > 0 ? ' and examples/demo-local.toml' : ''} made ${n(calls)} real calls over TCP (${where}).`,
    '  - Each pool routed its calls by its strategy: best_worker picks the least loaded worker, random_worker',
    '    and next_worker ignore load, available_worker queues a call until a worker is idle, and',
    '    next_available_worker never queues (a call that finds no idle worker fails at once).',
  ];
  if (report.restart !== null && served.length > 0) {
    const down = ((report.restart.upAtMs - report.restart.downAtMs) / 1000).toFixed(1);
    lines.push(
      `  - At ${(report.restart.downAtMs / 1000).toFixed(1)} s both servers stopped (every connection dropped) and came back ${down} s later on the`,
      '    same ports: the workers reconnected with backoff (reconnects) and the calls went through again (recovered).',
    );
  }
  lines.push(
    '  - Then the pools stopped: running calls finished, every connection closed, every timer cleared.',
    '',
    'Try next:',
    '  - edit examples/demo.toml (strategy, workers, call_timeout) and run `pnpm exec outpools demo` again',
  );
  if (!withLocal)
    lines.push(
      '  - `pnpm exec outpools demo --with-local` also drives your local Redis, PostgreSQL and MariaDB (usual ports)',
    );
  lines.push(
    '  - `pnpm run check:example` validates a configuration with every pool type, without connecting',
    '  - the API in your own code: README.md, "Using the pools"; every option: docs/configuration.md',
  );
  return lines.join('\n');
}
