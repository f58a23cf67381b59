import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

interface Esbuild {
  build(options: Record<string, unknown>): Promise<unknown>;
}

/** Bundle a script that imports the TypeScript sources, with the esbuild that tsup brings. */
async function bundle(source: string, dir: string): Promise<string> {
  const require = createRequire(import.meta.url);
  const esbuild = createRequire(require.resolve('tsup'))('esbuild') as Esbuild;
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, source);
  const out = join(dir, 'entry.mjs');
  await esbuild.build({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    alias: {
      '@outpools/core/driver': join(root, 'packages/core/src/driver/index.ts'),
      '@outpools/core': join(root, 'packages/core/src/index.ts'),
      '@outpools/testing': join(root, 'packages/testing/src/index.ts'),
    },
    nodePaths: [join(root, 'packages/core/node_modules'), join(root, 'node_modules')],
  });
  return out;
}

function runNode(
  file: string,
  deadlineMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${deadlineMs} ms; stdout: ${stdout}; stderr: ${stderr}`));
    }, deadlineMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const script = `
import { createPools, DriverRegistry } from '@outpools/core';
import { createFakeDriver } from '@outpools/testing';

process.on('unhandledRejection', (e) => { console.log('UNHANDLED', String(e)); process.exitCode = 3; });
const fake = createFakeDriver({ keepaliveMs: 1000, connectFailures: 1, closeMode: 'reject' });
const registry = new DriverRegistry([fake.driver]);
const spec = {
  type: 'fake', tag: 'default', path: 'outgoing_pools.fake.default',
  options: { scope: 'global', strategy: 'best_worker', workers: 3, call_timeout: 60000 },
  connection: { label: 'fake' },
};
const pools = createPools({ pools: [spec], hosts: [], hostTypes: [], warnings: [] }, { registry, drainTimeoutMs: 200 });
const report = await pools.start();
const client = pools.get(fake.driver, 'global', 'default');
await client.call('quick');
const hanging = client.call('hang', { hang: true }).then(() => 'resolved', (e) => e.code);
const slow = client.call('slow', { latencyMs: 50 }).then((r) => r.value);
await pools.stop();
await pools.stop();
console.log(JSON.stringify({ live: report.instances[0].live, hanging: await hanging, slow: await slow, closes: fake.counts.closes, connects: fake.counts.connects }));
`;

describe('process lifecycle', () => {
  it('lets the process exit by itself after stop, with calls running, a worker in backoff and keepalive on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpools-exit-'));
    try {
      const file = await bundle(script, dir);
      const { code, stdout, stderr, ms } = await runNode(file, 10_000);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const result = JSON.parse(stdout.trim()) as Record<string, unknown>;
      expect(result).toMatchObject({ live: 2, hanging: 'OUTPOOLS_POOL_STOPPED', slow: 'slow' });
      expect(result['closes']).toBe(result['connects']); // every connection made was closed
      expect(ms).toBeLessThan(5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
