/** Stop and start the private TLS PostgreSQL cluster of scripts/services/11-pg-tls.sh (never the base server). */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PG_TLS_DIR } from './servers.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../../../scripts/services/11-pg-tls.sh', import.meta.url));

function pgCtl(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions[versions.length - 1]}/bin/pg_ctl`;
}

/** Crash-stop the cluster (`pg_ctl -m immediate`): every backend goes away at once. */
export async function stopTlsCluster(): Promise<void> {
  await run('runuser', ['-u', 'postgres', '--', pgCtl(), '-D', `${PG_TLS_DIR}/data`, '-m', 'immediate', 'stop'], {
    timeout: 20_000,
  });
}

/** Start it again through its service script (idempotent: a running cluster is left alone). */
export async function startTlsCluster(): Promise<void> {
  await run('bash', [script], { timeout: 60_000 });
}
