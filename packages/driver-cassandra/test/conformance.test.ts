import { describeConformance } from '@outpools/testing';
import { cassandraDriver } from '@outpools/driver-cassandra';
import { CONNECTION, SERVER, useCassandra } from './helpers/server.js';

useCassandra();

// The shared suite against the test node, with plain-text authentication (the suite checks the
// password is never printed).
describeConformance({
  driver: cassandraDriver,
  connection: CONNECTION,
  packageName: '@outpools/driver-cassandra',
  live: true,
  unreachable: (port) => ({ ...CONNECTION, servers: [{ host: '127.0.0.1', port }] }),
  breakConnection: {
    proxy: SERVER,
    through: (port) => ({ ...CONNECTION, servers: [{ host: '127.0.0.1', port }] }),
  },
});
