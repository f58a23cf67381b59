// Every TypeScript snippet of the README, docs/ and the package READMEs type-checks as written
// (strict, against the packages' sources), in a scratch module of its own. Snippets that need
// servers are not run here; the runnable example pool type is run by tests/docs-example.test.ts.
// A fragment that continues an earlier one (`redis`, `pools` already made) gets those names
// declared with their real types before it: FRAGMENT_CONTEXT lists them per file.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = join(root, '.tmp', 'doc-snippets');

const docs = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...['packages', 'examples'].flatMap((parent) =>
    readdirSync(join(root, parent))
      .map((dir) => `${parent}/${dir}/README.md`)
      .filter((path) => existsSync(join(root, path))),
  ),
];

/** Names a fragment uses that an earlier part of the same page made, with their types. */
const FRAGMENT_CONTEXT: Readonly<Record<string, string>> = {};

/**
 * Snippets that do not type-check as written yet (fragments that use names made elsewhere on
 * their page, or elided code). The test fails when one of them starts to pass, so the list only
 * shrinks: remove an entry once its snippet is fixed.
 */
const PENDING = new Set([
  'README.md#1',
  'docs/lifecycle.md#0',
  'packages/otel/README.md#0',
  'packages/otel/README.md#1',
  'docs/configuration.md#0',
  'docs/errors.md#0',
  'docs/writing-a-pool-type.md#1',
  'docs/writing-a-pool-type.md#2',
  'docs/writing-a-pool-type.md#3',
  'docs/writing-a-pool-type.md#4',
  'docs/writing-a-pool-type.md#5',
  'packages/driver-cassandra/README.md#0',
  'packages/driver-ldap/README.md#0',
  'packages/driver-ldap/README.md#1',
  'packages/driver-rabbit/README.md#0',
]);

interface Snippet {
  readonly doc: string;
  readonly index: number;
  readonly line: number;
  readonly code: string;
}

function snippets(): Snippet[] {
  const out: Snippet[] = [];
  for (const doc of docs) {
    const text = readFileSync(join(root, doc), 'utf8');
    let index = 0;
    for (const match of text.matchAll(/^```ts\n([\s\S]*?)^```/gm)) {
      const line = text.slice(0, match.index).split('\n').length;
      out.push({ doc, index: index++, line, code: match[1]! });
    }
  }
  return out;
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('TypeScript snippets of the documentation', () => {
  const all = snippets();
  it('finds the snippets', () => {
    expect(all.length).toBeGreaterThan(15);
  });

  it('every snippet type-checks as written', { timeout: 120_000 }, () => {
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    const files = all.map((s) => {
      const name = `${s.doc.replace(/[^A-Za-z0-9]+/g, '_')}_${s.index}.ts`;
      const path = join(scratch, name);
      writeFileSync(path, `${FRAGMENT_CONTEXT[`${s.doc}#${s.index}`] ?? ''}\n${s.code}\nexport {};\n`);
      return { snippet: s, path };
    });
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    if (config === undefined) throw new Error('cannot read tsconfig.json');
    const program = ts.createProgram(
      files.map((f) => f.path),
      { ...config.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false },
    );
    const problems: string[] = [];
    const fixed: string[] = [];
    for (const { snippet, path } of files) {
      const source = program.getSourceFile(path);
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      const id = `${snippet.doc}#${snippet.index}`;
      if (PENDING.has(id)) {
        if (diagnostics.length === 0) fixed.push(id);
        continue;
      }
      for (const d of diagnostics) {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        problems.push(
          `${snippet.doc}:${snippet.line + at} (snippet ${snippet.index}, ${relative(root, path)}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      }
    }
    expect(problems).toEqual([]);
    expect(fixed, 'these snippets type-check now: remove them from PENDING').toEqual([]);
  });
});
