/**
 * A child Node process running a bundled TypeScript script that imports this driver's sources,
 * whose stdout lines the test can wait for (the workspace's `tests/helpers/child-bundle.ts`). The
 * bundle is written under the package directory so that the external `cassandra-driver` resolves
 * from its node_modules.
 */
import { fileURLToPath } from 'node:url';
import { type BundledChild, startBundledChild } from '../../../../tests/helpers/child-bundle.js';

const pkg = fileURLToPath(new URL('../..', import.meta.url));

/** A running child: its output lines and its exit. */
export type Child = BundledChild;

/** Bundle `source` (TypeScript importing the workspace sources) and run it with Node. */
export function startChild(source: string): Promise<Child> {
  return startBundledChild(source, [], { packages: ['driver-cassandra'], external: ['cassandra-driver'], under: pkg });
}
