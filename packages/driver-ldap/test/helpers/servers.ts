/**
 * LDAP servers for the tests: the slapd of `scripts/services/40-ldap.sh` (127.0.0.1:13389 ldap,
 * :13636 ldaps), and private slapd processes a test starts, stops and restarts (failover,
 * restart under load, other certificates) on other loopback addresses, with the same
 * configuration template and entries.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '@outpools/testing';
import { portOpen } from '../../../../tests/helpers/port.js';

/** What `40-ldap.sh` writes to its info.json. */
export interface LdapServiceInfo {
  host: string;
  port: number;
  ldapsPort: number;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  userDn: string;
  userPassword: string;
  caFile: string;
  otherCaFile: string;
  certFile: string;
  keyFile: string;
  selfSignedCertFile: string;
  selfSignedKeyFile: string;
  host2CertFile: string;
  host2KeyFile: string;
  host3CertFile: string;
  host3KeyFile: string;
  template: string;
  dataLdif: string;
}

const INFO = '/tmp/outpools-services/ldap/info.json';
const SCRIPT = fileURLToPath(new URL('../../../../scripts/services/40-ldap.sh', import.meta.url));

/**
 * The private ports of the test-owned slapd processes: failover on 127.0.0.2 and .3, restart on
 * .4, a self-signed server on .1; a leaf-only server on 127.0.0.1:13391/13638.
 */
export const PRIVATE_PORT = 13390;
export const PRIVATE_LDAPS_PORT = 13637;

/** The service slapd; runs its (idempotent) script when it is not up yet. */
export async function ldapService(): Promise<LdapServiceInfo> {
  if (!existsSync(INFO) || !(await portOpen(13389)) || !(await portOpen(13636))) {
    execFileSync('bash', [SCRIPT], { stdio: 'ignore' });
  }
  return JSON.parse(readFileSync(INFO, 'utf8')) as LdapServiceInfo;
}

/** A slapd process owned by one test. */
export interface PrivateSlapd {
  readonly host: string;
  readonly port: number;
  readonly ldapsPort: number;
  /** Stop the process (SIGKILL: connections are reset) and wait until it exited. */
  kill(): Promise<void>;
  /** Start it again on the same addresses (same data); a no-op while it runs. */
  start(): Promise<void>;
  /** Freeze the process (SIGSTOP) and wait until every thread is stopped: connections stay open, nothing is answered. */
  pause(): Promise<void>;
  /** Let a paused process run again (SIGCONT). */
  resume(): void;
  /** Kill it and remove its directory. */
  dispose(): Promise<void>;
}

/** Options of {@link startPrivateSlapd}. */
export interface PrivateSlapdOptions {
  /** A loopback address of its own, e.g. `127.0.0.2`. */
  readonly host: string;
  /** Its TLS certificate and key (default: the service's CA-signed pair). */
  readonly cert?: { readonly certFile: string; readonly keyFile: string };
  /**
   * slapd builds the chain it sends from its CA file: with `leafOnly` that file is an unrelated
   * CA, so only the server certificate is sent.
   */
  readonly leafOnly?: boolean;
  /** Ports (default {@link PRIVATE_PORT} and {@link PRIVATE_LDAPS_PORT}). */
  readonly port?: number;
  readonly ldapsPort?: number;
}

/** Start a private slapd on `host`:13390 (ldap) and :13637 (ldaps) by default, state in a temporary directory. */
export async function startPrivateSlapd(info: LdapServiceInfo, options: PrivateSlapdOptions): Promise<PrivateSlapd> {
  const { host } = options;
  const dir = mkdtempSync(join(tmpdir(), 'outpools-slapd-'));
  mkdirSync(join(dir, 'db'));
  const certFile = options.cert?.certFile ?? info.certFile;
  const keyFile = options.cert?.keyFile ?? info.keyFile;
  const conf = join(dir, 'slapd.conf');
  let text = readFileSync(info.template, 'utf8')
    .replaceAll('@DIR@', dir)
    .replaceAll('@CERT@', certFile)
    .replaceAll('@KEY@', keyFile);
  if (options.leafOnly) text = text.replace(/^TLSCACertificateFile .*$/m, `TLSCACertificateFile ${info.otherCaFile}`);
  writeFileSync(conf, text);
  const port = options.port ?? PRIVATE_PORT;
  const ldapsPort = options.ldapsPort ?? PRIVATE_LDAPS_PORT;
  execFileSync('/usr/sbin/slapadd', ['-q', '-f', conf, '-l', info.dataLdif], { stdio: 'ignore' });
  const urls = `ldap://${host}:${port}/ ldaps://${host}:${ldapsPort}/`;
  let child: ChildProcess | undefined;
  const running = (): boolean => child !== undefined && child.exitCode === null && child.signalCode === null;
  const start = async (): Promise<void> => {
    if (running()) return;
    // -d 0: stay in the foreground (the child is the server), no debug output.
    const proc = spawn('/usr/sbin/slapd', ['-d', '0', '-f', conf, '-h', urls], { stdio: 'ignore' });
    proc.on('error', () => undefined);
    child = proc;
    await until(() => portOpen(port, host), 10_000, `slapd on ${host}:${port}`);
    await until(() => portOpen(ldapsPort, host), 10_000, `slapd on ${host}:${ldapsPort}`);
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL'); // also ends a paused (SIGSTOP) process
    await exited;
  };
  await start();
  return {
    host,
    port,
    ldapsPort,
    kill,
    start,
    async pause() {
      const pid = child?.pid;
      if (pid === undefined) return;
      child?.kill('SIGSTOP');
      // A stop signal reaches a multi-threaded process's threads asynchronously.
      const stopped = (): boolean =>
        readdirSync(`/proc/${pid}/task`).every((task) =>
          / [tT] /.test(readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8').replace(/^.*\)/, ')')),
        );
      await until(stopped, 5000, `slapd ${pid} stopped`, 5);
    },
    resume: () => void child?.kill('SIGCONT'),
    async dispose() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
