import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// An application package: ESM only, no declarations (the core's CLI loads it by its `runDemo`
// export). The demo's configuration files are copied next to the bundle for installs outside
// this repository; inside it the demo reads examples/ directly.
export default defineConfig(
  packageBuild(
    { index: 'src/index.ts' },
    {
      format: ['esm'],
      dts: false,
      onSuccess: async () => {
        for (const name of ['demo.toml', 'demo-local.toml']) await copyFile(`../../examples/${name}`, `dist/${name}`);
      },
    },
  ),
);
