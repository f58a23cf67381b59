/**
 * Fill in schema defaults for absent keys only (the value given is never changed or coerced).
 * @module
 */
import { isTable } from './issues.js';
import { checkValue } from './schema-check.js';
import { node, type SchemaNode, variants } from './schema-text.js';

/**
 * A copy of `value` with the `default` of every absent property filled in, at every depth:
 * tables, array items, and the table variant of a union that the value matches.
 * @example
 * ```ts
 * withDefaults(Type.Object({ port: Type.Integer({ default: 6379 }) }), {}); // { port: 6379 }
 * ```
 */
export function withDefaults(schema: SchemaNode, value: unknown): unknown {
  const list = variants(schema);
  if (list !== undefined) {
    if (!isTable(value)) return value;
    for (const variant of list) {
      if (variant.type !== 'object') continue;
      const filled = withDefaults(variant, value);
      if (checkValue(variant, filled, { path: '' }).length === 0) return filled;
    }
    return value;
  }
  if (schema.type === 'array' && Array.isArray(value)) {
    const items = node(schema.items);
    return items === undefined ? [...value] : value.map((item) => withDefaults(items, item));
  }
  if (schema.type === 'object' && isTable(value)) {
    const properties = node(schema.properties) ?? {};
    // Keys in schema order first (so printed options read like the reference), then the rest.
    const out: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(properties)) {
      const prop = node(raw) ?? {};
      const given = value[key];
      if (given !== undefined) out[key] = withDefaults(prop, given);
      else if ('default' in prop) out[key] = withDefaults(prop, structuredClone(prop.default));
    }
    for (const [key, given] of Object.entries(value)) if (!(key in out)) out[key] = given;
    return out;
  }
  return value;
}
