import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { processIo } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

const plugin = fileURLToPath(new URL('./cli-fake-drivers.mjs', import.meta.url));
const SECRET = 'Tr0ub4dor-secret';
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), cwd: dir });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const good = `
[general]
hosts = ["a.com", "b.com"]
loglevel = "warning"

[outgoing_pools.kv.default]
scope = "host"
[outgoing_pools.kv.default.connection]
password = "${SECRET}"

[outgoing_pools.sql.main]
workers = 2
connection = { driver = "pgsql", database = "db", password = "${SECRET}" }

[outgoing_pools.sql.side]
scope = "single_host"
host = "c.com"
connection = { driver = "mysql", database = "db" }
`;

const bad = `
[outgoing_pools.kv.default]
workers = 0
strategy = "available_worker"
[outgoing_pools.kv.default.connection]
port = "6379"
password = "${SECRET}"
pasword = "${SECRET}"
[outgoing_pools.sql.main.connection]
driver = "psgql"
database = "db"
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outpools-cli-'));
  await writeFile(join(dir, 'good.toml'), good);
  await writeFile(join(dir, 'bad.toml'), bad);
  await writeFile(join(dir, 'syntax.toml'), `[outgoing_pools.kv.a.connection]\npassword = "${SECRET}\n`);
  await writeFile(join(dir, 'redis.toml'), '[outgoing_pools.nosuchtype.default]\n');
  await writeFile(
    join(dir, 'array.toml'),
    '[[outgoing_pools.kv.x]]\n[[outgoing_pools.kv.x]]\nscope = "single_host"\nhost = "h"\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('outpools check', () => {
  it('prints every pool with its options after defaults, passwords as "***", then warnings, and exits 0', async () => {
    const result = await run('check', 'good.toml', '--plugin', plugin);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      '# kv.default: instances a.com, b.com\n[outgoing_pools.kv.default]\nscope = "host"\nstrategy = "best_worker"\nworkers = 3\ncall_timeout = 5000\n[outgoing_pools.kv.default.connection]\nhost = "127.0.0.1"\nport = 6379\npassword = "***"\n',
    );
    expect(result.stdout).toContain('# sql.main: instances global\n');
    expect(result.stdout).toContain(
      'warning: outgoing_pools.sql.side.host: "c.com" is not one of the configured hosts',
    );
    expect(result.stdout).toMatch(/good\.toml: OK, 3 pools, 4 instances, 1 warning\(s\)\n$/);
    expect(result.stdout).not.toContain(SECRET);
  });

  it('prints one JSON document with --json', async () => {
    const result = await run('check', 'good.toml', '--json', '--plugin', plugin);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['ok', 'errors', 'warnings', 'pools']);
    expect(doc.pools).toEqual([
      {
        type: 'kv',
        tag: 'default',
        scope: 'host',
        host: null,
        instances: ['a.com', 'b.com'],
        options: { strategy: 'best_worker', workers: 3, call_timeout: 5000 },
        connection: { host: '127.0.0.1', port: 6379, password: '***' },
      },
      expect.objectContaining({
        type: 'sql',
        tag: 'main',
        instances: ['global'],
        options: expect.objectContaining({ workers: 2 }),
      }),
      expect.objectContaining({ tag: 'side', scope: 'single_host', host: 'c.com', instances: ['c.com'] }),
    ]);
    expect(result.stdout).not.toContain(SECRET);
  });

  it('lists the pools of [[host_config]] sections with their host, and names their paths in errors', async () => {
    await writeFile(
      join(dir, 'host-config.toml'),
      '[general]\nhosts = ["a.com"]\n[[host_config]]\nhost_type = "a.com"\n[host_config.outgoing_pools.kv.distrib]\nworkers = 2\n',
    );
    const ok = await run('check', 'host-config.toml', '--json', '--plugin', plugin);
    expect(ok.code).toBe(0);
    expect((JSON.parse(ok.stdout) as { pools: unknown[] }).pools).toEqual([
      {
        type: 'kv',
        tag: 'distrib',
        scope: 'single_host',
        host: 'a.com',
        host_config: 'a.com',
        instances: ['a.com'],
        options: { strategy: 'best_worker', workers: 2, call_timeout: 5000 },
        connection: { host: '127.0.0.1', port: 6379, password: '' },
      },
    ]);
    await writeFile(
      join(dir, 'host-config-bad.toml'),
      '[[host_config]]\nhost = "a.com"\n[host_config.outgoing_pools.kv.distrib]\nscope = "global"\nworkers = 0\n',
    );
    const bad = await run('check', 'host-config-bad.toml', '--plugin', plugin);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      'host_config[0].outgoing_pools.kv.distrib.scope: not allowed in a [[host_config]] section',
    );
    expect(bad.stderr).toContain(
      'host_config[0].outgoing_pools.kv.distrib.workers: expected a positive integer, got 0\n',
    );
  });

  it('expands host pools over --hosts instead of [general] hosts', async () => {
    const result = await run(
      'check',
      'good.toml',
      '--json',
      '--hosts',
      'x.org, c.com',
      '--host-types',
      't',
      '--plugin',
      plugin,
    );
    const doc = JSON.parse(result.stdout) as { warnings: unknown[]; pools: { instances: string[] }[] };
    expect(doc.pools[0]?.instances).toEqual(['x.org', 'c.com', 't']);
    expect(doc.warnings).toEqual([]);
  });

  it('prints every error as "path: message" and exits 1, never showing a password', async () => {
    const result = await run('check', 'bad.toml', '--plugin', plugin);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      'outgoing_pools.kv.default.workers: expected a positive integer, got 0',
      'outgoing_pools.kv.default.strategy: kv does not support "available_worker"',
      'outgoing_pools.kv.default.connection.port: expected an integer from 1 to 65534, got "6379"',
      'outgoing_pools.kv.default.connection.pasword: unknown key "pasword"; did you mean "password"?',
      'outgoing_pools.sql.main.connection.driver: expected one of "pgsql" or "mysql", got "psgql"; did you mean "pgsql"?',
      'bad.toml: 5 errors',
      '',
    ]);
    const json = await run('check', 'bad.toml', '--json', '--plugin', plugin);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, pools: [], warnings: [] });
    expect(result.stdout + result.stderr + json.stdout + json.stderr).not.toContain(SECRET);
  });

  it('reports a TOML syntax error with file, line and column, without the line itself', async () => {
    const result = await run('check', 'syntax.toml');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^syntax\.toml:2:\d+: TOML syntax error: /);
    expect(result.stderr).not.toContain(SECRET);
  });

  it('reports a pool type whose package is not installed as a config error naming the package', async () => {
    const result = await run('check', 'redis.toml');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'outgoing_pools.nosuchtype: unknown pool type "nosuchtype": install @outpools/driver-nosuchtype or outpools-driver-nosuchtype, or load a module that provides it (outpools --plugin <module>)\n',
    );
  });

  it('reports an installed driver package that fails to load instead of asking to install it', async () => {
    const pkgDir = join(dir, 'node_modules', '@outpools', 'driver-broken');
    await mkdir(pkgDir, { recursive: true });
    await writeFile(
      join(pkgDir, 'package.json'),
      JSON.stringify({ name: '@outpools/driver-broken', type: 'module', main: 'index.js' }),
    );
    await writeFile(join(pkgDir, 'index.js'), "throw new Error('no native binding');\n");
    await writeFile(join(dir, 'broken.toml'), '[outgoing_pools.broken.a]\n');
    const result = await run('check', 'broken.toml');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'outgoing_pools.broken: cannot load @outpools/driver-broken: no native binding\nbroken.toml: 1 error\n',
    );
  });

  it('prints an empty default password as "" (nothing is hidden)', async () => {
    await writeFile(join(dir, 'nopass.toml'), '[outgoing_pools.kv.np]\n');
    const result = await run('check', 'nopass.toml', '--plugin', plugin);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('port = 6379\npassword = ""\n');
  });

  it('prints several sections of one tag as an array of tables', async () => {
    const result = await run('check', 'array.toml', '--plugin', plugin);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[[outgoing_pools.kv.x]]\nscope = "global"');
    expect(result.stdout).toContain('# kv.x: instances h\n[[outgoing_pools.kv.x]]\nscope = "single_host"\nhost = "h"');
  });

  it.each([
    [['check'], 'missing the configuration file'],
    [['check', 'a.toml', 'b.toml'], 'unexpected argument "b.toml"'],
    [['check', 'good.toml', '--frobnicate'], 'outpools check: unknown option --frobnicate\n'],
    [['check', 'good.toml', '--jsn'], 'outpools check: unknown option --jsn; did you mean --json?\n'],
    [['check', 'good.toml', '--hosts'], 'outpools check: --hosts needs a value\n'],
    [['check', 'good.toml', '--json=yes'], 'outpools check: --json takes no value\n'],
    [['check', 'good.toml', '--plugin', './missing-plugin.mjs'], 'cannot load plugin ./missing-plugin.mjs'],
  ])('exits 2 with the usage for %j', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: outpools check <file>');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    ['nope.toml', 'no such file'],
    ['.', 'is a directory, not a configuration file'],
  ])('exits 2 with one line, no usage, for the unreadable file %j', async (file, why) => {
    const result = await run('check', file);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: `outpools check: cannot read ${file}: ${why}\n` });
  });

  it('refuses a file that is not UTF-8 with its file, line and column', async () => {
    await writeFile(
      join(dir, 'latin1.toml'),
      Buffer.concat([Buffer.from('[general]\nhosts = ["ex'), Buffer.from([0xe9]), Buffer.from('.com"]\n')]),
    );
    const result = await run('check', 'latin1.toml', '--plugin', plugin);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'latin1.toml:2:13: invalid UTF-8 (byte 0xe9): a configuration file must be UTF-8\nlatin1.toml: 1 error\n',
    );
  });

  it('prints its usage with --help and exits 0', async () => {
    const result = await run('check', '--help');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Usage: outpools check <file>/);
  });
});

describe('outpools', () => {
  it('lists the commands with --help and exits 0', async () => {
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Commands:\n {2}check {6}validate/);
    expect(result.stdout).toContain('--version');
    expect(result.stdout).toContain('  schema ');
  });

  it('prints the version of @outpools/core with --version', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(await run('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect((await run('--frob')).stderr).toMatch(/^outpools: unknown option --frob; a command comes first\n/);
  });

  it('exits 2 with the command list for no command or an unknown one', async () => {
    expect(await run()).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('Commands:') });
    expect(await run('frob')).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^outpools: unknown command "frob"/),
    });
  });
});

describe('outpools schema', () => {
  it('prints the JSON Schema of the whole file for the plugin types, keys with defaults optional', async () => {
    const result = await run('schema', '--plugin', plugin);
    expect(result.code).toBe(0);
    // biome-ignore lint/suspicious/noExplicitAny: a JSON Schema walked at any depth
    const schema = JSON.parse(result.stdout) as { properties: { outgoing_pools: { properties: Record<string, any> } } };
    const pools = schema.properties.outgoing_pools.properties;
    expect(Object.keys(pools)).toEqual(expect.arrayContaining(['kv', 'sql']));
    const kv = pools.kv.additionalProperties.anyOf[0];
    expect(kv.properties.workers.default).toBe(3);
    expect(kv.properties.connection.required).toBeUndefined();
    expect(pools.sql.additionalProperties.anyOf[0].properties.connection.required).toEqual(['driver', 'database']);
  });

  it('exits 2 for an argument or a plugin it cannot load, and 0 for --help', async () => {
    expect((await run('schema', 'x')).code).toBe(2);
    expect((await run('schema', '--plugin', './nope.mjs')).code).toBe(2);
    expect((await run('schema', '--help')).code).toBe(0);
  });
});

describe('the process streams', () => {
  it('write to process.stdout and process.stderr and use the working directory', () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const io = processIo();
      io.stdout('a');
      io.stderr('b');
      expect(out).toHaveBeenCalledWith('a');
      expect(err).toHaveBeenCalledWith('b');
      expect(io.cwd).toBe(process.cwd());
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
