/** Fault scenarios for rdbms mysql pools, against a private MariaDB server (behind the fault proxy, or SIGKILLed and started again). */
import { poolToml, startPoolsFromToml } from '@outpools/testing';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { loadMysql2 } from '../../packages/driver-rdbms/src/load.js';
import { rdbmsBackend } from './rdbms.js';
import { startPrivateMariadb } from './servers.js';
import { describeFaults, MYSQL_FAULTS } from './suite.js';

const USER = { username: 'outpools', password: 'unused-no-grant-tables' } as const;

describeFaults(
  'rdbms mysql',
  async () => {
    await loadMysql2(); // its import time must not count against a connect bound
    const server = await startPrivateMariadb();
    const connection = { driver: 'mysql', host: '127.0.0.1', port: server.port, database: 'mysql', ...USER };
    const { pools } = await startPoolsFromToml(
      poolToml('rdbms', 'faults_setup', { workers: 1, call_timeout: 30_000 }, connection),
      [rdbmsDriver],
    );
    try {
      await pools.get(rdbmsDriver, 'global', 'faults_setup').query('CREATE DATABASE IF NOT EXISTS faults');
    } finally {
      await pools.stop();
    }
    return rdbmsBackend({
      name: 'mysql',
      driver: 'mysql',
      port: server.port,
      database: 'faults',
      ...USER,
      restartable: server,
      dispose: () => server.dispose(),
    });
  },
  MYSQL_FAULTS,
);
