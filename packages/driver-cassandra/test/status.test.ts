import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliFolder } from '../../core/test/cli-run.js';
import { cassandraToml } from './helpers/pools.js';
import { CA_FILE, PASSWORD, useCassandra } from './helpers/server.js';

const plugin = fileURLToPath(new URL('../src/index.ts', import.meta.url));
const { outpools, file: write } = cliFolder('outpools-cassandra-status-');
useCassandra();

describe('outpools status with cassandra pools (live)', () => {
  it('shows plain and TLS cassandra pools live with a health round trip, and no password', async () => {
    const file = write(
      'pools.toml',
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
