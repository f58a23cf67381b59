/**
 * The Markdown option table of a schema (`| key | type | default | meaning |`), so that a README
 * or docs/configuration.md shows what the schema says instead of a copy of it. The repository's
 * docs are checked against these tables by `tests/docs-options.test.ts` (`pnpm docs:options`
 * rewrites them).
 * @module
 */
import type { TObject } from 'typebox';
import { expectedText, node, type SchemaNode } from './schema-text.js';

/** Options of {@link optionsTable}. */
export interface OptionsTableOptions {
  /**
   * Nested tables whose keys also get rows, as dotted keys right after the table's own row. A
   * table's key lists all of its keys (`'server_name_indication'`); a dotted key lists that one
   * key (`'tls.required'`). Every other nested table is one row (type "a table"). A name that is
   * not a nested key of the schema throws, so a renamed key cannot silently drop rows.
   */
  readonly expand?: readonly string[];
}

const HEADER = '| key | type | default | meaning |\n|---|---|---|---|\n';

/** A bare TOML key, or a quoted one. */
function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

/** A default value as it would be written in TOML: `"127.0.0.1"`, `6379`, `[]`, `{ host = "a" }`. */
function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Text fit for one table cell: no line breaks, no unescaped `|`. */
function cell(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

/** The properties of an object schema node, or `undefined` when the node is not a table. */
function propertiesOf(schema: SchemaNode): Record<string, SchemaNode> | undefined {
  const props = node(schema.properties);
  if (schema.type !== 'object' || props === undefined) return undefined;
  return Object.fromEntries(Object.entries(props).map(([key, value]) => [key, node(value) ?? {}]));
}

function defaultText(schema: SchemaNode, required: boolean): string {
  if ('default' in schema) return `\`${cell(tomlValue(schema.default))}\``;
  return required ? 'required' : 'unset';
}

/**
 * Render the Markdown table of an object schema's keys: `| key | type | default | meaning |`,
 * one row per key in schema order.
 *
 * - **type**: {@link expectedText}, the words the configuration errors use (`an integer from 1
 *   to 65534`); an `expected` annotation on the key is used as is.
 * - **default**: the key's `default` as TOML writes it (`"127.0.0.1"`, `6379`, `[]`); `required`
 *   for a key that must be present; `unset` for an optional key without a default.
 * - **meaning**: the key's `description`.
 *
 * Nested tables are one row unless `options.expand` names them; then their keys follow as
 * dotted keys (`server_name_indication.enabled`). Secret keys (`password`) are documented like
 * any other: the default column shows the schema's default as written (`""`), and since only a
 * schema is read, never a configured value.
 *
 * @example
 * ```ts
 * import { optionsTable, Type } from '@outpools/core/driver';
 *
 * const schema = Type.Object({
 *   host: Type.String({ minLength: 1, default: 'localhost', description: 'Server host name' }),
 *   port: Type.Integer({ minimum: 1, maximum: 65535, description: 'TCP port' }),
 * });
 * optionsTable(schema);
 * // | key | type | default | meaning |
 * // |---|---|---|---|
 * // | `host` | a non-empty string | `"localhost"` | Server host name |
 * // | `port` | an integer from 1 to 65535 | required | TCP port |
 * ```
 */
export function optionsTable(schema: TObject, options: OptionsTableOptions = {}): string {
  const expand = new Set(options.expand ?? []);
  const used = new Set<string>();
  const rows: string[] = [];

  // `all`: every key of `table` gets a row (the top level, an expanded table); otherwise only the
  // keys that `expand` names or leads to.
  const addRows = (table: SchemaNode, prefix: string, all: boolean): void => {
    const props = propertiesOf(table) ?? {};
    const required = new Set(Array.isArray(table.required) ? table.required : []);
    for (const [key, child] of Object.entries(props)) {
      const path = prefix === '' ? key : `${prefix}.${key}`;
      const deeper = [...expand].some((name) => name.startsWith(`${path}.`));
      if (!all && !expand.has(path) && !deeper) continue;
      const nested = propertiesOf(child) !== undefined;
      // A top-level key that is not a table has nothing to expand: leave it unused (an error).
      if (expand.has(path) && (prefix !== '' || nested)) used.add(path);
      const description = typeof child.description === 'string' ? child.description : '';
      rows.push(
        `| \`${cell(path)}\` | ${cell(expectedText(child))} | ${defaultText(child, required.has(key))} | ${cell(description)} |`,
      );
      if (nested && (expand.has(path) || deeper)) addRows(child, path, expand.has(path));
    }
  };

  addRows(schema as unknown as SchemaNode, '', true);
  const unknown = [...expand].filter((name) => !used.has(name));
  if (unknown.length > 0) {
    throw new Error(
      `optionsTable: expand names ${unknown.map((n) => `"${n}"`).join(', ')}, not a nested key of the schema`,
    );
  }
  return HEADER + rows.join('\n') + (rows.length > 0 ? '\n' : '');
}
