import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { readdirSync } from 'node:fs';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(`${root}packages`);
// Tests import the TypeScript sources directly: no build needed to run them.
// `@outpools/core/driver` before `@outpools/core` (an alias also matches its subpaths).
const alias = [
  { find: '@outpools/core/driver', replacement: `${root}packages/core/src/driver/index.ts` },
  ...packages.map((dir) => ({ find: new RegExp(`^@outpools/${dir}$`), replacement: `${root}packages/${dir}/src/index.ts` })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['packages/*/src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
    },
  },
});
