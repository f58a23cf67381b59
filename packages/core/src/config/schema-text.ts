/**
 * Human descriptions of what a TypeBox (JSON Schema) node expects, for messages such as
 * `expected an integer from 1 to 65534`. A schema may carry its own wording in an `expected`
 * annotation: `Type.String({ pattern: '^https?://', expected: 'an http:// or https:// URL' })`.
 * @module
 */

/** A JSON Schema node as TypeBox builds it, read structurally. */
export type SchemaNode = Readonly<Record<string, unknown>>;

/** Read a child schema node, if present. */
export function node(value: unknown): SchemaNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as SchemaNode) : undefined;
}

/** The variants of an `anyOf` node, or `undefined`. */
export function variants(schema: SchemaNode): SchemaNode[] | undefined {
  const list = schema.anyOf;
  return Array.isArray(list) ? list.map((v) => node(v) ?? {}) : undefined;
}

/** The literal values of a union of `const`s (an enum of literals), or `undefined`. */
export function literals(schema: SchemaNode): unknown[] | undefined {
  if ('const' in schema) return [schema.const];
  const list = variants(schema);
  if (list === undefined || list.length === 0 || !list.every((v) => 'const' in v)) return undefined;
  return list.map((v) => v.const);
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

function range(schema: SchemaNode, noun: string): string {
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  const min = num(schema.minimum) ?? (exMin !== undefined && noun === 'an integer' ? exMin + 1 : undefined);
  const max = num(schema.maximum) ?? (exMax !== undefined && noun === 'an integer' ? exMax - 1 : undefined);
  if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}`;
  if (min !== undefined)
    return min === 1 && noun === 'an integer'
      ? 'a positive integer'
      : min === 0 && noun === 'an integer'
        ? 'a non-negative integer'
        : `${noun} >= ${min}`;
  if (exMin !== undefined) return `${noun} > ${exMin}`;
  if (max !== undefined) return `${noun} <= ${max}`;
  if (exMax !== undefined) return `${noun} < ${exMax}`;
  return noun;
}

function stringText(schema: SchemaNode): string {
  const minLength = num(schema.minLength);
  const maxLength = num(schema.maxLength);
  let text =
    minLength === 1
      ? 'a non-empty string'
      : minLength && minLength > 1
        ? `a string of at least ${minLength} characters`
        : 'a string';
  if (maxLength !== undefined) text += ` of at most ${maxLength} characters`;
  if (typeof schema.pattern === 'string') text += ` matching /${schema.pattern}/`;
  return text;
}

/** A literal list as `"a", "b" or "c"`. */
export function literalList(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length <= 1 ? (shown[0] ?? 'nothing') : `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}`;
}

function itemsText(items: SchemaNode | undefined): string {
  if (items === undefined) return 'values';
  if (typeof items.expected === 'string') return `items that are each ${items.expected}`;
  const lits = literals(items);
  if (lits !== undefined) return `${literalList(lits)}`;
  switch (items.type) {
    case 'string':
      return items.minLength === 1 && items.pattern === undefined
        ? 'non-empty strings'
        : `strings (each ${stringText(items)})`;
    case 'integer':
      return items.minimum === undefined && items.maximum === undefined
        ? 'integers'
        : `integers (each ${expectedText(items)})`;
    case 'object':
      return 'tables';
    case 'boolean':
      return 'booleans';
    default:
      return `items that are each ${expectedText(items)}`;
  }
}

/**
 * What a schema node expects, in words.
 * @example
 * ```ts
 * expectedText(Type.Integer({ minimum: 1, maximum: 65534 })); // 'an integer from 1 to 65534'
 * ```
 */
export function expectedText(schema: SchemaNode): string {
  if (typeof schema.expected === 'string') return schema.expected;
  const lits = literals(schema);
  if (lits !== undefined) return lits.length === 1 ? literalList(lits) : `one of ${literalList(lits)}`;
  const list = variants(schema);
  if (list !== undefined) return list.map(expectedText).join(' or ');
  switch (schema.type) {
    case 'integer':
      return range(schema, 'an integer');
    case 'number':
      return range(schema, 'a number');
    case 'string':
      return stringText(schema);
    case 'boolean':
      return 'a boolean (true or false)';
    case 'object':
      return 'a table';
    case 'array': {
      const minItems = num(schema.minItems) ?? 0;
      return `${minItems >= 1 ? 'a non-empty array' : 'an array'} of ${itemsText(node(schema.items))}`;
    }
    default:
      return 'a value';
  }
}
