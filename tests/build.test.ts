// The build (scripts/build.mjs, `pnpm run build`): a package is rebuilt only when its inputs
// changed; an unchanged workspace builds nothing and prints one line, without colour codes.
// `--no-dts` (what `pnpm run main` uses) builds the JavaScript only.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = (...args: string[]) =>
  spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), ...args], {
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
  it('--no-dts builds the JavaScript only; a full build counts for it, and the next full build adds the declarations', () => {
    const dist = join(root, 'packages', 'core', 'dist');
    const full = build('core');
    expect(full.status, full.stdout + full.stderr).toBe(0);
    expect(build('--no-dts', 'core').stdout).toBe('build: 1 package(s) up to date\n');

    const jsOnly = build('--force', '--no-dts', 'core');
    expect(jsOnly.status, jsOnly.stdout + jsOnly.stderr).toBe(0);
    expect(jsOnly.stdout).toMatch(/^build: built core in /);
    expect(existsSync(join(dist, 'index.js'))).toBe(true);
    expect(existsSync(join(dist, 'cli.js'))).toBe(true);
    expect(existsSync(join(dist, 'index.d.ts'))).toBe(false);
    expect(build('--no-dts', 'core').stdout).toBe('build: 1 package(s) up to date\n');

    const again = build('core');
    expect(again.status, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^build: built core in /);
    expect(existsSync(join(dist, 'index.d.ts'))).toBe(true);
    expect(existsSync(join(dist, 'driver.d.cts'))).toBe(true);
    // The declarations changed nothing the packages that depend on the core are built from.
    expect(build('driver-http').stdout).toBe('build: 2 package(s) up to date\n');
  }, 900_000);
});
