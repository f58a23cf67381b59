/**
 * Everything that talks to the test node, in one file so that the restart test (which stops and
 * starts the node) runs after the others and never under them.
 */
import { beforeAll } from 'vitest';
import { describeConformance } from '@outpools/testing';
import { elasticDriver } from '@outpools/driver-elastic';
import { ensureNode, NODE_TLS, nodeConnection } from './helpers/server.js';
import { describeApi } from './live/api.js';
import { describeSecurity } from './live/security.js';
import { describeStatus } from './live/status.js';
import { describeRestart } from './live/restart.js';

beforeAll(async () => {
  await ensureNode();
}, 300_000);

// The shared suite (offline groups and live groups) against the node, over https.
describeConformance({
  driver: elasticDriver,
  connection: { ...nodeConnection(), tls: NODE_TLS },
  // Connects are bounded by call_timeout: leave room for TLS on a busy machine.
  pool: { call_timeout: 10_000 },
  packageName: '@outpools/driver-elastic',
  live: true,
});

describeApi();
describeSecurity();
describeStatus();
// Last: it stops and restarts the node.
describeRestart();
