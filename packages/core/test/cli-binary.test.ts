// Runs the real, built `outpools` command (bin/outpools.js -> dist/cli.js).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const core = fileURLToPath(new URL('..', import.meta.url));
const bin = join(core, 'bin', 'outpools.js');
const plugin = join(core, 'test', 'cli-fake-drivers.mjs');
let dir: string;

function newestSource(path: string): number {
  return Math.max(
    ...readdirSync(path, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestSource(join(path, entry.name)) : statSync(join(path, entry.name)).mtimeMs,
    ),
  );
}

async function outpools(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { cwd: dir, timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

beforeAll(async () => {
  const cli = join(core, 'dist', 'cli.js');
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestSource(join(core, 'src'))) {
    await exec('pnpm', ['--filter', '@outpools/core', 'run', 'build'], { cwd: core, timeout: 110_000 });
  }
  dir = await mkdtemp(join(tmpdir(), 'outpools-bin-'));
  await writeFile(join(dir, 'ok.toml'), '[outgoing_pools.kv.default.connection]\npassword = "s3cr3t-value"\n');
  await writeFile(join(dir, 'bad.toml'), '[outgoing_pools.kv.default]\nworkers = "ten"\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the built outpools command', () => {
  it('checks a valid file and exits 0 with the resolved pool as JSON', async () => {
    const result = await outpools('check', 'ok.toml', '--json', '--plugin', plugin);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      pools: [{ type: 'kv', tag: 'default', instances: ['global'], connection: { password: '***', port: 6379 } }],
    });
    expect(result.stdout).not.toContain('s3cr3t-value');
  });

  it('exits 1 for an invalid file and 2 for an unknown command, without a stack trace', async () => {
    const bad = await outpools('check', 'bad.toml', '--plugin', plugin);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('outgoing_pools.kv.default.workers: expected a positive integer, got "ten"');
    const unknown = await outpools('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });
});
