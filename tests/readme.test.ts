import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(`${root}${path}`, 'utf8');

/** The two commands the README must start with (DEVELOPERS.md). */
function readmeCommands(): string[] {
  const readme = read('README.md');
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  if (!block?.[1]) throw new Error('README has no leading sh block');
  return block[1]
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

describe('README', () => {
  it('starts with the install-and-run command and the install-and-test command', () => {
    const readme = read('README.md');
    expect(readme.indexOf('```sh')).toBeLessThan(200);
    const [main, test] = readmeCommands();
    expect(main).toMatch(/install .*&& .*run main$/);
    expect(test).toMatch(/install .*&& .*test$/);
  });

  it('is what CI runs: .ci/run calls the README test command', () => {
    const [, test] = readmeCommands();
    const ci = read('.ci/run');
    // CI adds --frozen-lockfile to the install; otherwise the same command.
    expect(ci).toContain(test!.replace(' install ', ' install --frozen-lockfile '));
  });

  it('the main job runs the demo, and the default example stays one documented command away', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.main).toMatch(/&& outpools demo$/);
    expect(pkg.scripts['check:example']).toContain('outpools check examples/outgoing-pools.toml');
    expect(read('README.md')).toContain('pnpm run check:example');
  });

  it('every `pnpm <script>` the README, docs/ and the package READMEs name is a script of package.json', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const builtins = new Set(['install', 'exec', 'add', 'dlx']);
    const docs = [
      'README.md',
      ...readdirSync(`${root}docs`)
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
      ...['packages', 'examples'].flatMap((parent) =>
        readdirSync(`${root}${parent}`)
          .map((dir) => `${parent}/${dir}/README.md`)
          .filter((path) => existsSync(`${root}${path}`)),
      ),
    ];
    const named = docs.flatMap((doc) =>
      [...read(doc).matchAll(/\bpnpm(?:@[\d.]+)? (?:run )?([a-z][\w:-]*)/g)].map((m) => ({ doc, script: m[1]! })),
    );
    expect(named.map((n) => n.script)).toContain('main');
    const missing = named.filter((n) => !builtins.has(n.script) && pkg.scripts[n.script] === undefined);
    expect(missing).toEqual([]);
  });
});
