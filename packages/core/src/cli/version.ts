/**
 * The version of `@outpools/core` that runs this command (`outpools --version`).
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { coreLocation } from '../driver/loader.js';

/** The `version` field of the core's own package.json (found by the package's self-reference). */
export function coreVersion(): string {
  const path = createRequire(coreLocation()).resolve('@outpools/core/package.json');
  const pkg = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
