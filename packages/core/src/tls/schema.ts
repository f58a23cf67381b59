/**
 * Schema of `[outgoing_pools.<type>.<tag>.connection.tls]` (docs/configuration.md, TLS).
 * Client-side keys only: server-only keys (`dhfile`, `early_data`, ...) are unknown keys and
 * therefore config errors. A driver may add keys (rdbms adds `required`) with `tlsSchemaWith()`.
 * @module
 */
import Type, { type Static, type TProperties } from 'typebox';

/** TLS protocol versions as MongooseIM spells them. */
export const TLS_VERSIONS = ['tlsv1', 'tlsv1.1', 'tlsv1.2', 'tlsv1.3'] as const;
/** One TLS protocol version name. */
export type TlsVersionName = (typeof TLS_VERSIONS)[number];

/** Certificate verification modes. */
export const VERIFY_MODES = ['peer', 'selfsigned_peer', 'none'] as const;
/** One certificate verification mode. */
export type VerifyMode = (typeof VERIFY_MODES)[number];

const tlsProperties = {
  // Literal tuples, not `VERIFY_MODES.map(...)`: an array of literals makes the static type `never`.
  verify_mode: Type.Union([Type.Literal('peer'), Type.Literal('selfsigned_peer'), Type.Literal('none')], {
    default: 'peer',
  }),
  cacertfile: Type.Optional(Type.String({ minLength: 1 })),
  certfile: Type.Optional(Type.String({ minLength: 1 })),
  keyfile: Type.Optional(Type.String({ minLength: 1 })),
  password: Type.Optional(Type.String()),
  ciphers: Type.Optional(Type.String({ minLength: 1 })),
  versions: Type.Optional(
    Type.Array(
      Type.Union([Type.Literal('tlsv1'), Type.Literal('tlsv1.1'), Type.Literal('tlsv1.2'), Type.Literal('tlsv1.3')]),
      { minItems: 1 },
    ),
  ),
  server_name_indication: Type.Optional(
    Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        host: Type.Optional(Type.String({ minLength: 1 })),
        protocol: Type.Union([Type.Literal('default'), Type.Literal('https')], { default: 'default' }),
      },
      { additionalProperties: false },
    ),
  ),
};

/** Schema of the TLS section every pool type accepts. */
export const TlsSchema = Type.Object(tlsProperties, { additionalProperties: false });

/** The TLS section after defaults (see the defaults convention in `pool-schema.ts`). */
export type TlsConfig = Static<typeof TlsSchema>;

/**
 * The TLS schema with extra, type-specific keys.
 * @example
 * ```ts
 * const RdbmsTls = tlsSchemaWith({ required: Type.Boolean({ default: false }) });
 * ```
 */
export function tlsSchemaWith<P extends TProperties>(extra: P) {
  return Type.Object({ ...tlsProperties, ...extra }, { additionalProperties: false });
}
