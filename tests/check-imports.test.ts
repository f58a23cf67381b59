// `outpools check` validates a configuration with the drivers' schemas, defaults and checks
// only: it must not load any client library (the drivers import theirs on the first connect).
// Runs the built CLI (as packages/core/test/cli-binary.test.ts does) with a hook that records
// every module the process resolves.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages', 'core', 'bin', 'outpools.js');
const hook = join(root, 'tests', 'helpers', 'record-imports.mjs');

/** Client libraries of the seven pool types. */
const CLIENT_LIBRARIES = [
  'ioredis',
  'undici',
  'pg',
  'mysql2',
  'odbc',
  'amqplib',
  'ldapts',
  'cassandra-driver',
  '@elastic/elasticsearch',
];

function isLibrary(specifier: string, library: string): boolean {
  // a bare specifier, a subpath, or a resolved path inside the package
  return (
    specifier === library || specifier.startsWith(`${library}/`) || specifier.includes(`/node_modules/${library}/`)
  );
}

let dir: string;
beforeAll(async () => {
  const missing = ['core', 'driver-http', 'driver-redis', 'driver-rdbms'].filter(
    (p) => !existsSync(join(root, 'packages', p, 'dist', 'index.js')),
  );
  if (missing.length > 0 || !existsSync(join(root, 'packages', 'core', 'dist', 'cli.js'))) {
    await exec('pnpm', ['run', 'build'], { cwd: root, timeout: 300_000 });
  }
  dir = await mkdtemp(join(tmpdir(), 'outpools-imports-'));
}, 320_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function recordedCheck(file: string): Promise<{ code: number; stdout: string; specifiers: string[] }> {
  const record = join(dir, `${Math.random().toString(36).slice(2)}.txt`);
  const env = { ...process.env, OUTPOOLS_RECORD_IMPORTS: record };
  let code = 0;
  let stdout = '';
  try {
    ({ stdout } = await exec(process.execPath, ['--import', hook, bin, 'check', file], {
      cwd: root,
      env,
      timeout: 30_000,
    }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string };
    code = failed.code ?? -1;
    stdout = failed.stdout ?? '';
  }
  const specifiers = existsSync(record) ? (await readFile(record, 'utf8')).split('\n').filter(Boolean) : [];
  return { code, stdout, specifiers };
}

describe('outpools check examples/outgoing-pools.toml', () => {
  it('validates the example with every installed driver and loads no client library', async () => {
    const { code, stdout, specifiers } = await recordedCheck('examples/outgoing-pools.toml');
    expect(code, stdout).toBe(0);
    // the hook works: the drivers of the example's types were loaded
    for (const driver of ['@outpools/driver-http', '@outpools/driver-redis', '@outpools/driver-rdbms']) {
      expect(
        specifiers.some((s) => s.includes(driver) || s.includes(driver.replace('@outpools/', 'packages/'))),
        driver,
      ).toBe(true);
    }
    const loaded = CLIENT_LIBRARIES.filter((library) => specifiers.some((s) => isLibrary(s, library)));
    expect(loaded).toEqual([]);
  });

  it('the hook sees a client library when one is loaded (the check above can fail)', async () => {
    const record = join(dir, 'probe.txt');
    await exec(process.execPath, ['--import', hook, '-e', "import('ioredis').then(() => require('undici'))"], {
      cwd: root,
      env: { ...process.env, OUTPOOLS_RECORD_IMPORTS: record },
      timeout: 30_000,
    });
    const specifiers = (await readFile(record, 'utf8')).split('\n');
    expect(specifiers).toContain('ioredis');
    expect(specifiers).toContain('undici');
  });

  it('loads no networking module of Node (node:tls, node:net, node:crypto load on the first connect)', async () => {
    const script = `
      // stdout and stderr are pipes here: making their streams loads node:net, not the check
      process.stdout; process.stderr;
      const before = new Set(process.moduleLoadList);
      const cli = await import(${JSON.stringify(join(root, 'packages', 'core', 'dist', 'cli.js'))});
      const code = await cli.main(['check', 'examples/outgoing-pools.toml']);
      const added = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith('NativeModule '));
      process.stderr.write(JSON.stringify({ code, added }));`;
    const { stderr } = await exec(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      timeout: 30_000,
    });
    const { code, added } = JSON.parse(stderr) as { code: number; added: string[] };
    expect(code).toBe(0);
    // the probe sees the modules the check loads
    expect(added.length).toBeGreaterThan(0);
    const networking = added.filter((m) => /^NativeModule (tls|_tls_wrap|net|crypto|http|https)$/.test(m));
    expect(networking).toEqual([]);
  });
});
