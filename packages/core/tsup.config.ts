import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// typebox is bundled into the JavaScript (its ESM build is ~1,400 files, most of the time of a
// cold `outpools check`); the type declarations still import it (it stays a dependency).
export default defineConfig(
  packageBuild(
    { index: 'src/index.ts', driver: 'src/driver/index.ts', cli: 'src/cli/main.ts' },
    { noExternal: ['typebox'] },
  ),
);
