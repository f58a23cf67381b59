/**
 * Redis servers for the tests: the extra server of `scripts/services/20-redis-extra.sh`
 * (AUTH, ACL user, TLS), and private redis-server processes a test starts, kills and restarts.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '@outpools/testing';
import { freePort, portOpen } from '../../../../tests/helpers/port.js';

export { freePort };

/** What `20-redis-extra.sh` writes to its info.json. */
export interface RedisExtraInfo {
  host: string;
  port: number;
  tlsPort: number;
  password: string;
  aclUser: string;
  aclPassword: string;
  caFile: string;
  otherCaFile: string;
  certFile: string;
  keyFile: string;
  selfSignedCertFile: string;
  selfSignedKeyFile: string;
}

const INFO = '/tmp/outpools-services/redis-extra/info.json';
const SCRIPT = fileURLToPath(new URL('../../../../scripts/services/20-redis-extra.sh', import.meta.url));

/** The extra Redis; runs its (idempotent) service script when it is not up yet. */
export async function redisExtra(): Promise<RedisExtraInfo> {
  if (!existsSync(INFO) || !(await portOpen(JSON.parse(readFileSync(INFO, 'utf8')).port))) {
    execFileSync('bash', [SCRIPT], { stdio: 'ignore' });
  }
  return JSON.parse(readFileSync(INFO, 'utf8')) as RedisExtraInfo;
}

/** A redis-server process owned by one test. */
export interface PrivateRedis {
  readonly port: number;
  /** The TLS port, when started with `tls`. */
  readonly tlsPort: number | undefined;
  /** Kill the process (SIGKILL) and wait until the port is closed. */
  kill(): Promise<void>;
  /** Start it again on the same ports. */
  start(): Promise<void>;
  /** Kill it and remove its directory. */
  dispose(): Promise<void>;
}

/** Options of {@link startPrivateRedis}. */
export interface PrivateRedisOptions {
  /** Serve TLS on a second port with this certificate and key. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Extra `redis-server` arguments. */
  readonly args?: readonly string[];
}

/** Start a private redis-server on free loopback ports, state in a temporary directory. */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'outpools-redis-test-'));
  const port = await freePort();
  const tlsPort = options.tls ? await freePort() : undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(options.tls
      ? [
          '--tls-port',
          String(tlsPort),
          '--tls-cert-file',
          options.tls.certFile,
          '--tls-key-file',
          options.tls.keyFile,
          '--tls-auth-clients',
          'no',
        ]
      : []),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const proc = spawn('redis-server', args, { stdio: 'ignore' });
    proc.on('error', () => undefined);
    child = proc;
    await until(() => portOpen(port), 10_000, `redis-server on ${port}`);
    if (tlsPort !== undefined) await until(() => portOpen(tlsPort), 10_000, `redis-server TLS on ${tlsPort}`);
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    tlsPort,
    kill,
    start,
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
