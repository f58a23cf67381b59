// Runs the example pool type of docs/writing-a-pool-type.md (examples/outpools-driver-echo)
// against a line-echo server on 127.0.0.1: through TOML, through the pool, and through the
// conformance suite a third-party driver would run.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { CallTimeoutError, createPools, DriverRegistry, parseConfig } from '@outpools/core';
import { describeConformance } from '@outpools/testing';
import { echoDriver } from '../examples/outpools-driver-echo/src/index.js';

/** An echo server: answers each line with the same line; `SLOW <ms>` answers after a delay. */
async function startEchoServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const slow = /^SLOW (\d+)$/.exec(line);
        if (slow) setTimeout(() => socket.writable && socket.write(`${line}\n`), Number(slow[1]));
        else socket.write(`${line}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { server, port: address.port, sockets };
}

const echo = await startEchoServer();
afterAll(async () => {
  for (const socket of echo.sockets) socket.destroy();
  await new Promise<void>((resolve) => echo.server.close(() => resolve()));
});

const toml = (extra = ''): string => `
[outgoing_pools.echo.default]
workers = 2
call_timeout = 1000
${extra}
[outgoing_pools.echo.default.connection]
host = "127.0.0.1"
port = ${echo.port}
`;

describe('the echo example of docs/writing-a-pool-type.md', () => {
  it('is configured from TOML with its defaults filled in', () => {
    const registry = new DriverRegistry([echoDriver]);
    const config = parseConfig(toml(), { registry });
    expect(config.pools[0]?.connection).toEqual({ host: '127.0.0.1', port: echo.port, reply_timeout: 5000 });
  });

  it('answers calls through the pool with the typed client', async () => {
    const registry = new DriverRegistry([echoDriver]);
    await using pools = createPools(parseConfig(toml(), { registry }), { registry });
    const report = await pools.start();
    expect(report.instances[0]).toMatchObject({ live: 2, workers: 2 });
    const client = pools.get(echoDriver, 'global', 'default');
    const answers = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((line) => client.echo(line)));
    expect(answers).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(echo.sockets.size).toBeGreaterThanOrEqual(2);
  });

  it('times out a slow answer with CallTimeoutError and keeps serving', async () => {
    const registry = new DriverRegistry([echoDriver]);
    await using pools = createPools(
      parseConfig(toml().replace('call_timeout = 1000', 'call_timeout = 200'), { registry }),
      { registry },
    );
    await pools.start();
    const client = pools.get(echoDriver, 'global', 'default');
    await expect(client.echo('SLOW 2000')).rejects.toBeInstanceOf(CallTimeoutError);
    // The timed-out connection was dropped and comes back; the other worker answers meanwhile.
    const deadline = Date.now() + 5000;
    let answer: string | undefined;
    while (answer === undefined && Date.now() < deadline) {
      answer = await client.echo('after').catch(() => undefined);
    }
    expect(answer).toBe('after');
  });

  it('rejects a request of more than one line without sending it', async () => {
    const registry = new DriverRegistry([echoDriver]);
    await using pools = createPools(parseConfig(toml(), { registry }), { registry });
    await pools.start();
    await expect(pools.get(echoDriver, 'global', 'default').echo('two\nlines')).rejects.toThrow('one line');
  });
});

describeConformance({
  driver: echoDriver,
  title: 'the echo example passes the conformance suite',
  connection: { host: '127.0.0.1', port: echo.port },
  live: true,
  timeoutMs: 10_000,
});
