import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

// typebox and smol-toml are bundled into the JavaScript (typebox's ESM build is ~1,400 files, most
// of the time of a cold `outpools check`; smol-toml's nine more files to read one after the other);
// the type declarations still import typebox (it stays a dependency), none imports smol-toml.
// Code splitting: the three entries share their chunks (typebox, config, errors) instead of each
// carrying a copy, so `outpools check`, which loads the CLI and the drivers' `/driver` entry,
// compiles typebox once.
export default defineConfig(
  packageBuild(
    { index: 'src/index.ts', driver: 'src/driver/index.ts', cli: 'src/cli/main.ts' },
    { noExternal: ['typebox', 'smol-toml'], splitting: true },
  ),
);
