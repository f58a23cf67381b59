/**
 * Schema of `[outgoing_pools.http.<tag>.connection]` (seed "HTTP options", spec 5.7).
 * @module
 */
import { Type, TlsSchema, type Static } from '@outpools/core/driver';

/** A decimal TCP port from 1 to 65535, without leading zeros. */
const PORT = '(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])';
/** A host name or IPv4 address (letters, digits, `-`, `_`, `.`), or an IPv6 literal in brackets. */
const NAME = '(?:[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?|\\[[0-9A-Fa-f:.]+\\])';

/**
 * What `connection.host` must look like: `http://name[:port]` or `https://name[:port]`, nothing
 * after the port (no path, query, fragment or user info).
 */
export const HOST_PATTERN = `^https?://${NAME}(?::${PORT})?$`;

/** The wording of a `connection.host` error. */
export const HOST_EXPECTED =
  'an origin of the form "http://name[:port]" or "https://name[:port]" (IPv6 literal in brackets, ' +
  'port 1-65535, nothing after the port: no path, query or user info)';

/**
 * The http connection options. Keys with a default are filled in before validation, so
 * {@link HttpConnectionOptions} (its `Static<>`) is what the driver receives.
 *
 * | key | type | default |
 * |---|---|---|
 * | `host` | `"http[s]://name[:port]"` | required |
 * | `path_prefix` | string | `"/"` |
 * | `request_timeout` | positive integer, ms | `2000` |
 * | `tls` | TLS section (https only) | unset |
 */
export const HttpConnectionSchema = Type.Object(
  {
    host: Type.String({
      pattern: HOST_PATTERN,
      expected: HOST_EXPECTED,
      description: 'Origin of the HTTP server: "http[s]://name[:port]"',
    }),
    path_prefix: Type.String({
      default: '/',
      description: 'Initial part of the path of every request, joined to it with exactly one "/"',
    }),
    request_timeout: Type.Integer({
      minimum: 1,
      default: 2000,
      description: 'Milliseconds one request (headers and body) may take; keep it below call_timeout',
    }),
    tls: Type.Optional(TlsSchema),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an http pool after defaults. */
export type HttpConnectionOptions = Static<typeof HttpConnectionSchema>;
