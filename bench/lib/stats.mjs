// Small numeric helpers shared by the harness (parent side) and the load generator (child side).

/** The median of a list of numbers (the mean of the two middle values for an even count). */
export function median(values) {
  const sorted = values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The q-quantile (0..1) of an already sorted list, nearest rank. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** A ratio rounded to two decimals, or `n/a` when either side is missing. */
export function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || !(b > 0)) return 'n/a';
  return (a / b).toFixed(2);
}

/** A number printed for a table: integers with thousands separators, small values with 2 decimals. */
export function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value === undefined ? '-' : String(value);
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(2);
}
