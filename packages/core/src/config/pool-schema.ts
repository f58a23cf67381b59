/**
 * Schemas of the options every pool type shares (docs/configuration.md, Pool options). Types are derived with `Static<>`, never written twice.
 * @module
 */
import Type, { type Static, type TLiteral } from 'typebox';
import { STRATEGIES } from '../strategies/index.js';

export { STRATEGIES };

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** Schema of `outgoing_pools.*.*.strategy`: one of the names in `strategies/index.ts`. */
export const StrategySchema = Type.Union(
  STRATEGIES.map((name) => Type.Literal(name)) as unknown as Literals<typeof STRATEGIES>,
  {
    default: STRATEGIES[0],
    description:
      'How a call picks a worker; a pool type may refuse one (redis refuses `"available_worker"`): a config ' +
      'error at `strategy`',
  },
);
/** A worker selection strategy name. */
export type Strategy = Static<typeof StrategySchema>;

/** Scope spellings accepted in TOML; `host_type` is MongooseIM 6's name for `host`. */
export const SCOPES = ['global', 'host', 'single_host', 'host_type'] as const;
/** Schema of `outgoing_pools.*.*.scope`. */
export const ScopeSchema = Type.Union(
  [Type.Literal('global'), Type.Literal('host'), Type.Literal('single_host'), Type.Literal('host_type')],
  {
    default: 'global',
    description:
      'Which hosts the pool starts an instance for: `global` one instance, `host` one per entry of `hosts` ' +
      'and `host_types`, `single_host` one for `host`; `host_type` (MongooseIM 6) means `host`',
  },
);
/** A scope as written in TOML. */
export type ScopeInput = Static<typeof ScopeSchema>;
/** A scope after normalisation (`host_type` becomes `host`). */
export type Scope = Exclude<ScopeInput, 'host_type'>;

/**
 * Schema of the pool-level keys of `[outgoing_pools.<type>.<tag>]` (without `connection`).
 * Per-type defaults for `workers` and `call_timeout` come from the driver (`PoolDriver.defaults`).
 *
 * Convention for every outpools schema: a key with a default is written without `Type.Optional`
 * and with `{ default }`; defaults are filled in (absent keys only) before validation, so
 * `Static<>` of a schema is the resolved type a driver receives.
 */
export const PoolOptionsSchema = Type.Object(
  {
    scope: ScopeSchema,
    host: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'The host of the pool\'s one instance: required with `scope = "single_host"`, an error with any other scope',
      }),
    ),
    strategy: StrategySchema,
    workers: Type.Integer({
      minimum: 1,
      default: 10,
      description: 'Number of workers, one connection each; a pool type may have its own default (cassandra: 20)',
    }),
    call_timeout: Type.Integer({
      minimum: 1,
      default: 5000,
      description:
        'Milliseconds a whole call may take: queueing, waiting for a worker, running; a pool type may have ' +
        'its own default (rdbms: 60000)',
    }),
    max_worker_queue_len: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Only with `strategy = "best_worker"` (current MongooseIM): the most requests a worker\'s mailbox holds ' +
          'waiting (besides those running); when the least loaded worker is full, the oldest waiting request is ' +
          "dropped (`RequestDroppedError`). Unset: no limit (a pool type may have its own, e.g. rabbit's " +
          '`connection.max_worker_queue_len`)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Pool-level options after defaults are filled in (scope as written; see {@link normalizeScope}). */
export type PoolOptionsResolved = Static<typeof PoolOptionsSchema>;

/**
 * Pool-level options after defaults, with the scope normalised (`host_type` becomes `host`).
 * (`strategy` is restated from {@link Strategy}: `Static<>` of a union built from a mapped array
 * is `never`.)
 */
export type PoolOptions = Omit<PoolOptionsResolved, 'scope' | 'strategy'> & {
  readonly scope: Scope;
  readonly strategy: Strategy;
};

/** `host_type` (MongooseIM 6) means `host`. */
export function normalizeScope(scope: ScopeInput): Scope {
  return scope === 'host_type' ? 'host' : scope;
}
