// The `outpools` command finds a third party's pool type by package name: the example package
// `outpools-driver-echo` (examples/, a workspace package linked into the root node_modules),
// a scoped `@acme/outpools-driver-<type>` with --driver-scope, and names both packages and
// --plugin when nothing provides the type. Runs the built packages (the test command builds first).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../packages/core/src/cli/main.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'outpools-lookup-'));

/** A line echo server on an ephemeral port. */
const server: Server = createServer((socket) => {
  socket.on('error', () => undefined);
  socket.pipe(socket);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function outpools(cwd: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd });
  return { code, stdout, stderr };
}

const echoToml = join(scratch, 'echo.toml');
writeFileSync(
  echoToml,
  `[outgoing_pools.echo.default]\nworkers = 2\n[outgoing_pools.echo.default.connection]\nhost = "127.0.0.1"\nport = ${port}\n`,
);

// A scoped third-party package, installed in the scratch app only: pool type "tick".
const scoped = join(scratch, 'node_modules', '@acme', 'outpools-driver-tick');
mkdirSync(scoped, { recursive: true });
writeFileSync(
  join(scoped, 'package.json'),
  JSON.stringify({ name: '@acme/outpools-driver-tick', version: '1.0.0', type: 'module', exports: './index.js' }),
);
writeFileSync(
  join(scoped, 'index.js'),
  `export const tickDriver = {
  type: 'tick',
  connectionSchema: { type: 'object', properties: {}, additionalProperties: false },
  connect: async () => ({}),
  close: async () => undefined,
  ping: async () => 'tick',
  client: (pool) => ({ tick: () => pool.run(() => 'tick') }),
};
`,
);
const tickToml = join(scratch, 'tick.toml');
writeFileSync(tickToml, '[outgoing_pools.tick.default]\nworkers = 1\n');

describe('finding a pool type by package name', () => {
  it('finds outpools-driver-echo (the example package) with no flag, and its pools run', async () => {
    const checked = await outpools(root, 'check', echoToml);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('reply_timeout = 5000');
    const status = await outpools(root, 'status', echoToml, '--wait-ms', '3000');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^echo\.default@global\s+2\/2\s+ok/m);
  });

  it('names both package names and --plugin when nothing provides the type', async () => {
    const result = await outpools(scratch, 'check', tickToml);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'outgoing_pools.tick: unknown pool type "tick": install @outpools/driver-tick or outpools-driver-tick, or load a module that provides it (outpools --plugin <module>)',
    );
  });

  it('finds @acme/outpools-driver-tick with --driver-scope @acme (or acme)', async () => {
    for (const scope of ['@acme', 'acme']) {
      const result = await outpools(scratch, 'status', tickToml, '--driver-scope', scope);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^tick\.default@global\s+1\/1\s+ok/m);
    }
    const other = await outpools(scratch, 'check', tickToml, '--driver-scope', '@other');
    expect(other.stderr).toContain('@other/outpools-driver-tick');
  });
});
