import { describe, expect, it } from 'vitest';
import { optionsTable, tlsSchemaWith, TlsSchema, Type } from '@outpools/core/driver';

const HEADER = ['| key | type | default | meaning |', '|---|---|---|---|'];
const table = (...rows: string[]): string => `${[...HEADER, ...rows].join('\n')}\n`;

describe('optionsTable', () => {
  it("renders one row per key in schema order: type in the config errors' words, default, description", () => {
    const schema = Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Server host name or address' }),
        port: Type.Integer({ minimum: 1, maximum: 65534, default: 6379, description: 'TCP port' }),
        driver: Type.Union([Type.Literal('pgsql'), Type.Literal('mysql')], { description: 'The client library' }),
        username: Type.Optional(Type.String({ minLength: 1, description: 'ACL user' })),
        servers: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Server names' }),
        enabled: Type.Boolean({ default: false }),
      },
      { additionalProperties: false },
    );
    expect(optionsTable(schema)).toBe(
      table(
        '| `host` | a non-empty string | `"127.0.0.1"` | Server host name or address |',
        '| `port` | an integer from 1 to 65534 | `6379` | TCP port |',
        '| `driver` | one of "pgsql" or "mysql" | required | The client library |',
        '| `username` | a non-empty string | unset | ACL user |',
        '| `servers` | an array of non-empty strings | `[]` | Server names |',
        '| `enabled` | a boolean (true or false) | `false` |  |',
      ),
    );
  });

  it("uses a key's own `expected` wording for the type", () => {
    const schema = Type.Object({
      host: Type.String({ pattern: '^https?://', expected: 'an http:// or https:// URL', description: 'Origin' }),
    });
    expect(optionsTable(schema)).toBe(table('| `host` | an http:// or https:// URL | required | Origin |'));
  });

  it('writes defaults the way TOML does: arrays, inline tables, quoted strings', () => {
    const schema = Type.Object({
      servers: Type.Array(Type.Object({ host: Type.String(), port: Type.Integer() }), {
        default: [{ host: 'localhost', port: 9042 }],
      }),
      limit: Type.Union([Type.Integer({ minimum: 1 }), Type.Literal('infinity')], { default: 'infinity' }),
      labels: Type.Object({}, { default: { 'a.b': 'x' } }),
    });
    expect(optionsTable(schema)).toBe(
      table(
        '| `servers` | an array of tables | `[{ host = "localhost", port = 9042 }]` |  |',
        '| `limit` | a positive integer or "infinity" | `"infinity"` |  |',
        '| `labels` | a table | `{ "a.b" = "x" }` |  |',
      ),
    );
  });

  it('escapes `|` and line breaks so that a cell stays one cell', () => {
    const schema = Type.Object({
      mode: Type.String({ pattern: 'a|b', description: 'either a\nor b | nothing else' }),
    });
    expect(optionsTable(schema)).toBe(
      table('| `mode` | a string matching /a\\|b/ | required | either a or b \\| nothing else |'),
    );
  });

  it('documents a secret key like any other: its default as written, no value of a configuration', () => {
    const schema = Type.Object({
      password: Type.String({ default: 'guest', description: 'AMQP password; never printed' }),
      tls: Type.Optional(TlsSchema),
    });
    const text = optionsTable(schema, { expand: ['tls.password'] });
    expect(text).toContain('| `password` | a string | `"guest"` | AMQP password; never printed |');
    expect(text).toContain('| `tls.password` | a string | unset |');
    expect(text).not.toContain('***');
  });

  it('renders a nested table as one row, or with its keys as dotted rows when expanded', () => {
    expect(optionsTable(TlsSchema)).toContain('| `server_name_indication` | a table | `{}` |');
    expect(optionsTable(TlsSchema)).not.toContain('server_name_indication.enabled');

    const expanded = optionsTable(TlsSchema, { expand: ['server_name_indication'] }).split('\n');
    const keys = expanded.slice(2, -1).map((row) => row.split(' | ')[0]!.replace(/^\| /, ''));
    expect(keys).toEqual([
      '`verify_mode`',
      '`cacertfile`',
      '`certfile`',
      '`keyfile`',
      '`password`',
      '`ciphers`',
      '`versions`',
      '`disconnect_on_failure`',
      '`crl_files`',
      '`server_name_indication`',
      '`server_name_indication.enabled`',
      '`server_name_indication.host`',
      '`server_name_indication.protocol`',
    ]);
    expect(expanded.join('\n')).toMatch(
      /^\| `server_name_indication\.enabled` \| a boolean \(true or false\) \| `true` \| \S.* \|$/m,
    );
  });

  it('expands one nested key when a dotted key is named', () => {
    const schema = Type.Object({
      tls: Type.Optional(
        Type.With(tlsSchemaWith({ required: Type.Boolean({ default: false, description: 'refuse plaintext' }) }), {
          description: 'TLS section plus `required`',
        }),
      ),
    });
    expect(optionsTable(schema, { expand: ['tls.required'] })).toBe(
      table(
        '| `tls` | a table | unset | TLS section plus `required` |',
        '| `tls.required` | a boolean (true or false) | `false` | refuse plaintext |',
      ),
    );
  });

  it('refuses an expand name that is not a nested key (a renamed key must not drop rows silently)', () => {
    const schema = Type.Object({ host: Type.String(), tls: Type.Optional(TlsSchema) });
    expect(() => optionsTable(schema, { expand: ['tsl'] })).toThrow(/expand names "tsl"/);
    expect(() => optionsTable(schema, { expand: ['host'] })).toThrow(/"host"/);
    expect(() => optionsTable(schema, { expand: ['tls.nope'] })).toThrow(/"tls.nope"/);
  });

  it('renders only the header for a schema without keys', () => {
    expect(optionsTable(Type.Object({}))).toBe(table());
  });
});
