// Every TypeScript snippet of the README, docs/ and the package READMEs type-checks as written
// (strict, against the packages' sources), as a module of its own, from its document's folder:
// a package README's snippets see that package's dependencies (the otel README imports the
// OpenTelemetry SDK), as a reader's project that installs the package would. Snippets that
// need servers are not run here; the runnable example pool type is run by
// tests/docs-example.test.ts.
//
// Two marks, on a snippet's first line, change what "as written" means; readers see them too:
//
// - `// continues the snippet above`: the snippet uses names that the previous ts snippet of the
//   same document made (`pools`, a client). It is checked appended to that snippet (and to
//   whatever that one continues); its own lines must type-check there.
// - `// excerpt of <path>`: the snippet is lines of that file of the repository (members of an
//   object, for example), which the document walks through. Its lines must be in that file, one
//   after the other, indentation aside, and the file is type-checked here with the snippets.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

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

/** Where a document's snippets are written: a scratch folder beside the document. */
const scratchOf = (doc: string): string => join(root, dirname(doc), '.tmp', 'doc-snippets');

const CONTINUES = /^\/\/ continues the snippet above\b/;
const EXCERPT = /^\/\/ excerpt of (\S+)/;

interface Snippet {
  readonly doc: string;
  readonly index: number;
  /** The line of the opening fence in the document (1-based). */
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

const lines = (text: string): string[] => text.split('\n').map((l) => l.trim());

/** Whether the lines of `excerpt` (after its mark) are lines of `file`, in a row, indentation aside. */
function isExcerptOf(excerpt: string, file: string): boolean {
  const wanted = lines(excerpt).slice(1);
  while (wanted.at(-1) === '') wanted.pop();
  const have = lines(file);
  if (wanted.length === 0) return false;
  for (let start = 0; start + wanted.length <= have.length; start++) {
    if (wanted.every((line, i) => have[start + i] === line)) return true;
  }
  return false;
}

afterAll(() => {
  for (const doc of docs) rmSync(scratchOf(doc), { recursive: true, force: true });
});

describe('TypeScript snippets of the documentation', () => {
  const all = snippets();
  it('finds the snippets, and the marks', () => {
    expect(all.length).toBeGreaterThan(15);
    expect(all.some((s) => CONTINUES.test(s.code))).toBe(true);
    expect(all.some((s) => EXCERPT.test(s.code))).toBe(true);
  });

  it('an excerpt must be lines of its file, in a row', () => {
    const file = 'a({\n  check(ctx) {\n    ctx.warn();\n  },\n});\n';
    expect(isExcerptOf('// excerpt of f.ts\ncheck(ctx) {\n  ctx.warn();\n},\n', file)).toBe(true);
    expect(isExcerptOf('// excerpt of f.ts\ncheck(ctx) {\n  ctx.error();\n},\n', file)).toBe(false);
    expect(isExcerptOf('// excerpt of f.ts\ncheck(ctx) {\n},\n', file)).toBe(false);
    expect(isExcerptOf('// excerpt of f.ts\n', file)).toBe(false);
  });

  it('every snippet type-checks as written', { timeout: 120_000 }, () => {
    const problems: string[] = [];
    for (const doc of docs) {
      rmSync(scratchOf(doc), { recursive: true, force: true });
    }
    /** Per module to check: its file, the snippet, and the file line (0-based) where the snippet's own code starts. */
    const modules: { path: string; snippet: Snippet; start: number }[] = [];
    const excerpted = new Set<string>();
    /** The code each snippet stands for once its continuations are resolved, by `doc#index`. */
    const whole = new Map<string, string>();
    for (const s of all) {
      const id = `${s.doc}#${s.index}`;
      const excerpt = EXCERPT.exec(s.code);
      if (excerpt) {
        const target = excerpt[1]!;
        if (!existsSync(join(root, target))) {
          problems.push(`${s.doc}:${s.line} (snippet ${s.index}): excerpt of ${target}, which does not exist`);
        } else if (!isExcerptOf(s.code, readFileSync(join(root, target), 'utf8'))) {
          problems.push(`${s.doc}:${s.line} (snippet ${s.index}): not lines of ${target}, in a row`);
        } else excerpted.add(join(root, target));
        continue;
      }
      let before = '';
      if (CONTINUES.test(s.code)) {
        const previous = whole.get(`${s.doc}#${s.index - 1}`);
        if (previous === undefined) {
          problems.push(`${s.doc}:${s.line} (snippet ${s.index}): continues no snippet (none above, or an excerpt)`);
          continue;
        }
        before = `${previous}\n`;
      }
      whole.set(id, `${before}${s.code}`);
      const dir = scratchOf(s.doc);
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${s.doc.replace(/[^A-Za-z0-9]+/g, '_')}_${s.index}.ts`);
      writeFileSync(path, `${before}${s.code}\nexport {};\n`);
      modules.push({ path, snippet: s, start: before.split('\n').length - 1 });
    }
    const config = ts.getParsedCommandLineOfConfigFile(
      join(root, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => undefined,
      },
    );
    if (config === undefined) throw new Error('cannot read tsconfig.json');
    const program = ts.createProgram([...modules.map((m) => m.path), ...excerpted], {
      ...config.options,
      noEmit: true,
      noUnusedLocals: false,
      noUnusedParameters: false,
    });
    const diagnosticsOf = (path: string): readonly ts.Diagnostic[] => {
      const source = program.getSourceFile(path);
      return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    };
    for (const { path, snippet, start } of modules) {
      for (const d of diagnosticsOf(path)) {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : start;
        // Lines above `start` are the snippets this one continues: their own check reports them.
        if (at < start) continue;
        problems.push(
          `${snippet.doc}:${snippet.line + 1 + at - start} (snippet ${snippet.index}, ${relative(root, path)}): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      }
    }
    for (const path of excerpted) {
      for (const d of diagnosticsOf(path)) {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
        problems.push(
          `${relative(root, path)}:${at} (excerpted): ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });
});
