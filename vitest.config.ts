import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
import { workspaceAliases } from './vitest.aliases.js';

const root = fileURLToPath(new URL('.', import.meta.url));
const alias = workspaceAliases(root);

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
