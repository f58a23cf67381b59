import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeConformance } from '@outpools/testing';
import { rabbitDriver } from '@outpools/driver-rabbit';

// The vhost and user below are created on the default broker by the service script; run it
// (idempotent, quick when everything is up) before the suite registers its tests.
const script = fileURLToPath(new URL('../../../scripts/services/30-rabbit-tls.sh', import.meta.url));
if (!existsSync('/tmp/outpools-services/rabbit-tls/info.json')) execFileSync('bash', [script], { stdio: 'ignore' });

// The shared suite, against the pre-started broker (127.0.0.1:5672, guest/guest).
describeConformance({
  driver: rabbitDriver,
  connection: { host: '127.0.0.1', port: 5672 },
  packageName: '@outpools/driver-rabbit',
  live: true,
});

// And with confirms, a virtual host and its own user (the suite checks the password is never printed).
describeConformance({
  title: 'rabbit pool type conformance (confirms, vhost user)',
  driver: rabbitDriver,
  connection: {
    host: '127.0.0.1',
    port: 5672,
    username: 'outpools-test',
    password: 'outpools-vhost-secret',
    virtual_host: 'outpools_test',
    confirms_enabled: true,
  },
  live: true,
});
