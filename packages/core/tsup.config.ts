import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base.js';

export default defineConfig(packageBuild({ index: 'src/index.ts', driver: 'src/driver/index.ts', cli: 'src/cli/main.ts' }));
