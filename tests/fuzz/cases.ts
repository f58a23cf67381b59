// Case generation for the config fuzzer: seed documents mutated as data (keys deleted, renamed,
// retyped, sections copied or moved, TLS files pointed elsewhere) and as text (characters and
// lines inserted, deleted, swapped), plus documents generated from the registered schemas. Every
// case plants distinctive secrets (passwords, key passphrases, an ODBC PWD, URL user info) so the
// test can check that no message shows one.
import { parse, stringify } from 'smol-toml';
import type { Prng } from './prng.js';
import type { Seed } from './seeds.js';
import { fromSchema, KEY_WORDS, PATHS, randomValue, type SchemaNode } from './values.js';

/** What the generator knows about one registered pool type. */
export interface TypeInfo {
  readonly type: string;
  readonly connectionSchema: unknown;
}

/** One generated configuration. */
export interface FuzzCase {
  readonly text: string;
  /** The planted secret tokens (each also appears in `text` unless a text mutation broke it). */
  readonly secrets: readonly string[];
  /** What was done, for the failure report. */
  readonly steps: readonly string[];
}

/** Everything the generator draws from. */
export interface CaseContext {
  readonly seeds: readonly Seed[];
  readonly types: readonly TypeInfo[];
  readonly poolSchema: unknown;
  /** Existing readable files (PEM certificates and keys) for TLS paths. */
  readonly files: readonly string[];
}

type Table = Record<string, unknown>;

const isTable = (v: unknown): v is Table =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The marker every planted secret carries (the test looks for whole tokens). */
export const SECRET_MARK = 'Zq7sEcReT';

/** Every path (list of keys) in a document, tables and arrays included. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (isTable(value)) {
    for (const [k, v] of Object.entries(value)) {
      out.push([...prefix, k]);
      pathsOf(v, [...prefix, k], out);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      pathsOf(v, [...prefix, i], out);
    });
  }
  return out;
}

function parentOf(doc: Table, path: readonly (string | number)[]): Table | unknown[] | undefined {
  let at: unknown = doc;
  for (const key of path.slice(0, -1)) {
    at = (at as Table)[key as string];
    if (!isTable(at) && !Array.isArray(at)) return undefined;
  }
  return at as Table | unknown[];
}

/** Every pool section: `[tableHoldingTag, tag]` pairs (array-of-tables entries included). */
function poolSections(doc: Table): { type: string; section: Table }[] {
  const out: { type: string; section: Table }[] = [];
  const root = doc.outgoing_pools;
  if (!isTable(root)) return out;
  for (const [type, byTag] of Object.entries(root)) {
    if (!isTable(byTag)) continue;
    for (const section of Object.values(byTag)) {
      for (const one of Array.isArray(section) ? section : [section])
        if (isTable(one)) out.push({ type, section: one });
    }
  }
  return out;
}

function typo(rng: Prng, word: string): string {
  if (word.length === 0) return 'x';
  const i = rng.int(word.length);
  switch (rng.int(4)) {
    case 0:
      return word.slice(0, i) + word.slice(i + 1);
    case 1:
      return word.slice(0, i) + String.fromCharCode(97 + rng.int(26)) + word.slice(i);
    case 2:
      return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : `${word}s`;
    default:
      return word.toUpperCase();
  }
}

class Planter {
  readonly secrets: string[] = [];
  constructor(readonly caseTag: string) {}
  token(): string {
    const t = `${SECRET_MARK}${this.caseTag}n${this.secrets.length}`;
    this.secrets.push(t);
    return t;
  }
}

/** Put secrets where a configuration keeps them, in most pool sections. */
function plant(rng: Prng, doc: Table, planter: Planter, steps: string[]): void {
  for (const { type, section } of poolSections(doc)) {
    if (!rng.chance(0.8)) continue;
    if (!isTable(section.connection)) section.connection = {};
    const connection = section.connection as Table;
    if (type === 'cassandra') {
      connection.auth = { plain: { username: 'u', password: planter.token() } };
    } else if (type === 'http') {
      if (rng.chance(0.5)) connection.host = `http://user:${planter.token()}@127.0.0.1:8080`;
    } else if (type === 'rdbms' && connection.driver === 'odbc') {
      connection.settings = `DSN=db;UID=app;PWD=${planter.token()}`;
    } else {
      connection.password = planter.token();
    }
    if (rng.chance(0.5)) {
      if (!isTable(connection.tls)) connection.tls = {};
      (connection.tls as Table).password = planter.token();
    }
  }
  if (planter.secrets.length > 0) steps.push(`planted ${planter.secrets.length} secrets`);
}

const STRUCTURAL = [
  'delete',
  'set',
  'rename',
  'add',
  'wrap',
  'copy-section',
  'move-section',
  'tls-file',
  'hosts',
  'schema-connection',
] as const;

function mutateStructure(rng: Prng, ctx: CaseContext, doc: Table, steps: string[]): void {
  const op = rng.pick(STRUCTURAL);
  const paths = pathsOf(doc);
  const path = paths.length > 0 ? rng.pick(paths) : undefined;
  const parent = path ? parentOf(doc, path) : undefined;
  const key = path?.at(-1);
  switch (op) {
    case 'delete':
      if (parent && key !== undefined) {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        steps.push(`delete ${path?.join('.')}`);
      }
      return;
    case 'set':
      if (parent && key !== undefined) {
        (parent as Table)[key as string] = randomValue(rng, ctx);
        steps.push(`set ${path?.join('.')}`);
      }
      return;
    case 'rename':
      if (parent && !Array.isArray(parent) && typeof key === 'string') {
        const next = rng.chance(0.5) ? typo(rng, key) : rng.pick(KEY_WORDS);
        const value = parent[key];
        delete parent[key];
        parent[next] = value;
        steps.push(`rename ${path?.join('.')} -> ${next}`);
      }
      return;
    case 'add': {
      const tables = [doc, ...paths.map((p) => parentOf(doc, [...p, 'x'])).filter(isTable)];
      rng.pick(tables)[rng.pick(KEY_WORDS)] = randomValue(rng, ctx);
      steps.push('add a key');
      return;
    }
    case 'wrap':
      if (parent && key !== undefined) {
        const value = (parent as Table)[key as string];
        (parent as Table)[key as string] = rng.chance(0.5) ? [value] : { [rng.pick(KEY_WORDS)]: value };
        steps.push(`wrap ${path?.join('.')}`);
      }
      return;
    case 'copy-section':
    case 'move-section': {
      const sections = poolSections(doc);
      if (sections.length === 0 || !isTable(doc.outgoing_pools)) return;
      const { section } = rng.pick(sections);
      const type = rng.chance(0.8) ? rng.pick(ctx.types).type : typo(rng, rng.pick(ctx.types).type);
      const pools = doc.outgoing_pools as Table;
      if (!isTable(pools[type])) pools[type] = {};
      const tag = rng.pick(['default', 'copy', 'x', '']);
      (pools[type] as Table)[tag] = op === 'copy-section' ? structuredClone(section) : section;
      steps.push(`${op} to ${type}.${tag}`);
      return;
    }
    case 'tls-file': {
      const sections = poolSections(doc);
      if (sections.length === 0) return;
      const { section } = rng.pick(sections);
      if (!isTable(section.connection)) section.connection = {};
      const connection = section.connection as Table;
      if (!isTable(connection.tls)) connection.tls = {};
      const fileKey = rng.pick(['cacertfile', 'certfile', 'keyfile']);
      (connection.tls as Table)[fileKey] = rng.pick([...PATHS, ...ctx.files]);
      steps.push(`tls ${fileKey}`);
      return;
    }
    case 'hosts': {
      if (!isTable(doc.general)) doc.general = {};
      const key2 = rng.pick(['hosts', 'host_types']);
      (doc.general as Table)[key2] = rng.chance(0.8)
        ? Array.from({ length: rng.int(4) }, (_, i) => rng.pick(['a.com', 'b.com', '', `h${i}`]))
        : randomValue(rng, ctx);
      steps.push(`general.${key2}`);
      return;
    }
    case 'schema-connection': {
      const sections = poolSections(doc);
      if (sections.length === 0) return;
      const { type, section } = rng.pick(sections);
      const info = ctx.types.find((t) => t.type === type);
      if (info) section.connection = fromSchema(rng, ctx, info.connectionSchema as SchemaNode);
      steps.push(`schema connection for ${type}`);
      return;
    }
  }
}

const ALPHABET = ['=', '[', ']', '{', '}', '"', "'", ',', '.', '\n', ' ', '#', '0', '9', 'a', '_', '-', '\\', '+', 'é'];

function mutateText(rng: Prng, text: string, steps: string[]): string {
  const lines = text.split('\n');
  const at = rng.int(Math.max(1, text.length));
  switch (rng.int(7)) {
    case 0:
      steps.push(`text: delete char ${at}`);
      return text.slice(0, at) + text.slice(at + 1);
    case 1:
      steps.push(`text: insert at ${at}`);
      return text.slice(0, at) + rng.pick(ALPHABET) + text.slice(at);
    case 2: {
      const i = rng.int(lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      steps.push(`text: duplicate line ${i + 1}`);
      return lines.join('\n');
    }
    case 3: {
      const i = rng.int(lines.length);
      lines.splice(i, 1);
      steps.push(`text: delete line ${i + 1}`);
      return lines.join('\n');
    }
    case 4: {
      const i = rng.int(lines.length);
      const j = rng.int(lines.length);
      [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
      steps.push(`text: swap lines ${i + 1} and ${j + 1}`);
      return lines.join('\n');
    }
    case 5:
      steps.push(`text: truncate at ${at}`);
      return text.slice(0, at);
    default: {
      const i = rng.int(lines.length + 1);
      lines.splice(i, 0, `${rng.pick(KEY_WORDS)} = ${rng.pick(['1', '"x"', 'true', '[]', '{}', '1.5', '"""a"""'])}`);
      steps.push(`text: insert a key line at ${i + 1}`);
      return lines.join('\n');
    }
  }
}

/** A document generated from the schemas: 1-3 types, 1-2 tags each, options and connection. */
function generated(rng: Prng, ctx: CaseContext, steps: string[]): Table {
  const pools: Table = {};
  for (let i = 1 + rng.int(3); i > 0; i--) {
    const { type, connectionSchema } = rng.pick(ctx.types);
    const byTag = (pools[type] ??= {}) as Table;
    for (let j = 1 + rng.int(2); j > 0; j--) {
      const section = (fromSchema(rng, ctx, ctx.poolSchema as SchemaNode) ?? {}) as Table;
      if (isTable(section)) section.connection = fromSchema(rng, ctx, connectionSchema as SchemaNode);
      byTag[rng.pick(['default', 'main', 'b'])] = section;
    }
  }
  steps.push('generated from the schemas');
  const doc: Table = { outgoing_pools: pools };
  if (rng.chance(0.5)) doc.general = { hosts: ['a.com', 'b.com'], loglevel: 'info' };
  return doc;
}

function toText(doc: Table, steps: string[]): string | undefined {
  try {
    return stringify(doc);
  } catch {
    steps.push('(not expressible as TOML: skipped)');
    return undefined;
  }
}

/** Build the case of one seed number. */
export function makeCase(rng: Prng, ctx: CaseContext, caseTag: string): FuzzCase {
  const steps: string[] = [];
  const planter = new Planter(caseTag);
  const seed = rng.pick(ctx.seeds);
  let doc: Table | undefined;
  if (rng.chance(0.25)) {
    doc = generated(rng, ctx, steps);
  } else {
    steps.push(`seed ${seed.source}`);
    try {
      doc = parse(seed.text) as Table;
    } catch {
      doc = undefined; // a fragment that is not a whole document: mutate its text only
    }
  }
  let text: string | undefined;
  if (doc !== undefined) {
    plant(rng, doc, planter, steps);
    for (let n = rng.int(5); n > 0; n--) mutateStructure(rng, ctx, doc, steps);
    text = toText(doc, steps);
  }
  if (text === undefined) {
    // Plant by text: every password string of the seed.
    text = seed.text.replace(/(password\s*=\s*)"[^"\n]*"/g, (_, head: string) => `${head}"${planter.token()}"`);
  }
  const textRounds = rng.chance(0.4) ? 1 + rng.int(3) : 0;
  for (let n = 0; n < textRounds; n++) text = mutateText(rng, text, steps);
  return { text, secrets: planter.secrets, steps };
}
