// The benchmark board's table and comparison logic on canned results (no benchmark runs here),
// and every bench's declared targets against the RESULT figures and case labels it has.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type BenchResult,
  type BoardTarget,
  benchFigures,
  boardDocument,
  compareFigures,
  figuresOf,
  formatBoard,
  holds,
  parseResultLines,
  spread,
} from '../bench/lib/board.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const dispatchTargets: Record<string, BoardTarget> = {
  vs_floor_c1: { min: 0.5, subject: 'outpools c=1', baseline: 'floor c=1' },
  vs_tarn_c1: { subject: 'outpools c=1', baseline: 'tarn c=1' },
};
const dispatchResult: BenchResult = {
  lines: ['RESULT bytes_per_idle_worker=812', 'RESULT vs_tarn_c1=8.10 vs_floor_c1=0.42'],
  medians: {
    'outpools c=1': { opsPerSec: 4_200_000, cpuUsPerOp: 0.24 },
    'floor c=1': { opsPerSec: 10_000_000, cpuUsPerOp: 0.1 },
    'tarn c=1': { opsPerSec: 518_000, cpuUsPerOp: 1.9 },
  },
  samples: {
    'floor c=1': [{ opsPerSec: 9_000_000 }, { opsPerSec: 10_000_000 }, { opsPerSec: 12_000_000 }],
    'tarn c=1': [{ opsPerSec: 518_000 }],
  },
};

describe('the board', () => {
  it('reads every figure of the RESULT lines, n/a as null', () => {
    expect(parseResultLines(['noise', 'RESULT a=1.50 b=n/a', 'RESULT c=3 flat=yes'])).toEqual([
      { figure: 'a', value: 1.5 },
      { figure: 'b', value: null },
      { figure: 'c', value: 3 },
      { figure: 'flat', value: 'yes' }, // a word is shown as it is, not as a missing figure
    ]);
  });

  it('checks lower and upper bounds; a missing value misses its target; no bound is no verdict', () => {
    expect(holds(0.5, { min: 0.5 })).toBe(true);
    expect(holds(0.49, { min: 0.5 })).toBe(false);
    expect(holds(2.1, { max: 2 })).toBe(false);
    expect(holds(null, { min: 1 })).toBe(false);
    expect(holds(3, { subject: 'a', baseline: 'b' })).toBeNull();
    expect(holds(3, undefined)).toBeNull();
  });

  it('gives the spread of the baseline runs as the largest distance from their median', () => {
    expect(spread([9, 10, 12])).toEqual({ n: 3, median: 10, min: 9, max: 12, pct: 20 });
    expect(spread([])).toBeUndefined();
  });

  it('lists every figure with its target, verdict, baseline spread and CPU per operation of both sides', () => {
    const rows = benchFigures('dispatch', dispatchTargets, dispatchResult);
    expect(rows.map((r) => [r.figure, r.value, r.target, r.holds])).toEqual([
      ['bytes_per_idle_worker', 812, '', null],
      ['vs_tarn_c1', 8.1, '', null],
      ['vs_floor_c1', 0.42, '>= 0.5', false],
    ]);
    expect(rows[2]).toMatchObject({
      baseline: 'floor c=1',
      baselineSpread: { n: 3, pct: 20 },
      cpuUsPerOp: { subject: 0.24, baseline: 0.1 },
    });
    const table = formatBoard(rows);
    expect(table).toMatch(/dispatch\s+vs_floor_c1\s+0\.42\s+>= 0\.5\s+NO\s+±20% \(3 runs\)\s+0\.24 \/ 0\.10/);
    expect(table).toMatch(/vs_tarn_c1\s+8\.10\s+-\s+±0% \(1 runs\)\s+0\.24 \/ 1\.90/);
    expect(table.split('\n').at(-1)).toBe('0 of 1 targets hold; 1 missed');
  });

  it('shows a failed bench as a row that misses', () => {
    const rows = benchFigures('elastic', {}, { error: 'server did not start' });
    expect(rows).toEqual([
      {
        bench: 'elastic',
        figure: '(bench failed)',
        value: null,
        target: '',
        holds: false,
        error: 'server did not start',
      },
    ]);
    expect(formatBoard(rows)).toContain('failed: server did not start');
  });

  it('compares with an earlier board by bench and figure, new figures without a before', () => {
    const before = benchFigures('dispatch', dispatchTargets, {
      ...dispatchResult,
      lines: ['RESULT vs_floor_c1=0.21'],
    });
    const saved = JSON.parse(
      JSON.stringify(boardDocument({ date: 'd', node: 'v20', options: {}, benches: [], rows: before })),
    ) as unknown;
    const rows = compareFigures(benchFigures('dispatch', dispatchTargets, dispatchResult), figuresOf(saved));
    expect(rows.find((r) => r.figure === 'vs_floor_c1')).toMatchObject({ before: 0.21, changePct: 100 });
    expect(rows.find((r) => r.figure === 'vs_tarn_c1')).toMatchObject({ before: null, changePct: null });
    expect(formatBoard(rows)).toMatch(/vs_floor_c1 .* 0\.21\s+\+100%/);
    expect(() => figuresOf({ hello: 1 })).toThrow(/not a benchmark board/);
  });

  it('renders and compares saved boards from the command line (--from, --compare) without running anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpools-board-'));
    const write = (name: string, value: number): string => {
      const rows = benchFigures(
        'http',
        { vs_undici_pool: { min: 0.95 } },
        { lines: [`RESULT vs_undici_pool=${value}`] },
      );
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(boardDocument({ date: 'd', node: 'v', options: {}, benches: [], rows })));
      return file;
    };
    const old = write('old.json', 0.8);
    const now = write('now.json', 1.0);
    const out = execFileSync(process.execPath, [join(root, 'bench/board.mjs'), '--from', now, '--compare', old], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/http\s+vs_undici_pool\s+1\.00\s+>= 0\.95\s+yes\s+0\.80\s+\+25%/);
    expect(out).toContain('1 of 1 targets hold');
  });
});

describe('the benches declare their targets', () => {
  const names = readdirSync(join(root, 'bench')).filter((n) => existsSync(join(root, 'bench', n, 'bench.mjs')));

  it.each(names)('%s: every target names a RESULT figure it prints and cases it has', (name) => {
    const text = readFileSync(join(root, 'bench', name, 'bench.mjs'), 'utf8');
    const declared = [...text.matchAll(/(\w+): \{ (?:min|max|subject)\b/g)].map((m) => m[1]!);
    for (const figure of declared) {
      // printed literally, or built from a prefix and the concurrency (`vs_floor_c${c}`)
      expect(text, `${name}: ${figure} is printed`).toContain(figure.replace(/_c\d+$/, ''));
    }
    for (const label of text.matchAll(/(?:subject|baseline): label\('([\w-]+)'/g)) {
      expect(text, `${name}: case ${label[1]} exists`).toMatch(new RegExp(`'${label[1]}'`));
    }
  });
});
