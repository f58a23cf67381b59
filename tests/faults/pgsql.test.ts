/** Fault scenarios for rdbms pgsql pools, against a private PostgreSQL cluster (behind the fault proxy, or crash-stopped and started again). */
import { loadPg } from '../../packages/driver-rdbms/src/load.js';
import { rdbmsBackend } from './rdbms.js';
import { startPrivatePostgres } from './servers.js';
import { describeFaults, PGSQL_FAULTS } from './suite.js';

describeFaults(
  'rdbms pgsql',
  async () => {
    await loadPg(); // its import time must not count against a connect bound
    const server = await startPrivatePostgres();
    return rdbmsBackend({
      name: 'pgsql',
      driver: 'pgsql',
      port: server.port,
      database: 'postgres',
      username: 'postgres',
      password: 'unused-trust-auth',
      restartable: server,
      dispose: () => server.dispose(),
    });
  },
  PGSQL_FAULTS,
);
