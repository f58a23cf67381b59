// Every published package passes a packaging linter (publint): its `exports`, `main`, `types`
// and files point at what the build really produced, for ESM and CJS consumers alike.
// Runs on the built packages (the test command builds before the tests).
import { existsSync, readdirSync } from 'node:fs';
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
