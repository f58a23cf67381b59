import { describe, expect, it } from 'vitest';
import { checkValue } from '../src/config/schema-check.js';
import { describeValue, joinPath, suggest } from '../src/config/issues.js';
import { expectedText, type SchemaNode } from '../src/config/schema-text.js';
import { redactSecrets, Type } from '@outpools/core/driver';
import { withDefaults } from '../src/config/defaults.js';

const S = (schema: unknown): SchemaNode => schema as SchemaNode;
const messages = (schema: unknown, value: unknown): string[] =>
  checkValue(S(schema), value, { path: 'x' }).map((i) => `${i.path}: ${i.message}`);

describe('what a schema expects, in words', () => {
  it.each([
    [Type.Integer({ minimum: 1, maximum: 65534 }), 'an integer from 1 to 65534'],
    [Type.Integer({ minimum: 1 }), 'a positive integer'],
    [Type.Integer({ minimum: 0 }), 'a non-negative integer'],
    [Type.Integer({ minimum: 5 }), 'an integer >= 5'],
    [Type.Integer({ maximum: 5 }), 'an integer <= 5'],
    [Type.Integer({ exclusiveMinimum: 0, exclusiveMaximum: 65535 }), 'an integer from 1 to 65534'],
    [Type.Number({ exclusiveMinimum: 0 }), 'a number > 0'],
    [Type.Number({ exclusiveMaximum: 1 }), 'a number < 1'],
    [Type.Number(), 'a number'],
    [Type.String(), 'a string'],
    [Type.String({ minLength: 1 }), 'a non-empty string'],
    [Type.String({ minLength: 3, maxLength: 5 }), 'a string of at least 3 characters of at most 5 characters'],
    [Type.String({ pattern: '^https?://' }), 'a string matching /^https?:///'],
    [Type.String({ pattern: '^a', expected: 'a name starting with a' }), 'a name starting with a'],
    [Type.Boolean(), 'a boolean (true or false)'],
    [Type.Literal('x'), '"x"'],
    [Type.Union([Type.Integer({ minimum: 0 }), Type.Literal('infinity')]), 'a non-negative integer or "infinity"'],
    [Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }), 'a non-empty array of non-empty strings'],
    [Type.Array(Type.Union([Type.Literal('a'), Type.Literal('b')])), 'an array of "a" or "b"'],
    [Type.Array(Type.Object({})), 'an array of tables'],
    [Type.Array(Type.Integer()), 'an array of integers'],
    [Type.Array(Type.Boolean()), 'an array of booleans'],
    [Type.Array(Type.Integer({ minimum: 1 })), 'an array of integers (each a positive integer)'],
    [Type.Array(Type.String({ pattern: 'x' })), 'an array of strings (each a string matching /x/)'],
    [Type.Array(Type.Number()), 'an array of items that are each a number'],
    [Type.Object({}), 'a table'],
    [Type.Unknown(), 'a value'],
  ])('%j reads as %s', (schema, text) => {
    expect(expectedText(S(schema))).toBe(text);
  });
});

describe('checking values', () => {
  it('accepts anything where the schema is unknown', () => {
    expect(messages(Type.Unknown(), { a: [1] })).toEqual([]);
  });

  it('checks string length and pattern', () => {
    expect(messages(Type.String({ pattern: '^https?://' }), 'ftp://x')).toEqual([
      'x: expected a string matching /^https?:///, got "ftp://x"',
    ]);
    expect(messages(Type.String({ maxLength: 2 }), 'abc')).toHaveLength(1);
  });

  it('checks array sizes, items at their index, and duplicates', () => {
    const schema = Type.Array(Type.Integer(), { minItems: 1, maxItems: 2, uniqueItems: true });
    expect(messages(schema, [])).toEqual(['x: expected a non-empty array of integers, got an empty array']);
    expect(messages(schema, [1, 2, 3])).toEqual(['x: expected a non-empty array of integers, got an array of 3']);
    expect(messages(schema, [1, 'a'])).toEqual(['x[1]: expected an integer, got "a"']);
    expect(messages(schema, [1, 1])).toEqual(['x[1]: duplicate of x[0]']);
    expect(messages(schema, 'a')).toHaveLength(1);
  });

  it('finds duplicates among integers too large for a number (TOML gives bigints) without throwing', () => {
    const schema = Type.Array(Type.Unknown(), { uniqueItems: true });
    const big = 2n ** 63n - 1n;
    expect(messages(schema, [big, 'a', big])).toEqual(['x[2]: duplicate of x[0]']);
  });

  it('checks additional properties against a schema when one is given', () => {
    const schema = Type.Object({}, { additionalProperties: Type.Integer() });
    expect(messages(schema, { a: 1, b: 'no' })).toEqual(['x.b: expected an integer, got "no"']);
  });

  it('reports the closest table variant of a union for a table', () => {
    const schema = Type.Union([Type.Object({ a: Type.Integer() }, { additionalProperties: false }), Type.String()]);
    expect(messages(schema, { a: 'z' })).toEqual(['x.a: expected an integer, got "z"']);
    expect(messages(schema, 5)).toEqual(['x: expected a table or a string, got 5']);
  });

  it('describes given values without printing tables or long strings', () => {
    expect(describeValue({ password: 'p' })).toBe('a table');
    expect(describeValue('y'.repeat(100))).toBe(`"${'y'.repeat(60)}..."`);
    expect(describeValue(new Date(0))).toBe('a date-time');
    expect(describeValue(true)).toBe('true');
    expect(describeValue(Number.NaN)).toBe('NaN (a float)');
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('p', true)).toBe('"***"');
    expect(messages(Type.Integer(), Number.POSITIVE_INFINITY)).toEqual([
      'x: expected an integer, got Infinity (a float)',
    ]);
  });
});

describe('defaults', () => {
  const schema = Type.Object({
    port: Type.Integer({ default: 6379 }),
    servers: Type.Array(Type.Object({ host: Type.String(), port: Type.Integer({ default: 9042 }) }), {
      default: [{ host: 'localhost' }],
    }),
    auth: Type.Optional(
      Type.Union([Type.Object({ user: Type.String(), mode: Type.String({ default: 'plain' }) }), Type.String()]),
    ),
  });

  it('fills absent keys only, at every depth, without touching given values', () => {
    const given = { port: '1', servers: [{ host: 'a' }], auth: { user: 'u' } };
    expect(withDefaults(S(schema), given)).toEqual({
      port: '1',
      servers: [{ host: 'a', port: 9042 }],
      auth: { user: 'u', mode: 'plain' },
    });
    expect(given).toEqual({ port: '1', servers: [{ host: 'a' }], auth: { user: 'u' } });
    expect(withDefaults(S(schema), {})).toEqual({ port: 6379, servers: [{ host: 'localhost', port: 9042 }] });
  });

  it('leaves a union value alone when no table variant fits', () => {
    expect(withDefaults(S(schema), { auth: 'x' })).toMatchObject({ auth: 'x' });
    expect(withDefaults(S(schema), { auth: { bad: 1 } })).toMatchObject({ auth: { bad: 1 } });
  });
});

describe('helpers', () => {
  it('suggests near misses only', () => {
    expect(suggest('wrokers', ['workers', 'scope'])).toBe('workers');
    expect(suggest('psgql', ['pgsql', 'mysql', 'odbc'])).toBe('pgsql');
    expect(suggest('x', ['workers'])).toBeUndefined();
    expect(suggest('Workers', ['workers'])).toBe('workers');
  });

  it('joins paths with quoted keys and indexes', () => {
    expect([joinPath('', 'a'), joinPath('a', 'b c'), joinPath('a', 2)]).toEqual(['a', 'a."b c"', 'a[2]']);
  });

  it('redacts every value under a password key', () => {
    expect(redactSecrets({ password: 'p', tls: { password: 'q' }, list: [{ password: 'r' }], user: 'u' })).toEqual({
      password: '***',
      tls: { password: '***' },
      list: [{ password: '***' }],
      user: 'u',
    });
    expect(redactSecrets({ host: 'https://me:pw@h:1/x' })).toEqual({ host: 'https://***@h:1/x' });
    expect(describeValue('http://me:pw@h')).toBe('"http://***@h"');
  });

  it('shows an empty password (the default of most types) as "", not as "***"', () => {
    expect(redactSecrets({ password: '', tls: { password: 'q' } })).toEqual({ password: '', tls: { password: '***' } });
  });
});
