import { afterAll } from 'vitest';
import { describeConformance } from '@outpools/testing';
import { httpDriver } from '@outpools/driver-http';
import { startServer } from './helpers/servers.js';

// A real node:http server on 127.0.0.1 for the live groups.
const server = await startServer();
afterAll(async () => {
  await server.dispose();
});

describeConformance({
  driver: httpDriver,
  connection: { host: server.origin },
  packageName: '@outpools/driver-http',
  unreachable: (port) => ({ host: `http://127.0.0.1:${port}` }),
  // `host` is a URL: the suite's proxy goes in front of its port
  breakConnection: {
    proxy: { host: '127.0.0.1', port: Number(new URL(server.origin).port) },
    through: (port) => ({ host: `http://127.0.0.1:${port}` }),
  },
  live: true,
});
