// Values for the config fuzzer: scalars that stress the loader (empty, huge, non-finite, dates,
// big integers, odd paths), key names (real ones, near misses, prototype names), and values
// generated from a JSON Schema node so that most of them pass it and reach the deeper checks.
import type { Prng } from './prng.js';

type Table = Record<string, unknown>;

/** What value generation needs: readable files to use as paths. */
export interface ValueContext {
  readonly files: readonly string[];
}

/** A JSON Schema node as TypeBox builds it (only the keywords the generator reads). */
export interface SchemaNode {
  readonly type?: string;
  readonly const?: unknown;
  readonly anyOf?: readonly SchemaNode[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
}

export const PATHS = ['/nonexistent/ca.pem', '/', '/dev/null', 'relative/missing.pem', '', '/etc/hostname'];
export const STRINGS = [
  '',
  ' ',
  'x',
  'localhost',
  '127.0.0.1',
  '::1',
  'http://127.0.0.1:1',
  'https://localhost',
  'http://h:8080/path',
  'global',
  'host',
  'single_host',
  'best_worker',
  'available_worker',
  'peer',
  'none',
  'tlsv1.2',
  'pgsql',
  'mysql',
  'odbc',
  'infinity',
  'ñ\u0301é',
  '\u0000',
  'a'.repeat(300),
  '6379',
  '$HOME',
  '"quoted"',
];
export const NUMBERS = [0, 1, -1, 2, 5, 9042, 65534, 65535, 65536, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER];
export const FLOATS = [0.5, 1.0, -0.0, 1e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
export const KEY_WORDS = [
  'password',
  'tls',
  'connection',
  'scope',
  'host',
  'hosts',
  'workers',
  'strategy',
  'call_timeout',
  'port',
  'servers',
  'auth',
  'plain',
  'username',
  'verify_mode',
  'cacertfile',
  'certfile',
  'keyfile',
  'versions',
  'server_name_indication',
  'enabled',
  'driver',
  'settings',
  'database',
  'general',
  'outgoing_pools',
  'host_types',
  '__proto__',
  'constructor',
  'toString',
  'a.b',
  '',
  ' ',
];

function randomScalar(rng: Prng, ctx: ValueContext): unknown {
  switch (rng.int(7)) {
    case 0:
      return rng.pick(STRINGS);
    case 1:
      return rng.pick(NUMBERS);
    case 2:
      return rng.pick(FLOATS);
    case 3:
      return rng.chance(0.5);
    case 4:
      return rng.pick([...PATHS, ...ctx.files]);
    case 5:
      return rng.chance(0.5) ? BigInt('9223372036854775807') : BigInt(-(2 ** 60));
    default:
      return new Date(Date.UTC(2024, rng.int(12), 1 + rng.int(28)));
  }
}

export function randomValue(rng: Prng, ctx: ValueContext, depth = 0): unknown {
  const roll = rng.int(10);
  if (depth < 2 && roll === 0) return Array.from({ length: rng.int(4) }, () => randomValue(rng, ctx, depth + 1));
  if (depth < 2 && roll === 1) {
    const t: Table = {};
    for (let i = rng.int(3); i > 0; i--) t[rng.pick(KEY_WORDS)] = randomValue(rng, ctx, depth + 1);
    return t;
  }
  return randomScalar(rng, ctx);
}

/** A value valid for `schema` most of the time (the generator's way past the schema check). */
export function fromSchema(rng: Prng, ctx: ValueContext, schema: SchemaNode | undefined, depth = 0): unknown {
  if (schema === undefined || depth > 5 || rng.chance(0.05)) return randomValue(rng, ctx, 1);
  if ('const' in schema) return schema.const;
  if (schema.anyOf && schema.anyOf.length > 0) return fromSchema(rng, ctx, rng.pick(schema.anyOf), depth + 1);
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? 0;
      const hi = Math.min(schema.maximum ?? lo + 10_000, lo + 100_000);
      return lo + rng.int(hi - lo + 1);
    }
    case 'string':
      return rng.chance(0.4) ? rng.pick(ctx.files) : rng.pick(STRINGS.slice(2, 20));
    case 'boolean':
      return rng.chance(0.5);
    case 'array': {
      const n = (schema.minItems ?? 0) + rng.int(3);
      return Array.from({ length: n }, () => fromSchema(rng, ctx, schema.items, depth + 1));
    }
    case 'object': {
      const out: Table = {};
      const required = new Set(schema.required ?? []);
      for (const [key, inner] of Object.entries(schema.properties ?? {})) {
        if (required.has(key) || rng.chance(0.35)) out[key] = fromSchema(rng, ctx, inner, depth + 1);
      }
      return out;
    }
    default:
      return randomValue(rng, ctx, 1);
  }
}
