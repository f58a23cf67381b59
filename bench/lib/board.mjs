// The benchmark board's logic (no I/O, no timing): RESULT lines to figures, figures checked
// against the targets each bench declares, the spread of each baseline's runs, client CPU per
// operation, one table, and the comparison with an earlier board (`bench/results/*.json`).
//
// A bench declares its targets next to its cases (`bench/<name>/bench.mjs`, default export):
//   targets: {
//     vs_floor_c1: { min: 0.5, subject: 'outpools c=1', baseline: 'floor c=1' },
//     vs_floor:    { max: 2, subject: 'check', baseline: 'floor', metric: 'ms' },
//     vs_tarn_c1:  { subject: 'outpools c=1', baseline: 'tarn c=1' },   // no target: shown only
//   }
// `subject` and `baseline` are case labels: the figure is subject / baseline (of `metric`,
// default `opsPerSec`), both measured in the same run; the board shows the baseline's spread over
// its runs and both sides' client CPU per operation (`cpuUsPerOp`).
import { formatNumber, median } from './stats.mjs';

/** Board JSON format version. */
export const BOARD_VERSION = 1;

/**
 * `RESULT a=1.5 b=yes c=n/a` lines to `[{ figure, value }]`, in order: a number, a word (`yes`,
 * `no`) kept as text, or null for `n/a` (a figure that could not be computed).
 */
export function parseResultLines(lines) {
  const figures = [];
  for (const line of lines) {
    if (!line.startsWith('RESULT ')) continue;
    for (const pair of line.slice('RESULT '.length).trim().split(/\s+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const text = pair.slice(eq + 1);
      const value = Number(text);
      const word = text !== '' && text !== 'n/a' ? text : null;
      figures.push({ figure: pair.slice(0, eq), value: text !== '' && Number.isFinite(value) ? value : word });
    }
  }
  return figures;
}

/** `>= 0.5`, `<= 2`, `0.5..2`, or `''` without a bound. */
export function targetText(target) {
  if (!target) return '';
  const { min, max } = target;
  if (min !== undefined && max !== undefined) return `${min}..${max}`;
  if (min !== undefined) return `>= ${min}`;
  if (max !== undefined) return `<= ${max}`;
  return '';
}

/** Whether `value` meets `target`: true, false, or null (no bound, or no value). */
export function holds(value, target) {
  if (!target || (target.min === undefined && target.max === undefined)) return null;
  if (typeof value !== 'number') return false;
  if (target.min !== undefined && value < target.min) return false;
  if (target.max !== undefined && value > target.max) return false;
  return true;
}

/** Median, min, max and the largest distance from the median in % of it, of a list of numbers. */
export function spread(values) {
  const numbers = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  const mid = median(numbers);
  if (mid === undefined) return undefined;
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const pct = mid === 0 ? 0 : (Math.max(max - mid, mid - min) / Math.abs(mid)) * 100;
  return { n: numbers.length, median: mid, min, max, pct };
}

/**
 * The board rows of one bench: every RESULT figure, with its target, whether it holds, the
 * baseline's spread and the CPU per operation of both sides when the bench names them.
 * `result` is `{ lines, medians, samples }` from `runBench`, or `{ error }` when the bench failed.
 */
export function benchFigures(bench, targets = {}, result) {
  if (result.error !== undefined) {
    return [{ bench, figure: '(bench failed)', value: null, target: '', holds: false, error: result.error }];
  }
  return parseResultLines(result.lines ?? []).map(({ figure, value }) => {
    const declared = targets[figure];
    const row = { bench, figure, value, target: targetText(declared), holds: holds(value, declared) };
    if (declared?.baseline !== undefined) {
      const metric = declared.metric ?? 'opsPerSec';
      const runs = (result.samples?.[declared.baseline] ?? []).map((r) => r[metric]);
      row.baseline = declared.baseline;
      row.baselineSpread = spread(runs) ?? null;
      row.cpuUsPerOp = {
        subject: result.medians?.[declared.subject]?.cpuUsPerOp ?? null,
        baseline: result.medians?.[declared.baseline]?.cpuUsPerOp ?? null,
      };
    }
    return row;
  });
}

/** Rows of `previous` (an earlier board's figures) matched to `rows` by bench and figure: the change. */
export function compareFigures(rows, previous) {
  const before = new Map(previous.map((r) => [`${r.bench}\0${r.figure}`, r]));
  return rows.map((row) => {
    const old = before.get(`${row.bench}\0${row.figure}`);
    const was = typeof old?.value === 'number' ? old.value : null;
    const change =
      was !== null && typeof row.value === 'number' && was !== 0 ? ((row.value - was) / Math.abs(was)) * 100 : null;
    return { ...row, before: was, changePct: change };
  });
}

const fixed = (v, digits = 2) => (typeof v === 'number' ? v.toFixed(digits) : '-');
const cpu = (v) => (typeof v === 'number' ? formatNumber(v) : '-');

/** The text table of a board (with `before`/`change` columns when rows were compared). */
export function formatBoard(rows) {
  const compared = rows.some((r) => 'before' in r);
  const header = [
    'bench',
    'figure',
    'value',
    'target',
    'holds',
    'baseline spread',
    'cpu us/op (pool/base)',
    ...(compared ? ['before', 'change'] : []),
  ];
  const body = rows.map((r) => {
    const s = r.baselineSpread;
    const cells = [
      r.bench,
      r.figure,
      r.error !== undefined
        ? `failed: ${r.error}`
        : r.value === null
          ? 'n/a'
          : typeof r.value === 'string'
            ? r.value
            : fixed(r.value),
      r.target,
      r.holds === null ? '-' : r.holds ? 'yes' : 'NO',
      s ? `±${s.pct.toFixed(0)}% (${s.n} runs)` : '',
      r.cpuUsPerOp ? `${cpu(r.cpuUsPerOp.subject)} / ${cpu(r.cpuUsPerOp.baseline)}` : '',
    ];
    if (compared) {
      cells.push(
        fixed(r.before),
        typeof r.changePct === 'number' ? `${r.changePct >= 0 ? '+' : ''}${r.changePct.toFixed(0)}%` : '',
      );
    }
    return cells;
  });
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => (i === 2 && row[2].startsWith('failed') ? 5 : row[i].length))),
  );
  const line = (cells) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const held = rows.filter((r) => r.holds === true).length;
  const missed = rows.filter((r) => r.holds === false).length;
  return [
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `${held} of ${held + missed} targets hold${missed > 0 ? `; ${missed} missed` : ''}`,
  ].join('\n');
}

/** The JSON document of a board. */
export function boardDocument({ date, node, options, benches, rows }) {
  return { version: BOARD_VERSION, date, node, options, benches, figures: rows };
}

/** The figures of an earlier board document (throws on a document that is not one). */
export function figuresOf(document) {
  if (document?.version !== BOARD_VERSION || !Array.isArray(document.figures)) {
    throw new Error(`not a benchmark board (version ${BOARD_VERSION}): no "figures" list`);
  }
  return document.figures;
}
