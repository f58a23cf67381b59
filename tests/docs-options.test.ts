// The option tables of docs/*.md and packages/*/README.md are generated from the schemas: each
// sits between `<!-- options:begin <name> -->` and `<!-- options:end -->`, where <name> is a key
// of TABLES below. This test fails when a table differs from its schema; `pnpm docs:options`
// (UPDATE_DOCS=1) rewrites the tables instead. Adding a driver's table: one line in TABLES, and
// the markers in its README.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { TObject } from '@outpools/core/driver';
import { optionsTable, type OptionsTableOptions } from '../packages/core/src/config/options-table.js';
import { PoolOptionsSchema } from '../packages/core/src/config/pool-schema.js';
import { TlsSchema } from '../packages/core/src/tls/schema.js';
import { HttpConnectionSchema } from '../packages/driver-http/src/schema.js';
import { RdbmsConnectionSchema } from '../packages/driver-rdbms/src/schema.js';
import { RedisConnectionSchema } from '../packages/driver-redis/src/schema.js';
import { RabbitConnectionSchema } from '../packages/driver-rabbit/src/schema.js';
import { LdapConnectionSchema } from '../packages/driver-ldap/src/schema.js';
import { CassandraConnectionSchema } from '../packages/driver-cassandra/src/schema.js';
import { ElasticConnectionSchema } from '../packages/driver-elastic/src/schema.js';

/** Marker name → the schema it renders (and how). */
const TABLES: Readonly<Record<string, { readonly schema: TObject; readonly options?: OptionsTableOptions }>> = {
  pool: { schema: PoolOptionsSchema },
  tls: { schema: TlsSchema, options: { expand: ['server_name_indication'] } },
  http: { schema: HttpConnectionSchema },
  redis: { schema: RedisConnectionSchema },
  rdbms: { schema: RdbmsConnectionSchema, options: { expand: ['tls.required'] } },
  rabbit: { schema: RabbitConnectionSchema, options: { expand: ['reconnect'] } },
  ldap: { schema: LdapConnectionSchema },
  cassandra: { schema: CassandraConnectionSchema, options: { expand: ['auth', 'auth.plain'] } },
  elastic: { schema: ElasticConnectionSchema },
};

const UPDATE = process.env.UPDATE_DOCS === '1';
const root = fileURLToPath(new URL('..', import.meta.url));

/** The Markdown files that may hold option tables, relative to the repository root. */
function documents(): string[] {
  const docs = readdirSync(`${root}docs`)
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  const readmes = readdirSync(`${root}packages`)
    .map((dir) => `packages/${dir}/README.md`)
    .filter((file) => existsSync(`${root}${file}`));
  return [...docs, ...readmes].sort();
}

const BEGIN = /^<!-- options:begin (\S+) -->$/;
const END = '<!-- options:end -->';

interface Section {
  readonly name: string;
  /** Line index of the begin marker and of the end marker. */
  readonly begin: number;
  readonly end: number;
}

/** The marked sections of a document; a begin without an end (or a stray end) throws. */
function sections(file: string, lines: readonly string[]): Section[] {
  const found: Section[] = [];
  let open: { name: string; begin: number } | undefined;
  lines.forEach((line, index) => {
    const begin = BEGIN.exec(line.trim());
    if (begin !== null) {
      if (open !== undefined)
        throw new Error(`${file}:${index + 1}: options:begin inside the section of line ${open.begin + 1}`);
      open = { name: begin[1]!, begin: index };
    } else if (line.trim() === END) {
      if (open === undefined) throw new Error(`${file}:${index + 1}: options:end without options:begin`);
      found.push({ ...open, end: index });
      open = undefined;
    }
  });
  if (open !== undefined) throw new Error(`${file}:${open.begin + 1}: options:begin ${open.name} without options:end`);
  return found;
}

/** What the section of `name` must hold: the table, without its final newline (one line per row). */
function rendered(file: string, name: string): string[] {
  const table = TABLES[name];
  if (table === undefined) {
    throw new Error(
      `${file}: unknown options table "${name}"; known: ${Object.keys(TABLES).join(', ')} (tests/docs-options.test.ts)`,
    );
  }
  return optionsTable(table.schema, table.options).trimEnd().split('\n');
}

const files = documents();
const marked = files.filter((file) => readFileSync(`${root}${file}`, 'utf8').includes('<!-- options:'));

describe('generated option tables (pnpm docs:options)', () => {
  it.each(marked)('%s: every marked table is what its schema renders', (file) => {
    const text = readFileSync(`${root}${file}`, 'utf8');
    const lines = text.split('\n');
    const found = sections(file, lines);
    expect(found.length, `${file} mentions "<!-- options:" but has no complete section`).toBeGreaterThan(0);
    // Rewrite from the last section up, so that earlier line indexes stay valid.
    const updated = [...lines];
    for (const section of [...found].reverse()) {
      const want = rendered(file, section.name);
      const have = lines.slice(section.begin + 1, section.end);
      if (UPDATE) updated.splice(section.begin + 1, section.end - section.begin - 1, ...want);
      else {
        expect(
          have.join('\n'),
          `${file}:${section.begin + 1}: the "${section.name}" options table differs from its schema; run \`pnpm docs:options\``,
        ).toBe(want.join('\n'));
      }
    }
    if (UPDATE && updated.join('\n') !== text) writeFileSync(`${root}${file}`, updated.join('\n'));
  });

  it('every table name is used by a document (a stale entry of TABLES is an error)', () => {
    const used = new Set(
      marked.flatMap((file) => sections(file, readFileSync(`${root}${file}`, 'utf8').split('\n')).map((s) => s.name)),
    );
    expect(Object.keys(TABLES).filter((name) => !used.has(name))).toEqual([]);
  });

  it.each(Object.keys(TABLES))('every key of the "%s" table has a description', (name) => {
    const rows = rendered('tests/docs-options.test.ts', name).slice(2);
    const undescribed = rows.filter((row) => row.endsWith('|  |')).map((row) => row.split(' | ')[0]!.slice(2));
    expect(undescribed, `keys without a description in the "${name}" schema`).toEqual([]);
  });
});
