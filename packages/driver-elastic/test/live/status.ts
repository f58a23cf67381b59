/**
 * `outpools status` on a configuration with elastic pools: the live one shows its workers live
 * and a health round trip (cluster health); one with a wrong password shows down, without it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { toToml } from '@outpools/testing';
// The command line as the `outpools` binary runs it (the core's `./cli` entry, from source).
import { main, type CliIo } from '../../../core/src/cli/main.js';
import { NODE, NODE_TLS, nodeConnection } from '../helpers/server.js';

const PLUGIN = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
const WRONG = 'status-wrong-pw-4419';

async function outpools(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: process.cwd() };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export function describeStatus(): void {
  describe('outpools status with elastic pools', () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpools-elastic-status-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const file = (name: string, pools: Record<string, unknown>): string => {
      const path = join(dir, name);
      writeFileSync(path, toToml({ outgoing_pools: { elastic: pools } } as Parameters<typeof toToml>[0]));
      return path;
    };

    it('shows every elastic worker live with a health round trip, and exits 0', async () => {
      const path = file('live.toml', {
        default: { workers: 2, connection: { ...nodeConnection(), tls: NODE_TLS } },
        search: {
          workers: 3,
          strategy: 'next_worker',
          connection: { ...nodeConnection(), tls: { verify_mode: 'selfsigned_peer' } },
        },
      });
      const { code, stdout, stderr } = await outpools('status', path, '--plugin', PLUGIN);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^elastic\.default@global\s+2\/2\s+ok [\d.]+ ms$/m);
      expect(stdout).toMatch(/^elastic\.search@global\s+3\/3\s+ok [\d.]+ ms$/m);
      expect(stdout).not.toContain(NODE.password);
    });

    it('shows a pool with a wrong password down, explains it in one line, exits 1, never prints the password', async () => {
      const path = file('dead.toml', {
        default: { workers: 1, connection: { ...nodeConnection(), tls: NODE_TLS } },
        wrong: { workers: 1, connection: { ...nodeConnection({ password: WRONG }), tls: NODE_TLS } },
      });
      const { code, stdout, stderr } = await outpools('status', path, '--plugin', PLUGIN, '--wait-ms', '3000');
      expect(code).toBe(1);
      expect(stdout).toMatch(/^elastic\.default@global\s+1\/1\s+ok/m);
      expect(stdout).toMatch(/^elastic\.wrong@global\s+0\/1\s+down$/m);
      const explanation = stdout.split('\n').filter((l) => l.startsWith('elastic.wrong@global:'));
      expect(explanation).toHaveLength(1);
      expect(explanation[0]).toContain('refused the credentials');
      const printed = `${stdout}${stderr}`;
      expect(printed).not.toContain(WRONG);
      expect(printed).not.toContain(Buffer.from(`${NODE.username}:${WRONG}`).toString('base64'));
    });
  });
}
