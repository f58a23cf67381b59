/**
 * Reading a driver's connection schema (plain JSON Schema) to derive test inputs: the defaults
 * it declares and, for each key, a value of a TOML type the key does not accept.
 * @module
 */
import type { TSchema } from '@outpools/core/driver';

/** The JSON types a value of a TOML document can have. */
export type JsonKind = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';

type SchemaJson = {
  readonly type?: string | readonly string[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly SchemaJson[];
  readonly oneOf?: readonly SchemaJson[];
  readonly properties?: Readonly<Record<string, SchemaJson>>;
  readonly required?: readonly string[];
  readonly default?: unknown;
  readonly additionalProperties?: unknown;
};

const asJson = (schema: TSchema | SchemaJson): SchemaJson => schema as SchemaJson;

function kindOf(value: unknown): JsonKind | undefined {
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object' && value !== null) return 'object';
  return undefined;
}

/** The kinds a schema accepts, or `undefined` when it does not say (accepts anything). */
export function acceptedKinds(schema: TSchema | SchemaJson): Set<JsonKind> | undefined {
  const s = asJson(schema);
  const kinds = new Set<JsonKind>();
  const add = (k: string | undefined): void => {
    if (k === 'string' || k === 'integer' || k === 'number' || k === 'boolean' || k === 'array' || k === 'object')
      kinds.add(k);
  };
  if (typeof s.type === 'string') add(s.type);
  else if (Array.isArray(s.type)) s.type.forEach(add);
  if ('const' in s) add(kindOf(s.const));
  for (const v of s.enum ?? []) add(kindOf(v));
  for (const member of [...(s.anyOf ?? []), ...(s.oneOf ?? [])]) {
    const inner = acceptedKinds(member);
    if (inner === undefined) return undefined;
    for (const k of inner) kinds.add(k);
  }
  if (kinds.has('number')) kinds.add('integer');
  return kinds.size > 0 ? kinds : undefined;
}

const CANDIDATES: readonly [JsonKind, string | number | boolean | readonly string[]][] = [
  ['boolean', true],
  ['string', 'conformance-wrong-type'],
  ['integer', 12345],
  ['array', ['conformance-wrong-type']],
];

/**
 * A value whose TOML type the schema does not accept (e.g. `true` for an integer, `12345` for a
 * boolean), with its kind; `undefined` when the schema accepts every kind tried.
 */
export function wrongTypeValue(
  schema: TSchema | SchemaJson,
): { kind: JsonKind; value: string | number | boolean | readonly string[] } | undefined {
  const accepted = acceptedKinds(schema);
  if (accepted === undefined) return undefined;
  const found = CANDIDATES.find(([kind]) => !accepted.has(kind));
  return found && { kind: found[0], value: found[1] };
}

/** The top-level properties of an object schema. */
export function propertiesOf(schema: TSchema): Readonly<Record<string, SchemaJson>> {
  return asJson(schema).properties ?? {};
}

/** The keys an object schema requires (those without `Optional`). */
export function requiredOf(schema: TSchema): readonly string[] {
  return asJson(schema).required ?? [];
}

/** The declared `default` of every top-level key that has one. */
export function defaultsOf(schema: TSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(propertiesOf(schema))) {
    if ('default' in prop) out[name] = prop.default;
  }
  return out;
}

/** Whether an object schema rejects unknown keys. */
export function isClosedObject(schema: TSchema): boolean {
  const s = asJson(schema);
  return s.type === 'object' && s.additionalProperties === false;
}
