// The fuzzer's seed corpus: every example configuration and every TOML block of the docs and the
// driver READMEs, as written.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One seed document and where it came from. */
export interface Seed {
  readonly source: string;
  readonly text: string;
}

const TOML_BLOCK = /```toml\n([\s\S]*?)```/g;

function blocksOf(file: string, root: string): Seed[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(TOML_BLOCK)].map((m, i) => ({ source: `${file}#${i + 1}`, text: m[1] ?? '' }));
}

/** Every seed under the repository root `root`. */
export function loadSeeds(root: string): Seed[] {
  const seeds: Seed[] = [];
  for (const name of readdirSync(join(root, 'examples'))
    .filter((n) => n.endsWith('.toml'))
    .sort()) {
    seeds.push({ source: `examples/${name}`, text: readFileSync(join(root, 'examples', name), 'utf8') });
  }
  const markdown = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((n) => n.endsWith('.md'))
      .map((n) => `docs/${n}`),
    ...readdirSync(join(root, 'packages'))
      .map((p) => `packages/${p}/README.md`)
      .filter((f) => existsSync(join(root, f))),
  ].sort();
  for (const file of markdown) seeds.push(...blocksOf(file, root));
  return seeds;
}
