// Every published package passes a packaging linter (publint): its `exports`, `main`, `types`
// and files point at what the build really produced, for ESM and CJS consumers alike.
// Runs on the built packages (the test command builds before the tests).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = readdirSync(join(root, 'packages')).filter((dir) =>
  existsSync(join(root, 'packages', dir, 'package.json')),
);

describe('published packages', () => {
  it.each(packages)('%s passes publint with no error or warning', async (dir) => {
    const pkgDir = join(root, 'packages', dir);
    expect(existsSync(join(pkgDir, 'dist')), `${dir} is built`).toBe(true);
    const { messages, pkg } = await publint({ pkgDir, level: 'warning', strict: true });
    const problems = messages.map((m) => `${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
    expect(problems).toEqual([]);
  });
});

describe('package metadata', () => {
  const license = readFileSync(join(root, 'LICENSE'), 'utf8');
  it.each(packages)('%s ships a README and the LICENSE, and names its repository and homepage', (dir) => {
    const pkgDir = join(root, 'packages', dir);
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(existsSync(join(pkgDir, 'README.md')), `${dir}/README.md`).toBe(true);
    expect(readFileSync(join(pkgDir, 'LICENSE'), 'utf8'), `${dir}/LICENSE is the root LICENSE`).toBe(license);
    expect(pkg.license).toBe('MIT');
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'README.md', 'LICENSE']));
    expect(pkg.repository).toMatchObject({ type: 'git', directory: `packages/${dir}` });
    expect(String(pkg.homepage)).toMatch(/^https:\/\//);
  });

  it.each(packages.filter((dir) => dir !== 'core'))(
    '%s depends on the core by a range and declares it as a peer (never an exact pin)',
    (dir) => {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        peerDependencies?: Record<string, string>;
      };
      expect(pkg.dependencies?.['@outpools/core']).toBe('workspace:^');
      expect(pkg.peerDependencies?.['@outpools/core']).toBe('workspace:^');
    },
  );
});
