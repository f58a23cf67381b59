import type { Options } from 'tsup';

/** Shared tsup settings: ESM + CJS + .d.ts for every package. */
export function packageBuild(entry: Record<string, string> | string[], extra: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    platform: 'node',
    splitting: false,
    treeshake: true,
    ...extra,
  };
}
