import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// typebox is bundled into the JavaScript (its ESM build is ~1,400 files, most of the time of a
// cold `outpools check`); the type declarations still import it (it stays a dependency).
// Code splitting: the three entries share their chunks (typebox, config, errors) instead of each
// carrying a copy, so `outpools check`, which loads the CLI and the drivers' `/driver` entry,
// compiles typebox once.
export default defineConfig(
  packageBuild(
    { index: 'src/index.ts', driver: 'src/driver/index.ts', cli: 'src/cli/main.ts' },
    { noExternal: ['typebox'], splitting: true },
  ),
);
