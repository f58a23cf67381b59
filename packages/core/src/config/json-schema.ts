/**
 * The JSON Schema of a whole configuration file for the registered pool types, for editors
 * (`outpools schema`; e.g. with the Even Better TOML extension's `#:schema` directive).
 * @module
 */
import Type from 'typebox';
import type { DriverRegistry } from '../driver/registry.js';
import { PoolOptionsSchema } from './pool-schema.js';

/**
 * A copy of a schema for editors: a key with a default is optional in the file, so it leaves
 * `required` (TypeBox lists it there because the resolved type always has it).
 */
function forEditors(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(forEditors);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = forEditors(value);
  const props = out.properties as Record<string, Record<string, unknown>> | undefined;
  if (Array.isArray(out.required) && props !== undefined) {
    const required = out.required.filter((k) => typeof k === 'string' && !('default' in (props[k] ?? {})));
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/** The JSON Schema of one `[outgoing_pools.<type>.<tag>]` section for a driver. */
function poolSectionSchema(registry: DriverRegistry, type: string): unknown {
  const driver = registry.get(type);
  const props = structuredClone(PoolOptionsSchema.properties) as unknown as Record<string, Record<string, unknown>>;
  for (const key of ['workers', 'call_timeout'] as const) {
    const value = driver.defaults?.[key];
    if (value !== undefined && props[key] !== undefined) props[key] = { ...props[key], default: value };
  }
  return forEditors({
    type: 'object',
    properties: { ...props, connection: driver.connectionSchema },
    additionalProperties: false,
  });
}

/**
 * The JSON Schema (draft 2020-12) of a configuration file: `[general] hosts`/`host_types`,
 * and `[outgoing_pools.<type>.<tag>]` for every registered type. Other top-level keys are
 * allowed (a whole MongooseIM file validates).
 * @example
 * ```ts
 * console.log(JSON.stringify(configJsonSchema(registry), null, 2));
 * ```
 */
export function configJsonSchema(registry: DriverRegistry): Record<string, unknown> {
  const hostList = Type.Array(Type.String({ minLength: 1 }));
  const types: Record<string, unknown> = {};
  for (const type of registry.types().sort()) {
    const section = poolSectionSchema(registry, type);
    types[type] = {
      type: 'object',
      additionalProperties: { anyOf: [section, { type: 'array', items: section, minItems: 1 }] },
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'outpools configuration (MongooseIM outgoing_pools)',
    type: 'object',
    properties: {
      general: { type: 'object', properties: { hosts: hostList, host_types: hostList } },
      outgoing_pools: { type: 'object', properties: types, additionalProperties: false },
    },
  };
}
