import pg from 'pg';
import { describeConformance } from '@outpools/testing';
import { rdbmsDriver } from '@outpools/driver-rdbms';
import { PASSWORD, USER } from './helpers/servers.js';

const network = { host: '127.0.0.1', database: 'test', username: USER, password: PASSWORD };

// The shared suite against every backend's real server.
describeConformance({
  title: 'rdbms pool type conformance (pgsql)',
  driver: rdbmsDriver,
  connection: { driver: 'pgsql', port: 5432, ...network },
  packageName: '@outpools/driver-rdbms',
  live: true,
});

describeConformance({
  title: 'rdbms pool type conformance (mysql)',
  driver: rdbmsDriver,
  connection: { driver: 'mysql', port: 3306, ...network },
  live: true,
});

describeConformance({
  title: 'rdbms pool type conformance (odbc)',
  driver: rdbmsDriver,
  connection: { driver: 'odbc', settings: 'DSN=outpools-pg' },
  // an ODBC connection string naming a closed port
  unreachable: (port) => ({
    driver: 'odbc',
    settings: `Driver={PostgreSQL Unicode};Servername=127.0.0.1;Port=${port};Database=test;Username=${USER};Password=${PASSWORD}`,
  }),
  tls: false,
  // a DSN has no host and port for a proxy: the backend is terminated on the server
  breakConnection: {
    kill: async (connection) => {
      const { rows } = await connection.query('SELECT pg_backend_pid() AS pid', undefined);
      const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
      await admin.connect();
      try {
        await admin.query('SELECT pg_terminate_backend($1)', [Number(rows[0]?.['pid'])]);
      } finally {
        await admin.end();
      }
    },
  },
  live: true,
});
