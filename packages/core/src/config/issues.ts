/**
 * Helpers for configuration issues: dotted TOML paths, value descriptions that never show a
 * secret, near-miss suggestions, and a collector of errors and warnings.
 * @module
 */
import type { ConfigIssue } from '../errors.js';

/** What a secret value is printed as, everywhere. */
export const REDACTED = '***';

/** The key name whose values are secrets, at any depth (`password`, `tls.password`, ...). */
export const SECRET_KEY = 'password';

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/**
 * Append a key (or an array index) to a dotted TOML path. Keys that are not bare TOML keys are
 * quoted, so the path can be pasted back into a TOML file.
 * @example
 * ```ts
 * joinPath('outgoing_pools.redis', 'default'); // 'outgoing_pools.redis.default'
 * joinPath('a', 'x.y');                         // 'a."x.y"'
 * joinPath('a.servers', 0);                     // 'a.servers[0]'
 * ```
 */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const part = BARE_KEY.test(key) ? key : JSON.stringify(key);
  return base === '' ? part : `${base}.${part}`;
}

/** A plain table (not an array, date or null). */
export function isTable(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const MAX_SHOWN = 60;

/** A URL's user info (`http://user:password@host`) may hold a password: mask it. */
export function maskUserInfo(value: string): string {
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/u, `$1${REDACTED}@`);
}

/**
 * Mask every secret a string may embed: a URL's user info, and the `PWD=` / `PASSWORD=` of an
 * ODBC-style connection string (`DSN=db;UID=app;PWD=secret` -> `DSN=db;UID=app;PWD=***`, a
 * `{...}`-quoted value included).
 */
export function maskEmbeddedSecrets(value: string): string {
  return maskUserInfo(value).replace(/(^|;)(\s*(?:PWD|PASSWORD)\s*=\s*)(\{[^}]*\}|[^;]*)/giu, `$1$2${REDACTED}`);
}

/**
 * Describe a value as it was given, for a "got ..." message. A secret is shown as `"***"`;
 * tables and arrays are named, never printed (they could hold a secret).
 */
export function describeValue(value: unknown, secret = false): string {
  if (secret && value !== undefined) return JSON.stringify(REDACTED);
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const safe = maskEmbeddedSecrets(value);
    const shown = safe.length > MAX_SHOWN ? `${safe.slice(0, MAX_SHOWN)}...` : safe;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `${value} (a float)`;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (isTable(value)) return 'a table';
  return 'a date-time';
}

/** Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    const row = d[i] as number[];
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate closest to `word`, when it is close enough to be a typo (distance at most 2,
 * and less than half the word), else `undefined`.
 * @example
 * ```ts
 * suggest('wrokers', ['workers', 'strategy']); // 'workers'
 * ```
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = word.toLowerCase();
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.min(2, Math.max(1, Math.floor(word.length / 2)));
  return bestDistance <= limit ? best : undefined;
}

/** `; did you mean "x"?` or nothing. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const hit = suggest(word, candidates);
  return hit === undefined ? '' : `; did you mean ${JSON.stringify(hit)}?`;
}

/** Collects the errors and warnings of one configuration. */
export class IssueCollector {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];

  /** Record an error at a full dotted path. */
  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** Record a warning at a full dotted path. */
  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }
}

/**
 * A deep copy of a configuration value with every value under a `password` key replaced by
 * `"***"` (and the user info of URLs masked), for printing. An empty password stays `""`: it
 * hides nothing, and `"***"` would suggest a password is set.
 */
export function redactSecrets<T>(value: T, secret = false): T {
  if (secret && value !== undefined && value !== '') return REDACTED as T;
  if (typeof value === 'string') return maskEmbeddedSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactSecrets(item)) as T;
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = redactSecrets(inner, key === SECRET_KEY);
    return out as T;
  }
  return value;
}
