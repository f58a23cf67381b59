// Certificate revocation lists issued by the test PKI's CA (`openssl ca -gencrl`), for the
// `crl_files` tests.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestCertificate } from '@outpools/testing';

const run = promisify(execFile);

/**
 * A PEM CRL signed by `ca` that revokes `revoked` (none: an empty, valid CRL). Each call works in
 * its own directory (its own `openssl ca` database), so CRLs never share state.
 */
export async function issueCrl(ca: TestCertificate, revoked: readonly TestCertificate[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'outpools-crl-'));
  const config = join(dir, 'ca.cnf');
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'crlnumber'), '01\n');
  await writeFile(
    config,
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(dir, 'index.txt')}`,
      `crlnumber = ${join(dir, 'crlnumber')}`,
      `certificate = ${ca.certFile}`,
      `private_key = ${ca.keyFile}`,
      'default_md = sha256',
      'default_crl_days = 30',
      '',
    ].join('\n'),
  );
  for (const cert of revoked) await run('openssl', ['ca', '-config', config, '-revoke', cert.certFile], { cwd: dir });
  const crl = join(dir, 'crl.pem');
  await run('openssl', ['ca', '-config', config, '-gencrl', '-out', crl], { cwd: dir });
  return crl;
}
