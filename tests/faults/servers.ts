/**
 * Private servers the fault suite kills and starts again (never the shared ones): a redis-server,
 * a PostgreSQL cluster and a MariaDB server on free loopback ports, state under one temporary
 * directory per run (the PostgreSQL and MariaDB data directories are made once and reused).
 * @module
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { until } from '@outpools/testing';
import { freePort, portOpen } from '../helpers/port.js';
import type { Restartable } from './harness.js';

const run = promisify(execFile);

/** A private server: {@link Restartable} plus `dispose()`. */
export interface PrivateServer extends Restartable {
  dispose(): Promise<void>;
}

/** A server process this test owns: spawned in the foreground, SIGKILLed, spawned again. */
async function privateProcess(
  command: string,
  args: readonly string[],
  port: number,
  startTimeoutMs: number,
  cleanup: () => void,
): Promise<PrivateServer> {
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn(command, args, { stdio: 'ignore' });
    proc.on('error', () => undefined);
    child = proc;
    await until(() => portOpen(port), startTimeoutMs, `${command} on ${port}`);
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    start,
    kill,
    async dispose() {
      await kill();
      cleanup();
    },
  };
}

/** A private redis-server (no persistence). */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const dir = mkdtempSync(join(tmpdir(), 'outpools-faults-redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--dir',
    dir,
  ];
  return privateProcess('redis-server', [...args, '--loglevel', 'warning'], port, 20_000, () =>
    rmSync(dir, { recursive: true, force: true }),
  );
}

const CACHE = '/tmp/outpools-faults';

/**
 * A private MariaDB server without grant tables (any user and password log in), data directory
 * made once with `mariadb-install-db` under /tmp/outpools-faults and reused; SIGKILL is a crash
 * (InnoDB recovers on the next start).
 */
export async function startPrivateMariadb(): Promise<PrivateServer> {
  const data = join(CACHE, 'mariadb-data');
  mkdirSync(CACHE, { recursive: true });
  if (!existsSync(join(data, 'mysql'))) {
    rmSync(data, { recursive: true, force: true });
    await run(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { timeout: 120_000 },
    );
  }
  const port = await freePort();
  const args = [
    '--no-defaults',
    `--datadir=${data}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(data, `mysqld-${port}.sock`)}`,
    `--pid-file=${join(data, `mysqld-${port}.pid`)}`,
    '--user=root',
    '--skip-grant-tables',
    '--skip-log-bin',
    '--innodb-buffer-pool-size=16M',
    '--innodb-log-file-size=8M',
    '--performance-schema=OFF',
    '--max-connections=200',
  ];
  return privateProcess('/usr/sbin/mariadbd', args, port, 60_000, () => undefined);
}

function pgBin(name: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin/${name}`;
}

const asPostgres = (bin: string, args: readonly string[], timeout = 60_000) =>
  run('runuser', ['-u', 'postgres', '--', pgBin(bin), ...args], { timeout });

/**
 * A private PostgreSQL cluster (trust authentication, database `postgres`), made once with
 * `initdb` under /tmp/outpools-faults and reused. `kill()` is `pg_ctl stop -m immediate` (the
 * postmaster and every backend quit at once without cleanup, as in a crash: a plain SIGKILL of
 * the postmaster would leave its backends running).
 */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const base = join(CACHE, 'pg');
  const data = join(base, 'data');
  mkdirSync(base, { recursive: true });
  await run('chown', ['postgres', base]);
  if (!existsSync(join(data, 'PG_VERSION'))) {
    rmSync(data, { recursive: true, force: true });
    await asPostgres(
      'initdb',
      ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'],
      120_000,
    );
  }
  const port = await freePort();
  const options = `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=100`;
  const start = async (): Promise<void> => {
    await asPostgres('pg_ctl', [
      '-D',
      data,
      '-l',
      join(base, 'postgres.log'),
      '-w',
      '-t',
      '60',
      '-o',
      options,
      'start',
    ]);
    await until(() => portOpen(port), 60_000, `postgres on ${port}`);
  };
  const kill = async (): Promise<void> => {
    await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
  };
  await start();
  return { port, start, kill, dispose: kill };
}

/** What scripts/services/40-ldap.sh writes to its info.json (the keys used here). */
interface LdapInfo {
  readonly rootDn: string;
  readonly rootPassword: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly template: string;
  readonly dataLdif: string;
}

/** The private slapd's root DN and password (the service's, from its info.json). */
export interface PrivateSlapd extends PrivateServer {
  readonly rootDn: string;
  readonly rootPassword: string;
}

/**
 * A private slapd with the configuration template and entries of scripts/services/40-ldap.sh
 * (run first when its info.json is missing), on a free port, state in a temporary directory.
 */
export async function startPrivateSlapd(): Promise<PrivateSlapd> {
  const infoFile = '/tmp/outpools-services/ldap/info.json';
  if (!existsSync(infoFile)) {
    await run('bash', [new URL('../../scripts/services/40-ldap.sh', import.meta.url).pathname], { timeout: 300_000 });
  }
  const info = JSON.parse(readFileSync(infoFile, 'utf8')) as LdapInfo;
  const dir = mkdtempSync(join(tmpdir(), 'outpools-faults-slapd-'));
  mkdirSync(join(dir, 'db'));
  const conf = join(dir, 'slapd.conf');
  writeFileSync(
    conf,
    readFileSync(info.template, 'utf8')
      .replaceAll('@DIR@', dir)
      .replaceAll('@CERT@', info.certFile)
      .replaceAll('@KEY@', info.keyFile),
  );
  await run('/usr/sbin/slapadd', ['-q', '-f', conf, '-l', info.dataLdif]);
  const port = await freePort();
  // -d 0: in the foreground (the child is the server), no debug output.
  const server = await privateProcess(
    '/usr/sbin/slapd',
    ['-d', '0', '-f', conf, '-h', `ldap://127.0.0.1:${port}/`],
    port,
    20_000,
    () => rmSync(dir, { recursive: true, force: true }),
  );
  return { ...server, rootDn: info.rootDn, rootPassword: info.rootPassword };
}
