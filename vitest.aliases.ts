// Tests import the TypeScript sources directly: no build needed to run them. Shared by the root
// vitest config and the conformance kit's meta-test config.
import { readdirSync } from 'node:fs';

/** `@outpools/<dir>` to its source entry; `@outpools/core/driver` first (an alias also matches subpaths). */
export function workspaceAliases(root: string): { find: string | RegExp; replacement: string }[] {
  return [
    { find: '@outpools/core/driver', replacement: `${root}packages/core/src/driver/index.ts` },
    ...readdirSync(`${root}packages`).map((dir) => ({
      find: new RegExp(`^@outpools/${dir}$`),
      replacement: `${root}packages/${dir}/src/index.ts`,
    })),
  ];
}
