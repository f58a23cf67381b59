/**
 * Schema of `[outgoing_pools.http.<tag>.connection]`, MongooseIM's http connection options (the
 * options table of packages/driver-http/README.md and "Connection options" in docs/configuration.md).
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
 * {@link HttpConnectionOptions} (its `Static<>`) is what the driver receives. Each key's
 * `description` is what the README's option table says (generated: `pnpm docs:options`).
 */
export const HttpConnectionSchema = Type.Object(
  {
    host: Type.String({
      pattern: HOST_PATTERN,
      expected: HOST_EXPECTED,
      description:
        'Origin of the HTTP server (`"https://auth.example.com:8443"`, `"http://[::1]"`); port 80/443 when ' +
        'absent. A bad value is an error at `connection.host` that says the expected form; user info in it is never printed',
    }),
    path_prefix: Type.String({
      minLength: 1,
      default: '/',
      description:
        'Initial part of the path of every request, joined to it with exactly one `/` ' +
        '(`"/api/"` + `"/users"` = `/api/users`)',
    }),
    request_timeout: Type.Integer({
      minimum: 1,
      default: 2000,
      description:
        'Milliseconds one request may take: connecting (when needed), headers and the whole body. ' +
        '`request_timeout >= call_timeout` is a warning',
    }),
    tls: Type.Optional(
      Type.With(TlsSchema, {
        description:
          'TLS section (docs/configuration.md, TLS); applies only to `https://` hosts: with `http://` it is a ' +
          'warning (it has no effect)',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The `[connection]` section of an http pool after defaults. */
export type HttpConnectionOptions = Static<typeof HttpConnectionSchema>;
