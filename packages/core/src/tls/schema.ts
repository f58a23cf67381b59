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
    description:
      '`peer`: the certificate must verify against the trusted CAs; `selfsigned_peer`: also accept a ' +
      'self-signed certificate (still checking its dates and host name); `none`: no verification',
  }),
  cacertfile: Type.Optional(
    Type.String({ minLength: 1, description: "PEM file of trusted CAs; unset: Node's default CAs" }),
  ),
  certfile: Type.Optional(
    Type.String({ minLength: 1, description: 'PEM file of the client certificate; needs `keyfile`' }),
  ),
  keyfile: Type.Optional(
    Type.String({
      minLength: 1,
      description: "PEM file of the client certificate's key; without `certfile` it is not used (a warning)",
    }),
  ),
  password: Type.Optional(Type.String({ description: 'Passphrase of `keyfile`; never printed' })),
  ciphers: Type.Optional(
    Type.String({ minLength: 1, description: "Cipher suites, in OpenSSL syntax; unset: Node's defaults" }),
  ),
  versions: Type.Optional(
    Type.Array(
      Type.Union([Type.Literal('tlsv1'), Type.Literal('tlsv1.1'), Type.Literal('tlsv1.2'), Type.Literal('tlsv1.3')]),
      {
        minItems: 1,
        description:
          'Allowed TLS versions; unset: Node\'s defaults. A list with a gap (`["tlsv1", "tlsv1.2"]`) is an error ' +
          '(Node has only a minimum and a maximum)',
      },
    ),
  ),
  disconnect_on_failure: Type.Boolean({
    default: true,
    description:
      '`true`: a failed certificate verification closes the connection; `false`: it is reported as a ' +
      '`tls_verify_failed` event and the connection is used (never sent with `verify_mode = "none"`)',
  }),
  crl_files: Type.Array(Type.String({ minLength: 1 }), {
    default: [],
    description:
      'PEM files of certificate revocation lists: a revoked server certificate is refused. Each certificate of ' +
      "the chain below the trusted root needs its issuer's CRL here",
  }),
  server_name_indication: Type.Object(
    {
      enabled: Type.Boolean({
        default: true,
        description: '`false`: send no SNI and skip the host name check',
      }),
      host: Type.Optional(
        Type.String({
          minLength: 1,
          description:
            'SNI name, and the name the certificate is checked against; unset: the host connected to (no SNI for an IP address)',
        }),
      ),
      protocol: Type.Union([Type.Literal('default'), Type.Literal('https')], {
        default: 'default',
        description: 'Host name matching rules (both per RFC 6125)',
      }),
    },
    {
      additionalProperties: false,
      default: {},
      description: 'Server Name Indication (SNI) and the name the certificate is checked against',
    },
  ),
};

/** Schema of the TLS section every pool type accepts. */
export const TlsSchema = Type.Object(tlsProperties, { additionalProperties: false });

/** The TLS section after defaults (see the defaults convention in `pool-schema.ts`). */
export type TlsConfigResolved = Static<typeof TlsSchema>;

/** The keys whose absence means their default, for sections written by hand in code. */
type LenientKeys = 'disconnect_on_failure' | 'crl_files' | 'server_name_indication';

/**
 * A TLS section as the mapping takes it: {@link TlsConfigResolved}, except that
 * `disconnect_on_failure`, `crl_files` and `server_name_indication` may be absent (then their
 * defaults apply), so a section written in code needs only what it sets.
 */
export type TlsConfig = Omit<TlsConfigResolved, LenientKeys> & Partial<Pick<TlsConfigResolved, LenientKeys>>;

/**
 * A TLS section written in code, with the defaults of the keys it leaves out filled in (what
 * validation does for a TOML section).
 * @example
 * ```ts
 * withTlsDefaults({ verify_mode: 'peer' });
 * // { verify_mode: 'peer', disconnect_on_failure: true, crl_files: [], server_name_indication: { enabled: true, protocol: 'default' } }
 * ```
 */
export function withTlsDefaults<T extends TlsConfig>(tls: T): T & Pick<TlsConfigResolved, LenientKeys> {
  const sni = tls.server_name_indication;
  return {
    ...tls,
    disconnect_on_failure: tls.disconnect_on_failure ?? true,
    crl_files: tls.crl_files ?? [],
    server_name_indication: { ...sni, enabled: sni?.enabled ?? true, protocol: sni?.protocol ?? 'default' },
  };
}

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
