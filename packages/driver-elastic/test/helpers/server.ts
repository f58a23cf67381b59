/**
 * The test node of `scripts/services/slow/elastic.sh`: one Elasticsearch 8.19 node over https on
 * 127.0.0.1:19200 (certificate signed by the script's CA, file-realm superuser), and the script's
 * start / wait / stop, which the restart test uses.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TomlTable } from '@outpools/testing';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/services/slow/elastic.sh', import.meta.url));
const DIR = '/tmp/outpools-services/elastic';

/** The test node: address, credentials, CA. */
export const NODE = {
  host: '127.0.0.1',
  port: 19200,
  username: 'outpools',
  password: 'outpools-es-pw',
  caFile: `${DIR}/ca.crt`,
} as const;

/** The `[connection]` table of a pool on the test node (https, peer-verified, basic auth). */
export function nodeConnection(extra: TomlTable = {}): TomlTable {
  return { host: NODE.host, port: NODE.port, username: NODE.username, password: NODE.password, ...extra };
}

/** The `[connection.tls]` table trusting the node's CA. */
export const NODE_TLS: TomlTable = { cacertfile: NODE.caFile };

function script(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [SCRIPT, ...args], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`elastic.sh ${args.join(' ')} failed: ${stderr || stdout}`, { cause: error }));
      else resolve(stdout);
    });
  });
}

/** Start the node if needed and wait until it serves cluster health (idempotent). */
export async function ensureNode(waitSeconds = 240): Promise<void> {
  await script('start');
  await script('wait', String(waitSeconds));
}

/** Stop the node (SIGTERM, waits for the process to end). */
export function stopNode(): Promise<string> {
  return script('stop');
}

/** Start the node again (returns at once; the node needs 10-25 s). */
export function startNode(): Promise<string> {
  return script('start');
}

/** Wait until the node serves cluster health. */
export function waitNode(waitSeconds = 240): Promise<string> {
  return script('wait', String(waitSeconds));
}
