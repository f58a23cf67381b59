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
    const out: Record<string, unknown> = { ...value };
    for (const [key, raw] of Object.entries(properties)) {
      const prop = node(raw) ?? {};
      if (out[key] === undefined && 'default' in prop) out[key] = structuredClone(prop.default);
      if (out[key] !== undefined) out[key] = withDefaults(prop, out[key]);
    }
    return out;
  }
  return value;
}
