// Parent side of a benchmark: runs every case of a bench definition in fresh child processes,
// several times, takes the median of each metric, prints a table and the bench's RESULT lines.
//
// A bench definition (`bench/<name>/bench.mjs`, default export):
//   {
//     description: 'one line',
//     scenario: new URL('./scenario.mjs', import.meta.url),  // the child script
//     nodeArgs: ['--expose-gc'],                               // optional, flags for node
//     runs: 3,                                                 // optional, at least 3 is the rule
//     timeoutMs: 120_000,                                      // optional, per child
//     cases: [{ label: 'outpools c=1', args: ['outpools', '1'] }, ...],
//     summarize(medians) { return ['RESULT a=1 b=2']; },       // medians: { [label]: metrics }
//   }
// The child prints one line `BENCH_RESULT {json}` (see `load.mjs`: `scenarioMain`, `report`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatNumber, median } from './stats.mjs';
import { RESULT_PREFIX } from './load.mjs';

/** Run one child process and return its reported metrics (rejects with its stderr on failure). */
export function runChild({ scenario, nodeArgs = [], args, env = {}, timeoutMs = 120_000 }) {
  const script = scenario instanceof URL ? fileURLToPath(scenario) : scenario;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout
        .split('\n')
        .reverse()
        .find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) {
        const why = stderr.trim().split('\n').slice(-3).join(' | ') || `exit ${code}, no result line`;
        reject(new Error(why));
        return;
      }
      resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
    });
  });
}

/** The median of every numeric metric over a list of runs; non-numeric values of the last run kept. */
export function medianMetrics(runs) {
  const out = {};
  for (const key of new Set(runs.flatMap((r) => Object.keys(r)))) {
    const values = runs.map((r) => r[key]);
    out[key] = values.every((v) => typeof v === 'number') ? median(values) : values.at(-1);
  }
  return out;
}

/** Render rows (`{ label, runs, metrics | error }`) as a fixed-width text table. */
export function formatTable(rows) {
  const keys = [...new Set(rows.flatMap((r) => (r.metrics ? Object.keys(r.metrics) : [])))].filter((k) => k !== 'note');
  const header = ['case', 'runs', ...keys];
  const body = rows.map((r) =>
    r.metrics
      ? [r.label, String(r.runs), ...keys.map((k) => formatNumber(r.metrics[k]))]
      : [r.label, String(r.runs), `failed: ${r.error}`],
  );
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.filter((row) => row.length === header.length).map((row) => row[i].length)),
  );
  const line = (cells) =>
    cells
      .map((c, i) => (i === 0 || cells.length < header.length ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i])))
      .join('  ');
  return [line(header), line(header.map((_, i) => '-'.repeat(widths[i]))), ...body.map(line)].join('\n');
}

/** The default progress report: one line per child process on stderr. */
function progressLine({ label, round, runs }) {
  process.stderr.write(`[bench] ${label} (run ${round}/${runs})\n`);
}

/**
 * Run a bench definition: every case `runs` times in fresh processes (round-robin over the cases,
 * so slow drift of the machine spreads evenly), medians, a table, then the summary lines.
 * Returns `{ medians, lines, samples }`; `medians[label]` is undefined for a case that failed every
 * run, `samples[label]` lists the metrics of each of its runs. `progress({ label, round, runs,
 * done, total })` is called before each child starts (default: a line on stderr).
 */
export async function runBench(
  definition,
  { runs = definition.runs ?? 3, env = {}, log = console.log, progress = progressLine } = {},
) {
  const total = runs * definition.cases.length;
  let done = 0;
  const collected = new Map(definition.cases.map((c) => [c.label, { runs: [], errors: [] }]));
  for (let round = 1; round <= runs; round += 1) {
    for (const c of definition.cases) {
      const slot = collected.get(c.label);
      progress({ label: c.label, round, runs, done: done++, total });
      try {
        slot.runs.push(
          await runChild({
            scenario: c.scenario ?? definition.scenario,
            nodeArgs: c.nodeArgs ?? definition.nodeArgs,
            args: c.args,
            env,
            timeoutMs: definition.timeoutMs,
          }),
        );
      } catch (error) {
        slot.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  }
  const medians = {};
  const samples = {};
  const rows = [];
  for (const c of definition.cases) {
    const slot = collected.get(c.label);
    samples[c.label] = slot.runs;
    if (slot.runs.length > 0) {
      medians[c.label] = medianMetrics(slot.runs);
      rows.push({ label: c.label, runs: slot.runs.length, metrics: medians[c.label] });
    } else {
      rows.push({ label: c.label, runs: 0, error: slot.errors[0] ?? 'no run' });
    }
  }
  log(formatTable(rows));
  const lines = definition.summarize ? definition.summarize(medians) : [];
  for (const l of lines) log(l);
  return { medians, lines, samples };
}
