// README "Editors": taplo (the engine of Even Better TOML) checks a configuration file against
// `outpools schema`: a good file passes, a misspelt key and a string where an integer belongs are
// reported at their lines. Runs taplo's own CLI (@taplo/cli, WebAssembly) on the files.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const taplo = join(root, 'node_modules', '@taplo', 'cli', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'outpools-taplo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lint(file: string, schema: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [taplo, 'lint', '--schema', schema, file], {
      cwd: dir,
      timeout: 100_000,
      env: { ...process.env, NO_COLOR: '1', RUST_LOG: 'error' },
    });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, output: `${failed.stdout}${failed.stderr}` };
  }
}

describe('taplo with the schema of `outpools schema`', () => {
  it('passes a good file and underlines a bad key and a bad value', { timeout: 120_000 }, async () => {
    let schema = '';
    expect(await main(['schema'], { stdout: (t) => void (schema += t), stderr: () => undefined, cwd: root })).toBe(0);
    const schemaPath = join(dir, 'outpools.schema.json');
    writeFileSync(schemaPath, schema);
    const good = join(dir, 'good.toml');
    writeFileSync(
      good,
      '[general]\nhosts = ["localhost"]\n\n[outgoing_pools.redis.default]\nworkers = 4\n[outgoing_pools.redis.default.connection]\nhost = "127.0.0.1"\n',
    );
    const bad = join(dir, 'bad.toml');
    writeFileSync(
      bad,
      '[outgoing_pools.redis.default]\nwrokers = 4\n[outgoing_pools.redis.default.connection]\nport = "6379"\n',
    );
    const url = pathToFileURL(schemaPath).href;
    const [goodRun, badRun] = await Promise.all([lint(good, url), lint(bad, url)]);
    expect(goodRun, goodRun.output).toMatchObject({ code: 0 });
    expect(badRun.code).not.toBe(0);
    expect(badRun.output).toContain(`${bad}:2:1`); // wrokers = 4
    expect(badRun.output).toContain(`${bad}:4:8`); // port = "6379"
  });
});
