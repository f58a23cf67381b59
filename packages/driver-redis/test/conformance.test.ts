import { describeConformance } from '@outpools/testing';
import { redisDriver } from '@outpools/driver-redis';

// The shared suite, against the base Redis (127.0.0.1:6379, no password).
describeConformance({
  driver: redisDriver,
  connection: { host: '127.0.0.1', port: 6379 },
  packageName: '@outpools/driver-redis',
  live: true,
});

// And against the extra Redis, which wants a password (the suite checks it is never printed).
describeConformance({
  title: 'redis pool type conformance (with AUTH)',
  driver: redisDriver,
  connection: { host: '127.0.0.1', port: 16390, password: 'outpools-default-secret' },
  live: true,
});
