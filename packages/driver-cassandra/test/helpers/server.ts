/**
 * The test Cassandra node (`scripts/services/slow/cassandra.sh`): started once, shared by every
 * test file (idempotent start + wait), with a test role and keyspace.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import cassandra from 'cassandra-driver';
import { exclusiveCassandra, sharedCassandra, type Release } from './lock.js';

const run = promisify(execFile);

/** The service script. */
export const SCRIPT = fileURLToPath(new URL('../../../../scripts/services/slow/cassandra.sh', import.meta.url));
/** Native transport port of the test node (plaintext and TLS on the same port). */
export const PORT = 19042;
/** The test CA that signed the node's certificate (SAN IP:127.0.0.1, DNS:localhost). */
export const CA_FILE = '/tmp/outpools-services/cassandra/ca.crt';
/** The test role. */
export const USER = 'outpools';
/** Its password (distinct enough to be searched for in messages). */
export const PASSWORD = 'outpools-cql-test-pw-7f3a';
/** The keyspace the tests work in. */
export const KEYSPACE = 'outpools_test';
/** A server entry of the test node. */
export const SERVER = { host: '127.0.0.1', port: PORT } as const;
/** A connection table for the test node with the test role. */
export const CONNECTION = {
  servers: [SERVER],
  keyspace: KEYSPACE,
  auth: { plain: { username: USER, password: PASSWORD } },
} as const;

/** Run the service script with `args`; rejects with its output when it fails. */
export async function service(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(SCRIPT, args, { timeout: 300_000 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`cassandra.sh ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** An admin client as the default superuser (for setup only). */
export async function adminClient(): Promise<cassandra.Client> {
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${PORT}`],
    localDataCenter: 'datacenter1',
    authProvider: new cassandra.auth.PlainTextAuthProvider('cassandra', 'cassandra'),
    isMetadataSyncEnabled: false,
  });
  await client.connect();
  return client;
}

/**
 * Hash a role's password again with the node's bcrypt cost (see the service script) when it was
 * set with another one. The node accepts one change per role every 5 s: a file that loses that
 * race to another finds the work done.
 */
export async function rehashPassword(admin: cassandra.Client, role: string, password: string): Promise<void> {
  const row = (await admin.execute('SELECT salted_hash FROM system_auth.roles WHERE role = ?', [role])).first();
  if (String(row?.['salted_hash'] ?? '').startsWith('$2a$04$')) return;
  try {
    await admin.execute(`ALTER ROLE ${role} WITH PASSWORD = '${password}'`);
  } catch (error) {
    if (!/can only be changed every/.test((error as Error).message)) throw error;
  }
}

let ready: Promise<void> | undefined;

/** Start the node (if needed), wait for it, and create the test role and keyspace. */
export function ensureCassandra(): Promise<void> {
  ready ??= (async () => {
    await service('start');
    await service('wait', '240');
    const admin = await adminClient();
    try {
      await admin.execute(
        `CREATE ROLE IF NOT EXISTS ${USER} WITH PASSWORD = '${PASSWORD}' AND LOGIN = true AND SUPERUSER = true`,
      );
      await rehashPassword(admin, USER, PASSWORD);
      await admin.execute(
        `CREATE KEYSPACE IF NOT EXISTS ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
    } finally {
      await admin.shutdown();
    }
  })();
  return ready;
}

/**
 * In a test file that uses the node: start it (if needed) and hold the shared lock for the
 * file's duration (the restart test stops the node only when no such file runs).
 */
export function useCassandra(): void {
  let release: Release | undefined;
  beforeAll(async () => {
    release = await sharedCassandra();
    await ensureCassandra();
  }, 600_000);
  afterAll(() => release?.());
}

/** In the restart test: hold the node alone for the file's duration. */
export function useCassandraAlone(): void {
  let release: Release | undefined;
  beforeAll(async () => {
    release = await exclusiveCassandra();
    await ensureCassandra();
  }, 900_000);
  afterAll(() => release?.());
}
