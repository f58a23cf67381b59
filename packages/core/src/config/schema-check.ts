/**
 * A small validator over TypeBox's JSON Schema output that reports every problem with its full
 * dotted TOML path and a message saying what was expected and what was given. It never coerces:
 * `"6379"` where an integer is expected stays an error. Supported keywords: `type`, `const`,
 * `anyOf`, `minimum`/`maximum` (and exclusive), `minLength`/`maxLength`/`pattern`, `items`,
 * `minItems`/`maxItems`/`uniqueItems`, `properties`, `required`, `additionalProperties`.
 * @module
 */
import type { ConfigIssue } from '../errors.js';
import { describeValue, didYouMean, isTable, joinPath, SECRET_KEY } from './issues.js';
import { expectedText, literals, node, type SchemaNode, variants } from './schema-text.js';

/** Where a value sits, and what is known about how it was written. */
export interface CheckLocation {
  /** Full dotted TOML path of the value. */
  readonly path: string;
  /** The value is (under) a `password` key: never print it. */
  readonly secret?: boolean;
  /** Paths written as TOML floats (from `readToml`). */
  readonly floats?: ReadonlySet<string>;
}

/**
 * Check a value against a schema; returns every issue found (empty when valid).
 * @example
 * ```ts
 * checkValue(Type.Integer({ minimum: 1 }), '5', { path: 'workers' });
 * // [{ path: 'workers', message: 'expected a positive integer, got "5"' }]
 * ```
 */
export function checkValue(schema: SchemaNode, value: unknown, at: CheckLocation): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walk(schema, value, at, issues);
  return issues;
}

function mismatch(schema: SchemaNode, value: unknown, at: CheckLocation, issues: ConfigIssue[], hint = ''): void {
  issues.push({
    path: at.path,
    message: `expected ${expectedText(schema)}, got ${describeValue(value, at.secret)}${hint}`,
  });
}

function child(at: CheckLocation, key: string | number): CheckLocation {
  const secret = at.secret === true || key === SECRET_KEY;
  return { path: joinPath(at.path, key), secret, ...(at.floats && { floats: at.floats }) };
}

function walk(schema: SchemaNode, value: unknown, at: CheckLocation, issues: ConfigIssue[]): void {
  const lits = literals(schema);
  if (lits !== undefined) {
    if (lits.some((lit) => lit === value)) return;
    const hint =
      typeof value === 'string' && !at.secret
        ? didYouMean(
            value,
            lits.filter((l): l is string => typeof l === 'string'),
          )
        : '';
    mismatch(schema, value, at, issues, hint);
    return;
  }
  const list = variants(schema);
  if (list !== undefined) {
    walkUnion(schema, list, value, at, issues);
    return;
  }
  switch (schema.type) {
    case 'integer':
    case 'number':
      walkNumber(schema, value, at, issues);
      return;
    case 'string':
      walkString(schema, value, at, issues);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch(schema, value, at, issues);
      return;
    case 'array':
      walkArray(schema, value, at, issues);
      return;
    case 'object':
      walkObject(schema, value, at, issues);
      return;
    default:
      return; // Unknown / Any: anything goes
  }
}

function walkUnion(
  schema: SchemaNode,
  list: SchemaNode[],
  value: unknown,
  at: CheckLocation,
  issues: ConfigIssue[],
): void {
  const results = list.map((variant) => checkValue(variant, value, at));
  if (results.some((r) => r.length === 0)) return;
  // A table given where some variants are tables: report the closest table variant's issues.
  if (isTable(value)) {
    const tableResults = results.filter((_, i) => list[i]?.type === 'object');
    const best = tableResults.sort((a, b) => a.length - b.length)[0];
    if (best !== undefined && tableResults.length > 0) {
      issues.push(...best);
      return;
    }
  }
  mismatch(schema, value, at, issues);
}

function walkNumber(schema: SchemaNode, value: unknown, at: CheckLocation, issues: ConfigIssue[]): void {
  const integer = schema.type === 'integer';
  if (typeof value === 'bigint') {
    mismatch(schema, value, at, issues, integer ? ' (too large)' : '');
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    mismatch(schema, value, at, issues);
    return;
  }
  if (integer && (!Number.isInteger(value) || at.floats?.has(at.path))) {
    const shown = at.secret
      ? describeValue(value, true)
      : Number.isInteger(value)
        ? `${value}.0 (a float)`
        : `${value} (a float)`;
    issues.push({ path: at.path, message: `expected ${expectedText(schema)}, got ${shown}` });
    return;
  }
  const bad =
    (typeof schema.minimum === 'number' && value < schema.minimum) ||
    (typeof schema.maximum === 'number' && value > schema.maximum) ||
    (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) ||
    (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum);
  if (bad) mismatch(schema, value, at, issues);
}

function walkString(schema: SchemaNode, value: unknown, at: CheckLocation, issues: ConfigIssue[]): void {
  if (typeof value !== 'string') {
    mismatch(schema, value, at, issues);
    return;
  }
  const length = [...value].length;
  const bad =
    (typeof schema.minLength === 'number' && length < schema.minLength) ||
    (typeof schema.maxLength === 'number' && length > schema.maxLength) ||
    (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value));
  if (bad) mismatch(schema, value, at, issues);
}

function walkArray(schema: SchemaNode, value: unknown, at: CheckLocation, issues: ConfigIssue[]): void {
  if (!Array.isArray(value)) {
    mismatch(schema, value, at, issues);
    return;
  }
  if (
    (typeof schema.minItems === 'number' && value.length < schema.minItems) ||
    (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
  ) {
    mismatch(schema, value, at, issues);
    return;
  }
  const items = node(schema.items);
  if (items !== undefined) {
    for (const [index, item] of value.entries()) walk(items, item, child(at, index), issues);
  }
  if (schema.uniqueItems === true) {
    const seen = new Map<string, number>();
    value.forEach((item, index) => {
      const id = JSON.stringify(item, bigintAsText);
      const first = seen.get(id);
      if (first === undefined) seen.set(id, index);
      else issues.push({ path: joinPath(at.path, index), message: `duplicate of ${joinPath(at.path, first)}` });
    });
  }
}

/** A JSON replacer for identity keys: TOML integers beyond 2^53 stay bigints, which JSON.stringify refuses. */
function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function walkObject(schema: SchemaNode, value: unknown, at: CheckLocation, issues: ConfigIssue[]): void {
  if (!isTable(value)) {
    mismatch(schema, value, at, issues);
    return;
  }
  const properties = node(schema.properties) ?? {};
  const required = Array.isArray(schema.required)
    ? schema.required.filter((k): k is string => typeof k === 'string')
    : [];
  const known = Object.keys(properties);
  for (const key of required) {
    const prop = node(properties[key]) ?? {};
    if (value[key] === undefined)
      issues.push({ path: joinPath(at.path, key), message: `missing required key (expected ${expectedText(prop)})` });
  }
  for (const [key, inner] of Object.entries(value)) {
    const prop = node(properties[key]);
    if (prop !== undefined) {
      walk(prop, inner, child(at, key), issues);
      continue;
    }
    const extra = schema.additionalProperties;
    if (extra === false) {
      const hint = didYouMean(key, known);
      const allowed = hint === '' && known.length > 0 ? `; allowed keys: ${known.join(', ')}` : '';
      issues.push({ path: joinPath(at.path, key), message: `unknown key ${JSON.stringify(key)}${hint}${allowed}` });
    } else if (node(extra) !== undefined) {
      walk(node(extra) ?? {}, inner, child(at, key), issues);
    }
  }
}
