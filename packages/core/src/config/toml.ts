/**
 * The TOML reader: a thin wrapper around smol-toml that keeps integers and floats apart
 * (`workers = 5.0` is not an integer) and turns a syntax error into a {@link ConfigIssue}
 * with file, line and column.
 * @module
 */
import { parse, TomlError } from 'smol-toml';
import type { ConfigIssue } from '../errors.js';
import { isTable, joinPath } from './issues.js';

/** A parsed TOML document. */
export interface TomlDocument {
  /** The document as plain objects; integers and floats are JS numbers. */
  readonly root: Record<string, unknown>;
  /** Dotted paths of every value written as a TOML float (so `5.0` is not taken for an integer). */
  readonly floats: ReadonlySet<string>;
}

/** The result of {@link readToml}: the document, or the one syntax error. */
export type TomlResult =
  | { readonly ok: true; readonly doc: TomlDocument }
  | { readonly ok: false; readonly issue: ConfigIssue };

const PREFIX = 'Invalid TOML document: ';

/**
 * Parse TOML text. A syntax error becomes an issue whose path is `<source>:<line>:<column>` and
 * whose message is the parser's first line only (the parser's code frame could show a secret).
 * @example
 * ```ts
 * const result = readToml('workers = 5', 'pools.toml');
 * if (result.ok) console.log(result.doc.root.workers); // 5
 * ```
 */
export function readToml(text: string, source = '<input>'): TomlResult {
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(text, { integersAsBigInt: true }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const first = (error.message.split('\n')[0] ?? '').replace(PREFIX, '');
      return {
        ok: false,
        issue: { path: `${source}:${error.line}:${error.column}`, message: `TOML syntax error: ${first}` },
      };
    }
    throw error;
  }
  const floats = new Set<string>();
  const root = normalize(parsed, '', floats) as Record<string, unknown>;
  return { ok: true, doc: { root, floats } };
}

function normalize(value: unknown, path: string, floats: Set<string>): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }
  if (typeof value === 'number') {
    floats.add(path);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => normalize(item, joinPath(path, index), floats));
  if (isTable(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = normalize(inner, joinPath(path, key), floats);
    return out;
  }
  return value;
}
