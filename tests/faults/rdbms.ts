/**
 * rdbms backends of the fault suite: each call inserts one row with its id into a table with no
 * key, so a row counted twice is a statement applied twice.
 * @module
 */
import { poolToml, startPoolsFromToml, type TomlTable } from '@outpools/testing';
import { rdbmsDriver, type RdbmsClient } from '@outpools/driver-rdbms';
import type { OwnedBackend, Restartable } from './harness.js';

/** Where an rdbms backend connects. */
export interface RdbmsTarget {
  readonly name: string;
  readonly driver: 'pgsql' | 'mysql';
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  readonly tls?: TomlTable;
  readonly restartable?: Restartable;
  dispose?(): Promise<void>;
}

/** The backend of `target`: a table `faults_w_<pid>` made before the first scenario. */
export function rdbmsBackend(target: RdbmsTarget): OwnedBackend<RdbmsClient> {
  const table = `faults_w_${process.pid}`;
  const p = target.driver === 'pgsql' ? '$1' : '?';
  const connection = (port: number): TomlTable => ({
    driver: target.driver,
    host: '127.0.0.1',
    port,
    database: target.database,
    username: target.username,
    password: target.password,
  });
  let prepared = false;
  return {
    name: target.name,
    driver: rdbmsDriver,
    target: { port: target.port },
    ...(target.restartable ? { restartable: target.restartable } : {}),
    toml: (tag, port, pool) => poolToml('rdbms', tag, pool, connection(port), target.tls),
    client: (pools, tag) => pools.get(rdbmsDriver, 'global', tag),
    async prepare(client) {
      if (prepared) return;
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (id varchar(100) NOT NULL)`);
      prepared = true;
    },
    write: (client, id) => client.query(`INSERT INTO ${table} (id) VALUES (${p})`, [id]),
    async counts(client, ids) {
      const wanted = new Set(ids);
      const { rows } = await client.query<{ id: string; n: number | string }>(
        `SELECT id, COUNT(*) AS n FROM ${table} GROUP BY id`,
      );
      const counts = new Map<string, number>();
      for (const row of rows) if (wanted.has(row.id)) counts.set(row.id, Number(row.n));
      return counts;
    },
    async dispose() {
      if (prepared) {
        const { pools } = await startPoolsFromToml(
          poolToml('rdbms', 'faults_drop', { workers: 1, call_timeout: 20_000 }, connection(target.port), target.tls),
          [rdbmsDriver],
        );
        try {
          await pools.get(rdbmsDriver, 'global', 'faults_drop').query(`DROP TABLE IF EXISTS ${table}`);
        } finally {
          await pools.stop();
        }
      }
      await target.dispose?.();
    },
  };
}
