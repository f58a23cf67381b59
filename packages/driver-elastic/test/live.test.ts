/**
 * Everything that talks to the test node, in one file so that the restart test (which stops and
 * starts the node) runs after the others and never under them.
 */
import { beforeAll } from 'vitest';
import { ensureNode } from './helpers/server.js';
import { describeApi } from './live/api.js';
import { describeSecurity } from './live/security.js';

beforeAll(async () => {
  await ensureNode();
}, 300_000);

describeApi();
describeSecurity();
