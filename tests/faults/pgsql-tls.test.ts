/**
 * Fault scenarios for rdbms pgsql pools over TLS (peer-verified), against the TLS cluster of
 * scripts/services/11-pg-tls.sh behind the fault proxy (never stopped here: the restart fault
 * runs in pgsql.test.ts against a private cluster).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadPg } from '../../packages/driver-rdbms/src/load.js';
import { rdbmsBackend } from './rdbms.js';
import { portOpen } from '../helpers/port.js';
import { describeFaults, PGSQL_TLS_FAULTS } from './suite.js';

const PORT = 55433;
const SCRIPT = fileURLToPath(new URL('../../scripts/services/11-pg-tls.sh', import.meta.url));

describeFaults(
  'rdbms pgsql over TLS',
  async () => {
    await loadPg(); // its import time must not count against a connect bound
    if (!(await portOpen(PORT))) execFileSync('bash', [SCRIPT], { stdio: 'ignore' });
    return rdbmsBackend({
      name: 'pgsql-tls',
      driver: 'pgsql',
      port: PORT,
      database: 'test',
      username: 'outpools',
      password: 'outpools-test-pw',
      tls: { required: true, verify_mode: 'peer', cacertfile: '/tmp/outpools-services/pg-tls/ca.crt' },
    });
  },
  PGSQL_TLS_FAULTS,
);
