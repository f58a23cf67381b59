// Types of board.mjs, for the TypeScript tests.

/** A board target: bounds on the figure, and the cases it divides. */
export interface BoardTarget {
  readonly min?: number;
  readonly max?: number;
  readonly subject?: string;
  readonly baseline?: string;
  /** The metric of the cases the figure divides; default `opsPerSec`. */
  readonly metric?: string;
}

export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly pct: number;
}

export interface BoardRow {
  readonly bench: string;
  readonly figure: string;
  /** A number, a word such as `yes` (kept as text), or null for `n/a`. */
  readonly value: number | string | null;
  readonly target: string;
  readonly holds: boolean | null;
  readonly error?: string;
  readonly baseline?: string;
  readonly baselineSpread?: Spread | null;
  readonly cpuUsPerOp?: { readonly subject: number | null; readonly baseline: number | null };
  readonly before?: number | null;
  readonly changePct?: number | null;
}

export type Metrics = Readonly<Record<string, number | string>>;

export interface BenchResult {
  readonly lines?: readonly string[];
  readonly medians?: Readonly<Record<string, Metrics>>;
  readonly samples?: Readonly<Record<string, readonly Metrics[]>>;
  readonly error?: string;
}

export const BOARD_VERSION: number;
export function parseResultLines(lines: readonly string[]): { figure: string; value: number | string | null }[];
export function targetText(target: BoardTarget | undefined): string;
export function holds(value: number | string | null | undefined, target: BoardTarget | undefined): boolean | null;
export function spread(values: readonly unknown[]): Spread | undefined;
export function benchFigures(
  bench: string,
  targets: Readonly<Record<string, BoardTarget>> | undefined,
  result: BenchResult,
): BoardRow[];
export function compareFigures(rows: readonly BoardRow[], previous: readonly BoardRow[]): BoardRow[];
export function formatBoard(rows: readonly BoardRow[]): string;
export function boardDocument(parts: {
  date: string;
  node: string;
  options: unknown;
  benches: unknown[];
  rows: BoardRow[];
}): { version: number; figures: BoardRow[] };
export function figuresOf(document: unknown): BoardRow[];
