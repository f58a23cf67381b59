/**
 * A throwaway PKI for TLS tests, generated with the `openssl` command line tool (OpenSSL 3.0+):
 * two unrelated CAs, server certificates (right host, wrong host, self-signed, expired), and a
 * client certificate with a plain and a passphrase-encrypted key. Generated once per process.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its private key, as files and as PEM text. */
export interface TestCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly cert: string;
  readonly key: string;
}

/** A certificate whose key file is encrypted with `passphrase`. */
export interface TestEncryptedCertificate extends TestCertificate {
  readonly passphrase: string;
}

/** Everything {@link createTestPki} generates. Server names are `localhost`, `127.0.0.1`, `::1` unless said otherwise. */
export interface TestPki {
  /** The directory holding every file. */
  readonly dir: string;
  /** The test CA (self-signed). */
  readonly ca: TestCertificate;
  /** A second CA that signed nothing the servers use. */
  readonly otherCa: TestCertificate;
  /** Server certificate signed by `ca`. */
  readonly server: TestCertificate;
  /** Server certificate signed by `ca` for `wrong.example.invalid` only. */
  readonly wrongHost: TestCertificate;
  /** Self-signed server certificate. */
  readonly selfSigned: TestCertificate;
  /** Self-signed server certificate for `wrong.example.invalid` only. */
  readonly selfSignedWrongHost: TestCertificate;
  /** Self-signed server certificate valid only from 2020-01-01 to 2021-01-01. */
  readonly expired: TestCertificate;
  /** Client certificate (CN `outpools-client`) signed by `ca`, plain key. */
  readonly client: TestCertificate;
  /** The same client certificate with its key encrypted (AES-256) by `passphrase`. */
  readonly clientEncrypted: TestEncryptedCertificate;
}

/** The SAN of the servers' certificates. */
export const TEST_SERVER_NAMES = 'DNS:localhost,IP:127.0.0.1,IP:::1';
/** The only name in the wrong-host certificates. */
export const TEST_WRONG_HOST = 'wrong.example.invalid';
/** The passphrase of `TestPki.clientEncrypted`. */
export const TEST_KEY_PASSPHRASE = 'outpools-test-passphrase';

const cache = new Map<string, Promise<TestPki>>();

async function openssl(dir: string, args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd: dir });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr.trim()}`, { cause: error });
  }
}

async function newKey(dir: string, name: string): Promise<string> {
  const file = join(dir, `${name}.key`);
  await openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  return file;
}

async function load(certFile: string, keyFile: string): Promise<TestCertificate> {
  return { certFile, keyFile, cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8') };
}

async function selfSigned(dir: string, name: string, cn: string, ext: readonly string[]): Promise<TestCertificate> {
  const keyFile = await newKey(dir, name);
  const certFile = join(dir, `${name}.pem`);
  const extArgs = ext.flatMap((e) => ['-addext', e]);
  await openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    keyFile,
    '-subj',
    `/CN=${cn}`,
    '-days',
    '3650',
    '-out',
    certFile,
    ...extArgs,
  ]);
  return load(certFile, keyFile);
}

async function signed(
  dir: string,
  name: string,
  cn: string,
  ca: TestCertificate,
  ext: string,
): Promise<TestCertificate> {
  const keyFile = await newKey(dir, name);
  const csr = join(dir, `${name}.csr`);
  const extFile = join(dir, `${name}.ext`);
  const certFile = join(dir, `${name}.pem`);
  await writeFile(extFile, ext);
  await openssl(dir, ['req', '-new', '-key', keyFile, '-subj', `/CN=${cn}`, '-out', csr]);
  await openssl(dir, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.certFile,
    '-CAkey',
    ca.keyFile,
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    extFile,
    '-out',
    certFile,
  ]);
  return load(certFile, keyFile);
}

/** A self-signed certificate with fixed past dates (OpenSSL 3.0's `x509` cannot set them; `ca` can). */
async function expiredSelfSigned(dir: string, name: string): Promise<TestCertificate> {
  const keyFile = await newKey(dir, name);
  const csr = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.pem`);
  const caDir = join(dir, `${name}-ca`);
  await mkdir(caDir, { recursive: true });
  await writeFile(join(caDir, 'index.txt'), '');
  await writeFile(join(caDir, 'serial'), '1000\n');
  const config = join(caDir, 'ca.cnf');
  await writeFile(
    config,
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${caDir}`,
      'database = $dir/index.txt',
      'serial = $dir/serial',
      'new_certs_dir = $dir',
      'default_md = sha256',
      'policy = any',
      'copy_extensions = none',
      'x509_extensions = ext',
      'unique_subject = no',
      '[any]',
      'commonName = supplied',
      '[ext]',
      'basicConstraints = critical,CA:FALSE',
      `subjectAltName = ${TEST_SERVER_NAMES}`,
      '',
    ].join('\n'),
  );
  await openssl(dir, ['req', '-new', '-key', keyFile, '-subj', '/CN=localhost', '-out', csr]);
  await openssl(dir, [
    'ca',
    '-batch',
    '-config',
    config,
    '-selfsign',
    '-keyfile',
    keyFile,
    '-in',
    csr,
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20210101000000Z',
    '-notext',
    '-out',
    certFile,
  ]);
  return load(certFile, keyFile);
}

async function generate(dir: string): Promise<TestPki> {
  const caExt = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
  const serverExt = (names: string) =>
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=${names}\n`;
  const [ca, otherCa, selfSignedCert, selfSignedWrongHost, expired] = await Promise.all([
    selfSigned(dir, 'ca', 'outpools test CA', caExt),
    selfSigned(dir, 'other-ca', 'outpools unrelated CA', caExt),
    selfSigned(dir, 'selfsigned', 'localhost', [`subjectAltName=${TEST_SERVER_NAMES}`]),
    selfSigned(dir, 'selfsigned-wrong-host', TEST_WRONG_HOST, [`subjectAltName=DNS:${TEST_WRONG_HOST}`]),
    expiredSelfSigned(dir, 'expired'),
  ]);
  // Sequential: `-CAcreateserial` writes one serial file per CA.
  const server = await signed(dir, 'server', 'localhost', ca, serverExt(TEST_SERVER_NAMES));
  const wrongHost = await signed(dir, 'wrong-host', TEST_WRONG_HOST, ca, serverExt(`DNS:${TEST_WRONG_HOST}`));
  const client = await signed(
    dir,
    'client',
    'outpools-client',
    ca,
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  const encryptedKeyFile = join(dir, 'client-encrypted.key');
  await openssl(dir, [
    'pkey',
    '-in',
    client.keyFile,
    '-aes256',
    '-passout',
    `pass:${TEST_KEY_PASSPHRASE}`,
    '-out',
    encryptedKeyFile,
  ]);
  const clientEncrypted = { ...(await load(client.certFile, encryptedKeyFile)), passphrase: TEST_KEY_PASSPHRASE };
  return {
    dir,
    ca,
    otherCa,
    server,
    wrongHost,
    selfSigned: selfSignedCert,
    selfSignedWrongHost,
    expired,
    client,
    clientEncrypted,
  };
}

/**
 * Generate (once per process and directory) the test PKI under `dir`, or under a new temporary
 * directory when `dir` is omitted. Needs the `openssl` command (3.0 or newer).
 *
 * @example
 * ```ts
 * const pki = await createTestPki();
 * const server = tls.createServer({ cert: pki.server.cert, key: pki.server.key });
 * // connection.tls: { verify_mode: 'peer', cacertfile: pki.ca.certFile }
 * ```
 */
export function createTestPki(dir?: string): Promise<TestPki> {
  const cacheKey = dir ?? '';
  let pending = cache.get(cacheKey);
  if (pending === undefined) {
    pending = (async () => {
      const target = dir ?? (await mkdtemp(join(tmpdir(), 'outpools-pki-')));
      await mkdir(target, { recursive: true });
      return generate(target);
    })();
    pending.catch(() => cache.delete(cacheKey));
    cache.set(cacheKey, pending);
  }
  return pending;
}
