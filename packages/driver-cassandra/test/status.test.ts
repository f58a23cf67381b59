import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../core/src/cli/main.js';
import { cassandraToml } from './helpers/pools.js';
import { CA_FILE, PASSWORD, useCassandra } from './helpers/server.js';

const plugin = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'outpools-cassandra-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
useCassandra();

async function outpools(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: dir };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

describe('outpools status with cassandra pools (live)', () => {
  it('shows plain and TLS cassandra pools live with a health round trip, and no password', async () => {
    const file = join(dir, 'pools.toml');
    writeFileSync(
      file,
      [
        cassandraToml('plain', { workers: 3 }),
        cassandraToml('secure', { workers: 2 }, undefined, { verify_mode: 'peer', cacertfile: CA_FILE }).replace(
          /^\[outgoing_pools\]\n?/m,
          '',
        ),
      ].join('\n'),
    );
    const { code, stdout, stderr } = await outpools('status', file, '--plugin', plugin);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^cassandra\.plain@global\s+3\/3\s+ok [\d.]+ ms$/m);
    expect(stdout).toMatch(/^cassandra\.secure@global\s+2\/2\s+ok [\d.]+ ms$/m);
    expect(code).toBe(0);
    expect(stdout).not.toContain(PASSWORD);
  });
});
