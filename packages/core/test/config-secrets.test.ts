import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { maskEmbeddedSecrets, redactSecrets } from '../src/config/issues.js';

const SECRET = 'S3cr3t-odbc-pw';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpools-secrets-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('secrets embedded in strings', () => {
  it('an ODBC connection string keeps its shape but loses its PWD value', () => {
    expect(maskEmbeddedSecrets(`DSN=db;UID=app;PWD=${SECRET};Port=5432`)).toBe('DSN=db;UID=app;PWD=***;Port=5432');
    expect(maskEmbeddedSecrets(`Driver={x};pwd={${SECRET};more}`)).toBe('Driver={x};pwd=***');
    expect(maskEmbeddedSecrets(`PASSWORD = ${SECRET}`)).toBe('PASSWORD = ***');
  });

  it('a URL keeps its host but loses its user info', () => {
    expect(maskEmbeddedSecrets(`https://user:${SECRET}@host:8443`)).toBe('https://***@host:8443');
  });

  it('strings without secrets are left alone', () => {
    expect(maskEmbeddedSecrets('DSN=mydb')).toBe('DSN=mydb');
    expect(redactSecrets({ settings: 'DSN=mydb;UID=app' })).toEqual({ settings: 'DSN=mydb;UID=app' });
  });

  it('outpools check never prints the password of an rdbms odbc settings string', async () => {
    const valid = `[outgoing_pools.rdbms.default.connection]\ndriver = "odbc"\nsettings = "DSN=mydb;UID=app;PWD=${SECRET}"\n`;
    const invalid = `${valid}[outgoing_pools.rdbms.bad.connection]\ndriver = "odbc"\nsettings = "PWD=${SECRET}"\nport = 1\n`;
    for (const [name, text, expected] of [
      ['valid', valid, 0],
      ['invalid', invalid, 1],
    ] as const) {
      const file = join(dir, `${name}.toml`);
      await writeFile(file, text);
      for (const json of [false, true]) {
        const out: string[] = [];
        const code = await main(['check', file, ...(json ? ['--json'] : [])], {
          stdout: (s) => void out.push(s),
          stderr: (s) => void out.push(s),
          cwd: dir,
        });
        const printed = out.join('');
        expect(code).toBe(expected);
        if (expected === 0) expect(printed).toContain('PWD=***');
        expect(printed).not.toContain(SECRET);
      }
    }
  });
});
