// The build (scripts/build.mjs, `pnpm run build`): a package is rebuilt only when its inputs
// changed; an unchanged workspace builds nothing and prints one line, without colour codes.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = () =>
  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });

describe('the build', () => {
  it('rebuilds nothing when nothing changed, even when a source file was only touched', () => {
    const first = build();
    expect(first.status, first.stdout + first.stderr).toBe(0);
    const now = new Date();
    utimesSync(join(root, 'packages', 'core', 'src', 'index.ts'), now, now);
    const second = build();
    expect(second.status, second.stderr).toBe(0);
    // every workspace package with a build script: packages/* and the example packages
    const packages = ['packages', 'examples']
      .flatMap((parent) => readdirSync(join(root, parent)).map((dir) => join(root, parent, dir, 'package.json')))
      .filter((file) => existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).scripts?.build !== undefined).length;
    expect(second.stdout).toBe(`build: ${packages} package(s) up to date\n`);
    expect(second.stderr).toBe('');
    expect(first.stdout + second.stdout).not.toContain('\u001b');
  }, 900_000);
});
